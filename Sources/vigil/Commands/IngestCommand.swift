import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilSIEM

struct IngestCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Store log files in the embedded SIEM's event store.",
        discussion: """
            Reads AWS CloudTrail (S3 delivery {"Records": [...]}, arrays, JSON Lines), Okta System Log \
            (API arrays, JSON Lines), CrowdStrike FDR and other JSON Lines, gzip-compressed or not; the \
            log type is recognized per file unless --log-type is given. Keeps each raw record with its \
            normalized fields. Re-ingesting a file adds no duplicates. Malformed records are reported \
            with file and line and never stop the rest.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Log files to ingest (- for standard input).", valueName: "file"))
    var files: [String]

    @Option(
        name: .long, help: ArgumentHelp("The event store (default: siem.database, vigil-events.db).", valueName: "path")
    )
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Treat every file as this log type.", valueName: "type"))
    var logType: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one log file") }
        try InputFile.requireStandardInputOnce(files.map { ($0, $0) } + [("--config \(global.config ?? "")", global.config)])
        try CommandInputs.validateLogType(logType)
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let path = db ?? configuration.siem.database
        // Files that cannot be read are named first; when none can, no store is created.
        var readable: [String] = []
        var unreadable = 0
        for file in files {
            do throws(CLIError) {
                if file == "-" {
                    try InputFile.requireStandardInput()
                } else {
                    try InputFile.requireReadable(file, "log file")
                }
                readable.append(file)
            } catch {
                Console.error(error.message)
                unreadable += 1
            }
        }
        guard !readable.isEmpty else {
            throw .noInput("\(unreadable) file\(unreadable == 1 ? "" : "s") could not be read; nothing was stored")
        }
        let store: EventStore
        do {
            store = try EventStore(path: path)
        } catch {
            throw .cannotCreate("\(path): cannot open the event store: \(error)")
        }
        var shown = 0
        var totals = (records: 0, inserted: 0, duplicates: 0, malformed: 0)
        let started = ContinuousClock.now
        for file in readable {
            let size = file == "-" ? 0 : (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            // Progress compares bytes read with the file size, which compressed files do not allow.
            let showProgress = Console.stderrIsTerminal && size > 20_000_000 && !file.hasSuffix(".gz")
            do {
                let summary = try store.ingest(
                    path: file, logType: logType.flatMap(LogType.init(named:)),
                    onIssue: { issue in
                        shown += 1
                        if shown <= 20 { Console.note("malformed: \(issue)") }
                    },
                    onProgress: { progress in
                        guard showProgress else { return }
                        let percent = size > 0 ? min(100, progress.bytes * 100 / size) : 0
                        FileHandle.standardError.write(
                            Data("\r\(file): \(percent)% (\(progress.records) records)".utf8))
                    })
                if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
                totals.records += summary.file.records
                totals.inserted += summary.inserted
                totals.duplicates += summary.duplicates
                totals.malformed += summary.file.malformed
                print(
                    "\(file): \(summary.file.records) records (\(summary.file.logType?.rawValue ?? "unrecognized log type")), \(summary.inserted) new, \(summary.duplicates) already stored, \(summary.file.malformed) malformed"
                )
            } catch let error as LogReadError {
                Console.error(error.description)
                let kept = error.inserted + error.duplicates
                if kept > 0 {
                    print(
                        "\(file): \(kept) records read before that were stored, \(error.inserted) new, \(error.duplicates) already stored"
                    )
                    totals.records += kept
                    totals.inserted += error.inserted
                    totals.duplicates += error.duplicates
                }
                unreadable += 1
            } catch {
                throw .cannotCreate("\(path): \(error)")
            }
        }
        if shown > 20 { Console.note("… and \(shown - 20) more malformed records") }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "\(totals.records) records, \(totals.inserted) new, \(totals.duplicates) already stored, \(totals.malformed) malformed in \(String(format: "%.1f", seconds)) s → \(path)"
        )
        if unreadable > 0 { throw .noInput("\(unreadable) file\(unreadable == 1 ? "" : "s") could not be read in full") }
    }
}
