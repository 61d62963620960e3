import ArgumentParser
import Foundation
import Logging
import VigilAgents
import VigilCore
import VigilGuard
import VigilMCP
import VigilPlatforms

struct TriageCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Investigate alerts and write one verdict (JSON) per alert, in input order.",
        discussion: """
            Reads alerts (generic v1, OCSF Detection Finding or Panther; one object, an array or JSON \
            Lines) from FILE or - (stdin). Each alert is investigated by its playbook through the MCP \
            servers, every tool call passing the Guard (policy, rate limits, audit log, injection scan). \
            The offline playbook reasoner needs no key and no network. With the lab backends, the lab \
            world holds alerts 0..<--lab-alerts of --lab-seed (lab.alert_seed): triage alerts from that \
            stream (`vigil lab alerts --count N --seed S` with N ≤ --lab-alerts).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backends: BackendOptions

    @Argument(help: ArgumentHelp("Alerts file, or - for stdin.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("The reasoner: offline.", valueName: "provider"))
    var provider = "offline"

    @Option(name: .long, help: "Alerts investigated at once.")
    var concurrency = 8

    @Option(name: .long, help: ArgumentHelp("Directory of playbooks (YAML).", valueName: "dir"))
    var playbooks = "playbooks"

    @Option(name: .long, help: "Alerts in the lab world (default: mcp.lab_alerts, 300).")
    var labAlerts: Int?

    @Option(name: .long, help: "Seed of the lab world's alert stream (default: lab.alert_seed, 7).")
    var labSeed: UInt64?

    @Flag(name: .long, help: "Write a readable summary of each verdict to stderr.")
    var explain = false

    func validate() throws {
        guard provider == "offline" else {
            throw ValidationError(
                "--provider '\(provider)': only the offline playbook reasoner is available in this build")
        }
        guard (1...256).contains(concurrency) else {
            throw ValidationError("--concurrency \(concurrency) is outside 1…256")
        }
        if let labAlerts, !(1...1_000_000).contains(labAlerts) {
            throw ValidationError("--lab-alerts \(labAlerts) is outside 1…1,000,000")
        }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        var configuration = configuration
        if let labAlerts { configuration.mcp.labAlerts = labAlerts }
        if let labSeed { configuration.lab.alertSeed = labSeed }
        // Input first: bad input changes nothing.
        let result = AlertDecoder().decode(try InputFile.read(file))
        for issue in result.errors { Console.note("\(file): \(issue)") }
        let library: PlaybookLibrary
        do {
            library = try PlaybookLibrary.load(directory: playbooks)
        } catch {
            throw .config(error.description)
        }
        let platforms = try backends.platforms(configuration, logger: logger)
        let definitions = PlatformKind.allCases.map { PlatformServer.make($0, platforms: platforms) }
        try IntegrityScope.check(configuration, global: global, servers: definitions, logger: logger)

        let (policy, _) = try GuardSetup.policy(configuration)
        let audit: AuditLog
        do {
            let (key, _) = try AuditKey.loadOrCreate(path: configuration.audit.key)
            audit = try AuditLog(
                path: configuration.audit.path, key: key, checkpointEvery: configuration.audit.checkpointEvery)
        } catch {
            throw .cannotCreate("audit log: \(error)")
        }
        defer { audit.close() }
        let guardrails = Guard(
            policy: PolicyEngine(policy: policy, directory: GuardSetup.directory(configuration)),
            // Rate limits model vendor quotas; the lab's simulated platforms have none, so only the limits
            // configured by name apply.
            rateLimiter: GuardSetup.rateLimiter(configuration, fallback: .unlimited),
            approvals: try GuardSetup.approvals(configuration),
            scanner: InjectionScanner(threshold: configuration.guardrails.scanThreshold), audit: audit)

        var running: [InProcessServer] = []
        do {
            var servers: [GuardedToolHost.Server] = []
            for definition in definitions {
                let scopes: Set<ToolScope> =
                    configuration.mcp.allowWrite.contains(definition.kind.rawValue) ? [.read, .write] : [.read]
                let router = ToolRouter(server: definition, scopes: scopes, logger: logger)
                let server = try await InProcessServer(router, logger: logger)
                running.append(server)
                servers.append(
                    .init(name: definition.kind.rawValue, connection: server.connection, tools: router.visibleTools))
            }
            let engine = TriageEngine(
                host: GuardedToolHost(guard: guardrails, servers: servers), library: library)
            let explain = self.explain
            await engine.triage(result.alerts.map(\.alert), concurrency: concurrency) { _, verdict in
                print(verdict.json.serialized())
                if explain {
                    Console.note(
                        "\(verdict.alertID): \(verdict.classification.rawValue), \(verdict.disposition.rawValue) (\(Int(verdict.confidence * 100))%): \(verdict.summary)"
                    )
                }
            }
        } catch {
            for server in running { await server.stop() }
            throw .software("triage stopped: \(error)")
        }
        for server in running { await server.stop() }
        if !result.errors.isEmpty {
            throw .invalidInput(
                "\(result.errors.count) of the input's records were not alerts (see above); the others were triaged")
        }
    }
}
