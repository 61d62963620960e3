import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilSIEM

struct SearchCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the event store: field filters, text, time window, counts, first seen.",
        discussion: """
            Fields: \(EventStore.fields.joined(separator: ", ")). Prints matching events as JSON Lines \
            (the raw record with the store's fields beside it), oldest first, a page at a time; the cursor \
            of the next page goes to stderr. --count-by prints counts per value instead; --seen prints \
            whether and when matching events occurred (has this user come from this address before?).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("The event store (default: siem.database).", valueName: "path"))
    var db: String?

    @Option(
        name: .customLong("where"),
        help: ArgumentHelp("A filter field=value (repeatable; all must hold).", valueName: "field=value"))
    var filters: [String] = []

    @Option(name: .long, help: ArgumentHelp("Words that must all appear in the record.", valueName: "words"))
    var text: String?

    @Option(name: .long, help: ArgumentHelp("Events at or after this RFC 3339 time.", valueName: "time"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("Events before this RFC 3339 time.", valueName: "time"))
    var to: String?

    @Option(name: .long, help: "Events per page (1…1000).")
    var limit: Int = 100

    @Option(name: .long, help: ArgumentHelp("Continue after a previous page.", valueName: "cursor"))
    var cursor: String?

    @Option(name: .long, help: ArgumentHelp("Count matching events per value of this field.", valueName: "field"))
    var countBy: String?

    @Flag(name: .long, help: "Print how many matching events there are and when they were first and last seen.")
    var seen = false

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit \(limit) is outside 1…1000") }
        if countBy != nil && seen { throw ValidationError("--count-by and --seen are alternatives: give one") }
        if let countBy, !EventStore.fields.contains(countBy) {
            throw ValidationError(
                "--count-by '\(countBy)' is not a searchable field (one of \(EventStore.fields.joined(separator: ", ")))"
            )
        }
        for filter in filters {
            guard let parsed = EventQuery.Filter(filter) else {
                throw ValidationError("--where '\(filter)' is not field=value")
            }
            guard EventStore.fields.contains(parsed.field) else {
                throw ValidationError(
                    "--where '\(filter)': '\(parsed.field)' is not a searchable field (one of \(EventStore.fields.joined(separator: ", ")))"
                )
            }
        }
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, Timestamp(rfc3339: value) == nil {
                throw ValidationError("\(name) '\(value)' is not an RFC 3339 time such as 2026-11-02T09:00:00Z")
            }
        }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let path = db ?? configuration.siem.database
        guard FileManager.default.fileExists(atPath: path) else {
            throw .noInput("\(path): no event store here (create one with `vigil ingest FILE --db \(path)`)")
        }
        try InputFile.requireReadable(path, "event store")
        let query = EventQuery(
            filters: filters.compactMap(EventQuery.Filter.init), text: text,
            from: from.flatMap { Timestamp(rfc3339: $0) },
            to: to.flatMap { Timestamp(rfc3339: $0) }, limit: limit, cursor: cursor)
        do {
            let store = try EventStore(path: path)
            if let countBy {
                // Event values are what the logged systems (and whoever wrote into them) said: shown inert.
                for (value, count) in try store.counts(by: countBy, query) {
                    print("\(count)\t\(value.map { TerminalText.inert($0) } ?? "(none)")")
                }
            } else if seen {
                let sighting = try store.sighting(query)
                let report: JSONValue = [
                    "count": .int(Int64(sighting.count)),
                    "first_seen": sighting.first.map { .string($0.description) } ?? .null,
                    "last_seen": sighting.last.map { .string($0.description) } ?? .null,
                ]
                print(report.serialized())
            } else {
                let page = try store.search(query)
                for event in page.events {
                    let line: JSONValue = [
                        "id": .int(event.id), "log_type": .string(event.logType.rawValue),
                        "time": event.time.map { .string($0.description) } ?? .null,
                        "actor": event.actor.map(JSONValue.string) ?? .null,
                        "source_ip": event.sourceIP.map(JSONValue.string) ?? .null,
                        "action": event.action.map(JSONValue.string) ?? .null,
                        "targets": .array(event.targets.map(JSONValue.string)), "record": event.record,
                    ]
                    print(line.serialized())
                }
                if let next = page.nextCursor { Console.note("more: --cursor=\(next)") }
            }
        } catch let error as EventQueryError {
            throw .invalidInput(error.description)
        } catch {
            throw .noInput("\(path): \(error)")
        }
    }
}
