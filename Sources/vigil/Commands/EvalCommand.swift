import ArgumentParser
import Foundation
import Logging
import VigilAgents
import VigilCore

struct EvalCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Triage labelled alerts and measure the verdicts against the labels.",
        discussion: """
            Runs `vigil triage` on --alerts and compares each verdict with --labels (JSON Lines: \
            alert_id and label malicious|benign, or expected_classification true_positive|false_positive; \
            `vigil lab alerts --labels` writes them). Prints the confusion matrices, the auto-close rate \
            among benign alerts, the escalation rate among malicious ones, unknowns, mean and p95 time to \
            verdict, tool calls and model turns and tokens per alert, and every malicious alert that was \
            closed; writes the same as JSON to --output.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var agents: AgentOptions

    @Option(
        name: .customLong("data"),
        help: ArgumentHelp(
            "Event store for the SIEM (from `vigil ingest`); the SIEM then serves --alerts too.", valueName: "path"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("Alerts file (or - for stdin).", valueName: "file"))
    var alerts: String

    @Option(name: .long, help: ArgumentHelp("Labels file (JSON Lines).", valueName: "file"))
    var labels: String

    @Option(name: .long, help: ArgumentHelp("Where to write the results as JSON.", valueName: "file"))
    var output = "vigil-eval.json"

    @Option(name: .long, help: ArgumentHelp("Case store (default: agents.cases).", valueName: "path"))
    var cases: String?

    func validate() throws {
        try InputFile.requireStandardInputOnce([
            ("--alerts \(alerts)", alerts), ("--labels \(labels)", labels),
            ("--config \(global.config ?? "")", global.config),
        ])
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        var configuration = agents.apply(to: configuration)
        if let cases { configuration.agents.cases = cases }
        let truth = try Self.labels(labels)
        let stream = try AlertStream(path: alerts)
        // The output is checked now (so that a long run does not end on a path that cannot be written) and staged
        // only at the end: a staged file's signal handler would stand in for the graceful stop's while the alerts run.
        try StagedFile(path: output).discard()
        let backends: BackendOptions
        do {
            backends = try BackendOptions.parse(
                data.map { ["--data", $0] + (alerts == "-" ? [] : ["--alerts", alerts]) } ?? [])
        } catch {
            throw .software("backend options: \(error)")
        }
        // Ctrl-C or SIGTERM stops the reading of alerts as in `vigil triage`: the investigations under way finish,
        // their cases are saved and the audit log is closed; the figures of what was triaged are printed, not written.
        GracefulStop.install()
        stream.stopRequested = { GracefulStop.isRequested }
        let stack = try await AgentStack.start(configuration, global: global, backends: backends, logger: logger)
        let store = try await CaseSink.open(configuration.agents.cases, after: stack)
        var score = Scorecard(provider: stack.reasonerName)
        let started = ContinuousClock.now
        let progress = Progress(total: truth.count, enabled: Console.stderrIsTerminal)
        try await stack.run(
            GracefulStop.Until(base: stream), concurrency: agents.concurrency, saving: store,
            stop: { GracefulStop.isRequested }
        ) { index, assessment in
            score.add(assessment.verdict, label: truth[assessment.verdict.alertID])
            if (index + 1) % 50 == 0 { progress.update(index + 1) }
        }
        if score.total > 0 { progress.update(score.total) }
        progress.finish(done: score.total)
        if GracefulStop.isRequested {
            // A part of the alerts is no measurement of the whole: its figures are shown, and earlier results kept.
            if score.total > 0 {
                let elapsed = ContinuousClock.now - started
                score.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print(score.table, terminator: "")
            }
            fflush(nil)  // `GracefulStop.end` ends the process without flushing (no stdio read of stdin holds a lock)
            Console.error(
                score.total > 0
                    ? "stopped by a signal after \(score.total) alerts (their cases saved, the audit log closed); the figures above are for those alerts only, and \(self.output) was left as it was"
                    : "stopped by a signal before any alert was triaged (the audit log closed); \(self.output) was left as it was"
            )
            GracefulStop.end()
        }
        guard score.total > 0 else {
            // Nothing was evaluated: results of an earlier run are not replaced by zeros.
            throw .invalidInput("\(alerts): no alerts to evaluate; \(self.output) was left as it was")
        }
        let elapsed = ContinuousClock.now - started
        score.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(score.table, terminator: "")
        do {
            let output = try StagedFile(path: output)
            try output.write(Array((score.json.prettyPrinted() + "\n").utf8))
            try output.commit()
        } catch {
            throw .cannotCreate("\(self.output): \(error)")
        }
        Console.note("results written to \(self.output)")
        if stream.problems > 0 {
            throw .invalidInput(
                "\(stream.problems) of the input's records were not alerts (see above); the others were scored")
        }
    }

    /// What a label or an expected classification says: malicious (true), benign (false), or nothing known.
    private static func malicious(_ word: String?) -> Bool? {
        switch word {
        case "malicious", "true_positive": true
        case "benign", "false_positive": false
        default: nil
        }
    }

    /// alert id → malicious (true) or benign (false).
    static func labels(_ path: String) throws(CLIError) -> [String: Bool] {
        let bytes = try InputFile.read(path)
        var labels: [String: Bool] = [:]
        var lineOf: [String: Int] = [:]
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { !($0 == 32 || $0 == 9 || $0 == 13) }) else { continue }
            guard let value = try? JSONParser.parse(line), let id = value["alert_id"]?.stringValue else {
                throw .invalidInput("\(path) line \(index + 1): expected an object with alert_id")
            }
            // `label` and `expected_classification`, when both are given, must say the same.
            let label = value["label"]?.stringValue
            let expected = value["expected_classification"]?.stringValue
            guard let verdict = malicious(label ?? expected) else {
                throw .invalidInput(
                    "\(path) line \(index + 1): label '\(label ?? expected ?? "none")' is not malicious|benign (or expected_classification true_positive|false_positive)"
                )
            }
            if label != nil, expected != nil, malicious(expected) != verdict {
                throw .invalidInput(
                    "\(path) line \(index + 1): label '\(label!)' contradicts expected_classification '\(expected!)'")
            }
            if let earlier = labels[id], earlier != verdict {
                throw .invalidInput(
                    "\(path) line \(index + 1): alert \(id) is labelled \(verdict ? "malicious" : "benign") here and \(earlier ? "malicious" : "benign") on line \(lineOf[id]!)"
                )
            }
            labels[id] = verdict
            if lineOf[id] == nil { lineOf[id] = index + 1 }
        }
        guard !labels.isEmpty else { throw .invalidInput("\(path): no labels") }
        return labels
    }
}

/// The figures of an evaluation.
struct Scorecard {
    var provider: String
    var seconds = 0.0
    /// label ("malicious", "benign", "unlabelled") → disposition → count, and → classification → count.
    var dispositions: [String: [String: Int]] = [:]
    var classifications: [String: [String: Int]] = [:]
    var durations: [Int64] = []
    var toolCalls = 0
    var usage = ModelUsage()
    var uncited = 0
    var closedMalicious: [(id: String, summary: String)] = []

    mutating func add(_ verdict: Verdict, label: Bool?) {
        let key = label.map { $0 ? "malicious" : "benign" } ?? "unlabelled"
        dispositions[key, default: [:]][verdict.disposition.rawValue, default: 0] += 1
        classifications[key, default: [:]][verdict.classification.rawValue, default: 0] += 1
        durations.append(verdict.durationMilliseconds)
        toolCalls += verdict.toolCalls
        usage.turns += verdict.usage.turns
        usage.inputTokens += verdict.usage.inputTokens + verdict.usage.cacheReadTokens + verdict.usage.cacheWriteTokens
        usage.outputTokens += verdict.usage.outputTokens
        uncited += verdict.evidence.filter { $0.toolCallIDs.isEmpty }.count
        if label == true && verdict.disposition == .closed {
            closedMalicious.append((verdict.alertID, verdict.summary))
        }
    }

    var total: Int { durations.count }
    func count(_ label: String) -> Int { dispositions[label, default: [:]].values.reduce(0, +) }
    var benignClosed: Int { dispositions["benign", default: [:]]["closed", default: 0] }
    var maliciousEscalated: Int { count("malicious") - dispositions["malicious", default: [:]]["closed", default: 0] }
    var unknowns: Int { classifications.values.reduce(0) { $0 + $1["unknown", default: 0] } }

    func rate(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    var meanMilliseconds: Double { total == 0 ? 0 : Double(durations.reduce(0, +)) / Double(total) }
    var p95Milliseconds: Int64 {
        guard !durations.isEmpty else { return 0 }
        let sorted = durations.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.95).rounded(.up)) - 1)]
    }

    var json: JSONValue {
        func matrix(_ m: [String: [String: Int]]) -> JSONValue {
            .object(JSONObject(m.mapValues { .object(JSONObject($0.mapValues { .int(Int64($0)) })) }))
        }
        let perAlert = Double(max(total, 1))
        return [
            "provider": .string(provider), "alerts": .int(Int64(total)),
            "malicious": .int(Int64(count("malicious"))), "benign": .int(Int64(count("benign"))),
            "unlabelled": .int(Int64(count("unlabelled"))),
            "confusion": ["disposition": matrix(dispositions), "classification": matrix(classifications)],
            "benign_auto_close_rate": .double(rate(benignClosed, count("benign"))),
            "malicious_escalation_rate": .double(rate(maliciousEscalated, count("malicious"))),
            "unknown": .int(Int64(unknowns)),
            "time_to_verdict_ms": ["mean": .double(meanMilliseconds), "p95": .int(p95Milliseconds)],
            "per_alert": [
                "tool_calls": .double(Double(toolCalls) / perAlert),
                "model_turns": .double(Double(usage.turns) / perAlert),
                "input_tokens": .double(Double(usage.inputTokens) / perAlert),
                "output_tokens": .double(Double(usage.outputTokens) / perAlert),
            ],
            "input_tokens_per_turn": .double(usage.turns == 0 ? 0 : Double(usage.inputTokens) / Double(usage.turns)),
            "claims_without_tool_call": .int(Int64(uncited)),
            "seconds": .double(seconds), "alerts_per_second": .double(seconds > 0 ? Double(total) / seconds : 0),
            "malicious_closed": .array(
                closedMalicious.map { ["alert_id": .string($0.id), "summary": .string($0.summary)] }),
        ]
    }

    var table: String {
        func pct(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        var out = "Evaluation of \(total) alerts (\(provider)) in \(String(format: "%.1f", seconds)) s\n\n"
        out += "label       closed  escalated  investigating   true_positive  false_positive  unknown\n"
        for label in ["malicious", "benign", "unlabelled"] where count(label) > 0 {
            let d = dispositions[label, default: [:]]
            let c = classifications[label, default: [:]]
            out += label.padding(toLength: 10, withPad: " ", startingAt: 0)
            out += String(
                format: "%8d %10d %14d %15d %15d %8d\n", d["closed", default: 0], d["escalated", default: 0],
                d["investigating", default: 0], c["true_positive", default: 0], c["false_positive", default: 0],
                c["unknown", default: 0])
        }
        out +=
            "\nmalicious escalated:   \(maliciousEscalated) / \(count("malicious")) (\(pct(rate(maliciousEscalated, count("malicious")))))\n"
        out +=
            "benign auto-closed:    \(benignClosed) / \(count("benign")) (\(pct(rate(benignClosed, count("benign")))))\n"
        out += "unknown:               \(unknowns)\n"
        out += "time to verdict:       mean \(String(format: "%.1f", meanMilliseconds)) ms, p95 \(p95Milliseconds) ms\n"
        let perAlert = Double(max(total, 1))
        out +=
            "per alert:             \(String(format: "%.1f", Double(toolCalls) / perAlert)) tool calls, \(String(format: "%.2f", Double(usage.turns) / perAlert)) model turns, \(Int(Double(usage.inputTokens) / perAlert)) input / \(Int(Double(usage.outputTokens) / perAlert)) output tokens\n"
        out += "claims without a call: \(uncited)\n"
        out += "throughput:            \(String(format: "%.1f", seconds > 0 ? Double(total) / seconds : 0)) alerts/s\n"
        if closedMalicious.isEmpty {
            out += "malicious alerts closed: none\n"
        } else {
            out += "MALICIOUS ALERTS CLOSED (\(closedMalicious.count)):\n"
            for item in closedMalicious { out += "  \(item.id): \(item.summary)\n" }
        }
        return out
    }
}
