import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilLab

struct LabAlertsCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Generate lab alerts (generic v1 format) as JSON Lines on stdout.",
        discussion: """
            Raw events are real vendor formats (AWS CloudTrail, Okta System Log, CrowdStrike FDR). \
            Ground truth is written separately with --labels, one JSON object per line keyed by \
            alert_id. The same seed always gives byte-identical output.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Number of alerts (0 to 10,000,000).")
    var count: Int = 100

    @Option(name: .long, help: "Seed of the alert stream (default: lab.alert_seed of the configuration, 7).")
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Write ground-truth labels as JSON Lines to this file.", valueName: "file"))
    var labels: String?

    @Option(name: .long, help: "Share of benign alerts, 0 to 1 (default: lab.benign_ratio, 0.8).")
    var benignRatio: Double?

    @Option(
        name: .customLong("scenario"),
        help: ArgumentHelp(
            "Only these scenario families (repeatable; see `vigil lab show scenarios`).", valueName: "id"))
    var scenarios: [String] = []

    func validate() throws {
        guard (0...10_000_000).contains(count) else {
            throw ValidationError("--count \(count) is outside 0…10,000,000")
        }
        if let benignRatio, !(0...1).contains(benignRatio) || benignRatio.isNaN {
            throw ValidationError("--benign-ratio \(benignRatio) is outside 0…1")
        }
        for id in scenarios where ScenarioCatalog.scenario(id: id) == nil {
            throw ValidationError("--scenario '\(id)' is not a lab scenario (see `vigil lab show scenarios`)")
        }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        // Labels are staged beside their destination: a missing directory fails before anything is
        // generated, and an interrupted run leaves no partial file.
        let labelsFile = try labels.map { path throws(CLIError) in try StagedFile(path: path) }
        let enterprise = Enterprise.generate(seed: configuration.lab.enterpriseSeed)
        let generator: AlertGenerator
        do {
            generator = try AlertGenerator(
                enterprise: enterprise, seed: seed ?? configuration.lab.alertSeed,
                benignRatio: benignRatio ?? configuration.lab.benignRatio, only: Set(scenarios))
        } catch {
            throw .invalidInput(error.description)
        }
        logger.debug("generating lab alerts", metadata: ["count": "\(count)", "seed": "\(generator.seed)"])
        var out = StdoutWriter()
        var failure: CLIError?
        let progress = Progress(total: count, enabled: Console.stderrIsTerminal && count >= 50_000)
        generator.jsonLines(count: count, labels: labelsFile != nil) { chunk in
            do throws(CLIError) {
                try labelsFile?.write(chunk.labels)
            } catch {
                failure = error
                return false
            }
            progress.update(chunk.range.upperBound)
            return out.write(chunk.alerts)
        }
        out.flush()
        progress.finish()
        if let failure { throw failure }
        if let reason = out.failure {
            labelsFile?.discard()
            throw .cannotCreate("cannot write to standard output: \(reason)")
        }
        if out.closed {
            labelsFile?.discard()
            if labels != nil { Console.note("stdout closed early; labels not written") }
            return
        }
        try labelsFile?.commit()
    }
}

/// A one-line progress indicator on stderr for long runs on a terminal.
struct Progress {
    let total: Int
    let enabled: Bool

    func update(_ done: Int) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(done)/\(total) alerts".utf8))
    }

    /// Ends the line, at `done` (all of them unless a run stopped early).
    func finish(done: Int? = nil) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(done ?? total)/\(total) alerts\n".utf8))
    }
}
