import ArgumentParser
import Foundation
import Logging
import VigilAgents
import VigilCore
import VigilLab

struct DemoCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the SOC on the embedded lab: alerts in, investigated through MCP and the Guard, verdicts out.",
        discussion: """
            Offline, no keys: the lab enterprise stands in for the organisation's platforms and the offline \
            playbook reasoner for the model (agents.provider). Generates --count alerts from the lab's SIEM, \
            investigates each through the seven MCP servers (every call policy-checked, rate-limited, \
            audited and scanned), and prints each verdict beside the lab's ground truth, the totals, and \
            one closed and one escalated case with the evidence they cite. Cases go to the case store \
            (agents.cases, for `vigil report ALERT_ID`), tool calls to the audit log (`vigil audit verify`).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Number of alerts.")
    var count: Int = 40

    @Option(name: .long, help: "Seed of the alert stream (default: lab.alert_seed, 7).")
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Directory of playbooks (default: agents.playbooks).", valueName: "dir"))
    var playbooks: String?

    func validate() throws {
        guard (1...10_000).contains(count) else { throw ValidationError("--count \(count) is outside 1…10,000") }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        var configuration = configuration
        if let seed { configuration.lab.alertSeed = seed }
        if let playbooks { configuration.agents.playbooks = playbooks }
        configuration.mcp.labAlerts = count
        let enterprise = Enterprise.generate(seed: configuration.lab.enterpriseSeed)
        let generated = AlertGenerator(
            enterprise: enterprise, seed: configuration.lab.alertSeed, benignRatio: configuration.lab.benignRatio
        ).alerts(count: count)
        print(
            "\(enterprise.name): \(enterprise.people.count) people, \(enterprise.accounts.count) AWS accounts, \(enterprise.devices.count) devices"
        )
        print("\(count) alerts from the lab SIEM (seed \(configuration.lab.alertSeed)), investigated through MCP:\n")

        let backends: BackendOptions
        do {
            backends = try BackendOptions.parse([])
        } catch {
            throw .software("backend options: \(error)")
        }
        // Ctrl-C or SIGTERM: the investigations under way finish, their cases are saved, the audit log is closed, and
        // the report covers the alerts triaged.
        GracefulStop.install()
        let stack = try await AgentStack.start(configuration, global: global, backends: backends, logger: logger)
        let store = try await CaseSink.open(configuration.agents.cases, after: stack)
        var results: [(GeneratedAlert, Verdict)] = []
        let started = ContinuousClock.now
        try await stack.run(
            GracefulStop.Until(base: generated.map(\.alert)), concurrency: 8, saving: store,
            stop: { GracefulStop.isRequested }
        ) { index, assessment in
            results.append((generated[index], assessment.verdict))
        }
        let elapsed = ContinuousClock.now - started
        print(Self.report(results, reasoner: stack.reasonerName, elapsed: elapsed, configuration: configuration))
        if GracefulStop.isRequested {
            fflush(nil)  // `GracefulStop.end` ends the process without flushing (no stdio read of stdin holds a lock)
            Console.error(
                "stopped by a signal after \(results.count) of \(count) alerts (their cases saved, the audit log closed); the report above covers those"
            )
            GracefulStop.end()
        }
    }

    static func report(
        _ results: [(GeneratedAlert, Verdict)], reasoner: String, elapsed: Duration, configuration: VigilConfiguration
    ) -> String {
        let rows = results.map { generated, verdict -> [String] in
            [
                generated.alert.ruleID, generated.truth.label.rawValue,
                "\(verdict.disposition.rawValue) (\(verdict.classification.rawValue))",
                "\(Int((verdict.confidence * 100).rounded()))%", "\(verdict.toolCalls)", verdict.summary,
            ]
        }
        var out = Table.render(
            header: ["rule", "truth", "verdict", "conf", "calls", "summary"], rows: rows, maxWidth: 60)
        let malicious = results.filter { $0.0.truth.label == .malicious }
        let benign = results.filter { $0.0.truth.label == .benign }
        let escalated = malicious.filter { $0.1.disposition != .closed }.count
        let closed = benign.filter { $0.1.disposition == .closed }.count
        let missed = malicious.filter { $0.1.disposition == .closed }
        let calls = results.reduce(0) { $0 + $1.1.toolCalls }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        out +=
            "\n\nReasoner: \(reasoner). \(results.count) alerts in \(String(format: "%.2f", seconds)) s, \(calls) tool calls, each through the Guard.\n"
        out +=
            "Malicious escalated: \(escalated) of \(malicious.count). Benign closed without a human: \(closed) of \(benign.count).\n"
        for (generated, verdict) in missed {
            out += "MALICIOUS ALERT CLOSED: \(generated.alert.id) (\(generated.truth.scenario)): \(verdict.summary)\n"
        }
        for (title, pick) in [
            ("A closed case", results.first { $0.1.disposition == .closed }),
            ("An escalated case", results.first { $0.0.truth.label == .malicious && $0.1.disposition != .closed }),
        ] {
            guard let (generated, verdict) = pick else { continue }
            out += "\n\(title): \(generated.alert.title)\n  \(verdict.summary)\n"
            for item in verdict.evidence.prefix(5) {
                out += "  - \(item.claim) [\(item.toolCallIDs.joined(separator: ", "))]\n"
            }
            out += "  Full report: vigil report \(generated.alert.id)\n"
        }
        out += """

            Cases: \(configuration.agents.cases). Audit log: \(configuration.audit.path) (prove it with `vigil audit verify`).
            More: vigil lab alerts --count 300 > alerts.jsonl; vigil triage alerts.jsonl --explain; docs/agents.md
            """
        return out
    }
}
