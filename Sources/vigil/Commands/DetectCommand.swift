import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilSIEM

struct DetectCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run Sigma rules over log files and write alerts (generic v1) as JSON Lines.",
        discussion: """
            Reads AWS CloudTrail (S3 delivery {"Records": [...]}, arrays, JSON Lines), Okta System Log \
            (API arrays, JSON Lines) and CrowdStrike FDR files, gzip-compressed or not; the log type is \
            recognized per file. Matches are deduplicated per rule, entity and time window, carry the \
            triggering raw events, the rule's ATT&CK tags and its author. Without --rules, Vigil's own \
            rule pack is used. Malformed records are reported with file and line and never stop the rest.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Log files to read (- for standard input).", valueName: "file"))
    var files: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run over the events of this event store (from `vigil ingest`) as well as any files.", valueName: "path"))
    var db: String?

    @Option(
        name: .long, help: ArgumentHelp("A directory of Sigma rules (default: Vigil's rule pack).", valueName: "dir"))
    var rules: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Treat every file as this log type (AWS.CloudTrail, Okta.SystemLog, Crowdstrike.FDREvent).",
            valueName: "type"))
    var logType: String?

    @Option(name: .long, help: ArgumentHelp("Deduplication window: 90s, 30m, 1h, 1d.", valueName: "duration"))
    var window: String = "1h"

    @Option(name: .long, help: "Raw events kept on each alert.")
    var maxEvents: Int = 20

    func validate() throws {
        guard !files.isEmpty || db != nil else { throw ValidationError("give log files, or --db with an event store") }
        try InputFile.requireStandardInputOnce(files.map { ($0, $0) } + [("--config \(global.config ?? "")", global.config)])
        try CommandInputs.validateLogType(logType)
        guard DurationText.milliseconds(window) != nil else {
            throw ValidationError("--window '\(window)' is not a duration like 90s, 30m, 1h or 1d")
        }
        guard (1...10_000).contains(maxEvents) else {
            throw ValidationError("--max-events \(maxEvents) is outside 1…10,000")
        }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let ruleSet: SigmaRuleSet
        if let rules {
            ruleSet = try CommandInputs.loadRules(directory: rules)
        } else {
            ruleSet = VigilRulePack.load()
        }
        for problem in ruleSet.problems { Console.note("rule not used: \(problem)") }
        guard !ruleSet.rules.isEmpty else { throw .invalidInput("no usable rules") }

        var detector = Detector(
            rules: ruleSet.rules,
            options: .init(windowMilliseconds: DurationText.milliseconds(window)!, maximumEventsPerAlert: maxEvents))
        var unreadable: [String] = []
        var issues = 0
        let forced = logType.flatMap(LogType.init(named:))
        if let db {
            guard FileManager.default.fileExists(atPath: db) else { throw .noInput("\(db): no event store here") }
            do {
                let store = try EventStore(path: db)
                try store.forEachEvent { detector.process($0) }
                Console.note("\(db): \(detector.eventsSeen) stored events")
            } catch {
                throw .noInput("\(db): \(error)")
            }
        }
        for file in files {
            if file == "-" {
                do throws(CLIError) {
                    try InputFile.requireStandardInput()
                } catch {
                    Console.error(error.message)
                    unreadable.append(file)
                    continue
                }
            }
            do {
                let summary = try LogReader.read(
                    path: file, logType: forced,
                    onRecord: { detector.process($0.event, original: $0.original) },
                    onIssue: { issue in
                        issues += 1
                        if issues <= 20 { Console.note("malformed: \(issue)") }
                    })
                Console.note(
                    "\(file): \(summary.records) records (\(summary.logType?.rawValue ?? "unrecognized log type")), \(summary.malformed) malformed"
                )
            } catch {
                Console.error(error.description)
                unreadable.append(file)
            }
        }
        if issues > 20 { Console.note("… and \(issues - 20) more malformed records") }
        let alerts = detector.alerts()
        var out = StdoutWriter()
        for alert in alerts {
            var line: [UInt8] = []
            alert.genericV1.write(to: &line)
            line.append(0x0A)
            out.write(line)
        }
        out.flush()
        if let reason = out.failure { throw .cannotCreate("cannot write to standard output: \(reason)") }
        Console.note(
            "\(detector.eventsSeen) events, \(ruleSet.rules.count) rules, \(detector.matches) matches, \(alerts.count) alerts"
        )
        if !unreadable.isEmpty {
            throw .noInput("\(unreadable.count) file\(unreadable.count == 1 ? "" : "s") could not be read")
        }
    }
}

/// Durations written as a number and a unit: `90s`, `30m`, `1h`, `2d`.
enum DurationText {
    static func milliseconds(_ text: String) -> Int64? {
        guard let unit = text.last, let value = Int64(text.dropLast()), value > 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1000
        case "m": scale = 60_000
        case "h": scale = 3_600_000
        case "d": scale = 86_400_000
        default: return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }
}
