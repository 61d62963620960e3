import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilLab

struct DemoCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Vigil on the embedded lab: generate a stream of alerts and show what arrives.",
        discussion:
            "Offline, no keys: the lab enterprise and its scenario generator stand in for the organisation's platforms."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Number of alerts.")
    var count: Int = 12

    @Option(name: .long, help: "Seed of the alert stream (default: lab.alert_seed, 7).")
    var seed: UInt64?

    func validate() throws {
        guard (1...10_000).contains(count) else { throw ValidationError("--count \(count) is outside 1…10,000") }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let enterprise = Enterprise.generate(seed: configuration.lab.enterpriseSeed)
        let generator = AlertGenerator(
            enterprise: enterprise, seed: seed ?? configuration.lab.alertSeed,
            benignRatio: configuration.lab.benignRatio)
        let alerts = generator.alerts(count: count)
        print(
            "\(enterprise.name): \(enterprise.people.count) people, \(enterprise.accounts.count) AWS accounts, \(enterprise.devices.count) devices"
        )
        print("\(count) alerts from the lab SIEM (seed \(generator.seed)):\n")
        let rows = alerts.sorted { $0.alert.createdAt < $1.alert.createdAt }.map { g -> [String] in
            [
                g.alert.createdAt.rfc3339(fractionalSeconds: false), g.alert.severity.rawValue, g.alert.ruleID,
                String(g.alert.events.count), g.truth.label.rawValue + (g.truth.hard ? " (hard)" : ""), g.alert.title,
            ]
        }
        print(
            Table.render(header: ["created", "severity", "rule", "events", "truth", "title"], rows: rows, maxWidth: 70))
        let benign = alerts.filter { $0.truth.label == .benign }.count
        print(
            "\n\(benign) benign, \(count - benign) malicious. Each alert carries its raw vendor events; for example:\n")
        if let sample = alerts.first(where: { $0.truth.label == .malicious }) ?? alerts.first,
            let event = sample.alert.events.first
        {
            print("\(sample.alert.ruleID) — \(sample.alert.title)")
            print(event.record.prettyPrinted())
        }
        print(
            "\nMore: vigil lab alerts --count 1000 --labels labels.jsonl > alerts.jsonl; vigil alerts validate alerts.jsonl"
        )
    }
}
