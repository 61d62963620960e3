import ArgumentParser
import Foundation
import Logging
import VigilAgents
import VigilCore
import VigilGuard
import VigilMCP
import VigilPlatforms

/// The options that choose and place the agents, shared by `vigil triage`, `vigil eval` and `vigil demo`.
struct AgentOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("offline | anthropic | openai (default: agents.provider).", valueName: "provider"))
    var provider: String?

    @Option(
        name: .long, help: ArgumentHelp("The model (default: agents.model, else the provider's).", valueName: "name"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("The model API's base URL (default: agents.base_url).", valueName: "url"))
    var baseURL: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Highest tier model agents reach, 1…3 (default: agents.max_tier).", valueName: "n"))
    var maxTier: Int?

    @Option(name: .long, help: ArgumentHelp("Directory of playbooks (default: agents.playbooks).", valueName: "dir"))
    var playbooks: String?

    @Option(name: .long, help: ArgumentHelp("Alerts investigated at once.", valueName: "n"))
    var concurrency = 8

    @Option(name: .long, help: "Alerts in the lab world (default: mcp.lab_alerts, 300).")
    var labAlerts: Int?

    @Option(name: .long, help: "Seed of the lab world's alert stream (default: lab.alert_seed, 7).")
    var labSeed: UInt64?

    func validate() throws {
        if let provider, VigilConfiguration.Agents.Provider(rawValue: provider) == nil {
            throw ValidationError(
                "--provider '\(provider)' is not one of \(VigilConfiguration.Agents.Provider.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if let maxTier, !(1...3).contains(maxTier) { throw ValidationError("--max-tier \(maxTier) is outside 1…3") }
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            throw ValidationError("--base-url '\(baseURL)' is not an http(s) URL")
        }
        guard (1...256).contains(concurrency) else {
            throw ValidationError("--concurrency \(concurrency) is outside 1…256")
        }
        if let labAlerts, !(1...1_000_000).contains(labAlerts) {
            throw ValidationError("--lab-alerts \(labAlerts) is outside 1…1,000,000")
        }
    }

    /// The configuration with these options applied.
    func apply(to configuration: VigilConfiguration) -> VigilConfiguration {
        var configuration = configuration
        if let provider, let value = VigilConfiguration.Agents.Provider(rawValue: provider) {
            configuration.agents.provider = value
        }
        if let model { configuration.agents.model = model }
        if let baseURL { configuration.agents.baseURL = baseURL }
        if let maxTier { configuration.agents.maxTier = maxTier }
        if let playbooks { configuration.agents.playbooks = playbooks }
        if let labAlerts { configuration.mcp.labAlerts = labAlerts }
        if let labSeed { configuration.lab.alertSeed = labSeed }
        return configuration
    }
}

/// The running SOC: in-process MCP servers, the Guard with its durable audit log, the watchdog, and
/// the triage engine with the configured reasoner. `shutdown()` stops it all.
final class AgentStack: Sendable {
    let engine: TriageEngine
    let reasonerName: String
    private let servers: [InProcessServer]
    private let remotes: [RemoteServer]
    private let audit: AuditLog
    private let guardrails: Guard
    private let sweeper: Task<Void, Never>
    /// How long the approval announcements under way may take to finish at shutdown, in seconds.
    private let announceWait: Double

    private init(
        engine: TriageEngine, reasonerName: String, servers: [InProcessServer], remotes: [RemoteServer],
        audit: AuditLog, guardrails: Guard, sweeper: Task<Void, Never>, announceWait: Double
    ) {
        self.announceWait = announceWait
        self.guardrails = guardrails
        self.engine = engine
        self.reasonerName = reasonerName
        self.servers = servers
        self.remotes = remotes
        self.audit = audit
        self.sweeper = sweeper
    }

    /// Triages `alerts` (at most `concurrency` at a time, in input order), hands each assessment to
    /// `each`, saves each case to `store` in batches, and shuts the stack down whatever happens. With `drift`
    /// (enabled), each verdict also goes to the store's verdict history and the drift monitor watches the mix.
    func run(
        _ alerts: some Sequence<Alert>, concurrency: Int, saving store: CaseStore,
        drift settings: VigilConfiguration.Guardrails.Drift? = nil, stop: (@Sendable () -> Bool)? = nil,
        each: (Int, Assessment) throws -> Void
    ) async throws(CLIError) {
        let sink = CaseSink(store: store)
        defer { try? sink.finish() }
        var watch: DriftWatch?
        do {
            if let settings, settings.enabled {
                watch = try DriftWatch(settings: settings, store: store, now: Timestamp(Date()))
            }
            try await engine.triage(alerts, concurrency: concurrency, stop: stop) { index, assessment in
                try each(index, assessment)
                guard watch != nil else {
                    try sink.add(assessment.record)
                    return
                }
                let entry = CaseStore.HistoryEntry(
                    time: Timestamp(Date()), alertID: assessment.verdict.alertID, rule: assessment.ruleID,
                    classification: assessment.verdict.classification, disposition: assessment.verdict.disposition)
                let previous = try sink.add(assessment.record, history: entry)
                watch!.observe(entry, replacing: previous)
                try await raise(watch!.check(at: entry.time), at: entry.time, sink: sink)
            }
            try sink.finish()
            if watch != nil {
                let now = Timestamp(Date())
                try await raise(watch!.check(at: now, force: true), at: now, sink: sink)
            }
        } catch {
            await shutdown()
            throw .cannotCreate("\(error)")
        }
        await shutdown()
    }

    /// Raises drift alerts: first on stderr and in the audit log (`drift`), so that a store that fails cannot
    /// swallow them, then in the case store (`vigil guard drift`), after the verdicts they count. One warning per
    /// rule names all of its measures that moved.
    private func raise(_ drifts: [DriftMonitor.Drift], at time: Timestamp, sink: CaseSink) async throws {
        guard !drifts.isEmpty else { return }
        for line in Self.warnings(drifts) { Console.warning(line) }
        let alerts = drifts.map { CaseStore.DriftAlert(raisedAt: time, drift: $0) }
        for alert in alerts {
            do {
                try await guardrails.record(kind: "drift", alert.json)
            } catch {
                Console.error("the drift alert could not be written to the audit log: \(error)")
            }
        }
        try sink.flush()
        try sink.store.saveDriftAlerts(alerts)
    }

    /// The warnings for people: one per rule (all rules first), with each measure that moved.
    static func warnings(_ drifts: [DriftMonitor.Drift]) -> [String] {
        var order: [String] = []
        var byRule: [String: [DriftMonitor.Drift]] = [:]
        for drift in drifts {
            if byRule[drift.rule] == nil { order.append(drift.rule) }
            byRule[drift.rule, default: []].append(drift)
        }
        order.sort { ($0 == "*" ? 0 : 1, $0) < ($1 == "*" ? 0 : 1, $1) }
        let pct = { (x: Double) in "\(Int((x * 100).rounded()))%" }
        return order.map { rule in
            let moved = byRule[rule]!
            let first = moved[0]
            var line =
                "drift alert: \(rule == "*" ? "all rules" : "rule \(rule)") (\(first.recentCount) verdicts in the window, \(first.baselineCount) in the baseline): "
            line += moved.map {
                "\($0.measure) \(pct($0.baselineShare)) → \(pct($0.recentShare)) (z = \(String(format: "%.1f", $0.zScore)))"
            }.joined(separator: "; ")
            if let close = moved.first(where: { $0.measure == "auto_close" }) {
                line +=
                    close.rising
                    ? ". A sudden rise in automatic closes is what a successful prompt injection looks like: review the recent closes (`vigil report --list`)."
                    : ". A fall in automatic closes can be a broken model, prompt or playbook, or a real campaign: review the recent escalations (`vigil report --list`)."
            } else {
                line += "."
            }
            return line + " `vigil guard drift` shows the monitor."
        }
    }

    /// The Guard's rate-limit buckets as they stand: tokens, rate, and any block a server's Retry-After set.
    var rateLevels: [RateLimiter.Level] { guardrails.rateLimiter.levels }

    /// Tool calls the rate limits refused during the run, by bucket.
    var rateLimited: [String: Int] { guardrails.rateLimitedByBucket }

    /// One line per bucket for people: `server:identity 38.0/40 tokens, 20/s`, `unlimited`, or blocked until when.
    static func describe(_ levels: [RateLimiter.Level], now: Timestamp) -> [String] {
        levels.map { level in
            var line = "\(level.key): "
            if level.ratePerSecond >= RateLimiter.Limit.unlimited.ratePerSecond {
                line += "unlimited"
            } else {
                line +=
                    "\(String(format: "%.1f", level.tokens))/\(level.burst) tokens, \(String(format: "%g", level.ratePerSecond))/s"
                if level.queued > 0 { line += ", \(level.queued) waiting" }
            }
            if let until = level.blockedUntil, until > now {
                line += ", blocked until \(until.rfc3339(fractionalSeconds: false)) (the server asked to wait)"
            }
            return line
        }
    }

    /// How often a run looks for decisions people took on approval requests (`vigil guard approve`/`deny`, which
    /// leave them in the approvals database while the run holds the audit log).
    static let decisionInterval: Duration = .seconds(2)

    /// Writes the decisions taken meanwhile to the audit log, and has them posted, every `interval` until cancelled.
    /// A busy approvals database or a failing log leaves them for the next turn, or for the next verdict, which
    /// reports a failing log.
    static func writeDecisions(_ guardrails: Guard, every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            _ = try? await guardrails.auditDecisions()
        }
    }

    func shutdown() async {
        // The periodic writer of decisions ends first, so that the last ones are written here, once.
        sweeper.cancel()
        await sweeper.value
        // Decisions people took while the agents held the log go into it, and to the approvers' channel, while the
        // servers are up; approval requests and decisions are posted before the log closes.
        _ = try? await guardrails.auditDecisions()
        let posting = guardrails.pendingAnnouncements
        if posting > 0 {
            Console.note(
                "posting \(posting) approval message\(posting == 1 ? "" : "s") to the approvers' channel (up to \(Int(announceWait)) s)"
            )
        }
        let cancelled = await guardrails.finishAnnouncements(waitingAtMost: announceWait)
        if cancelled > 0 {
            Console.warning(
                "\(cancelled) approval message\(cancelled == 1 ? " was" : "s were") not posted in time (audited as approval_announce_failed or approval_decision_announce_failed); the requests wait in `vigil guard approvals`"
            )
        }
        let limited = guardrails.rateLimitedAnnouncements
        if limited > 0 {
            Console.warning(
                "\(limited) approval message\(limited == 1 ? " was" : "s were") not posted to the approvers' channel: the rate limit of the chat server (or of its vendor's API, guard.vendors) had no token within 30 s (audited as approval_announce_failed or approval_decision_announce_failed, with the bucket); the requests wait in `vigil guard approvals`. Raise that bucket's guard.rate_limits if the channel allows more."
            )
        }
        for server in servers { await server.stop() }
        for remote in remotes { await remote.close() }
        // A decision taken in the last seconds goes into the log before it closes (its post is audited as not sent).
        _ = try? await guardrails.auditDecisions()
        audit.close()
    }

    /// What the run steers by, as its first audit record (`configuration`): the configuration file and the policy
    /// with their digests, the integrity manifest's, the reasoner. A change between runs shows as a different
    /// digest in the log.
    static func configurationRecord(
        _ configuration: VigilConfiguration, global: GlobalOptions, policy: String, reasoner: String
    ) -> JSONObject {
        func file(_ path: String?, absent: String) -> JSONValue {
            guard let path, let data = FileManager.default.contents(atPath: path) else {
                return .object(["path": .string(absent)])
            }
            return .object(["path": .string(path), "sha256": .string(AuditRecord.hexDigest(data))])
        }
        let configPath =
            global.config
            ?? (FileManager.default.fileExists(atPath: ConfigurationLoader.defaultPath)
                ? ConfigurationLoader.defaultPath : nil)
        return [
            "vigil": .string(VigilVersion.current), "config": file(configPath, absent: "built-in defaults"),
            "policy": file(policy == "the embedded default policy" ? nil : policy, absent: "embedded default"),
            "integrity_manifest": file(
                FileManager.default.fileExists(atPath: configuration.integrity.manifest)
                    ? configuration.integrity.manifest : nil, absent: "not sealed"),
            "reasoner": .string(reasoner), "max_tier": .int(Int64(configuration.agents.maxTier)),
        ]
    }

    /// Builds the stack: playbooks and prompts first (a bad file changes nothing), the integrity check,
    /// then the audit log, the Guard and the servers.
    static func start(
        _ configuration: VigilConfiguration, global: GlobalOptions, backends: BackendOptions, logger: Logger
    ) async throws(CLIError) -> AgentStack {
        let agents = configuration.agents
        let defaults = VigilConfiguration.Agents()
        // Each from its directory where it exists, else the copies built into vigil.
        let ownPlaybooks = try AgentFiles.use(
            agents.playbooks, default: configuration.place(defaults.playbooks), logger: logger)
        let ownRunbooks = try AgentFiles.use(
            agents.runbooks, default: configuration.place(defaults.runbooks), logger: logger)
        let library: PlaybookLibrary
        do {
            library = try ownPlaybooks ? PlaybookLibrary.load(directory: agents.playbooks) : PlaybookLibrary.embedded()
        } catch {
            throw .config(error.description)
        }
        let provider = try self.provider(agents)
        var tiers: [Int: TierDefinition] = [:]
        if provider != nil {
            let ownPrompts = try AgentFiles.use(
                agents.prompts, default: configuration.place(defaults.prompts), logger: logger)
            do {
                tiers = try ownPrompts ? TierDefinition.load(directory: agents.prompts) : TierDefinition.embedded()
            } catch {
                throw .config(error.description)
            }
        }
        let runbooks: RunbookLibrary
        do {
            runbooks = try ownRunbooks ? RunbookLibrary(directory: agents.runbooks) : AgentFiles.embeddedRunbooks()
        } catch {
            throw .config("runbooks: \(error)")
        }

        let platforms = try backends.platforms(configuration, logger: logger)
        let definitions = PlatformKind.allCases.map { PlatformServer.make($0, platforms: platforms) }
        let remotes = try await RemoteServers.connect(configuration, logger: logger)
        do {
            try IntegrityScope.check(
                configuration, global: global, servers: definitions, remote: remotes.flatMap(\.tools), logger: logger)
        } catch {
            for remote in remotes { await remote.close() }
            throw error
        }
        let policy: GuardPolicy
        let policySource: String
        let directory: StaticGroupDirectory
        do {
            (policy, policySource) = try GuardSetup.policy(configuration)
            directory = try GuardSetup.directory(configuration)
        } catch {
            for remote in remotes { await remote.close() }
            throw error
        }
        do {
            try GuardSetup.requireKnownNames(
                policy, source: policySource,
                GuardSetup.catalogue(
                    configuration, servers: definitions, remote: remotes.flatMap(\.tools), directory: directory))
        } catch {
            for remote in remotes { await remote.close() }
            throw error
        }
        let intentReview: IntentReview?
        let announcers: (request: Guard.Announcer, decision: Guard.Announcer?)
        do {
            intentReview = try GuardSetup.intentReview(configuration)
            announcers = try GuardSetup.announcers(
                configuration, platforms: platforms, remotes: remotes, logger: logger)
        } catch {
            for remote in remotes { await remote.close() }
            throw error
        }
        let audit: AuditLog
        do {
            let (key, _) = try AuditKey.loadOrCreate(path: configuration.audit.key)
            audit = try AuditLog(
                path: configuration.audit.path, key: key, checkpointEvery: configuration.audit.checkpointEvery)
        } catch {
            for remote in remotes { await remote.close() }
            throw .cannotCreate("audit log: \(error)")
        }
        // A manifest deleted since a sealed run: the log's signed checkpoints remember the sealing.
        do {
            try await IntegrityScope.checkStillSealed(configuration, audit: audit)
        } catch {
            for remote in remotes { await remote.close() }
            audit.close()
            throw error
        }
        let approvals: ApprovalBook
        do {
            approvals = try GuardSetup.approvals(configuration)
        } catch {
            for remote in remotes { await remote.close() }
            audit.close()
            throw error
        }
        let guardrails = Guard(
            policy: PolicyEngine(policy: policy, directory: directory, ledger: approvals),
            rateLimiter: GuardSetup.rateLimiter(configuration),
            approvals: approvals,
            scanner: InjectionScanner(threshold: configuration.guardrails.scanThreshold),
            intentReview: intentReview, audit: audit, announce: announcers.request,
            announceDecision: announcers.decision,
            announceServer: configuration.guardrails.announce.server.isEmpty
                ? nil : configuration.guardrails.announce.server)

        var running: [InProcessServer] = []
        var servers: [GuardedToolHost.Server] = []
        do {
            for definition in definitions {
                let scopes: Set<ToolScope> =
                    configuration.mcp.allowWrite.contains(definition.kind.rawValue) ? [.read, .write] : [.read]
                let router = ToolRouter(server: definition, scopes: scopes, logger: logger)
                let server = try await InProcessServer(router, logger: logger)
                running.append(server)
                let served = Set(router.visibleTools.map(\.name))
                servers.append(
                    .init(
                        name: definition.kind.rawValue, connection: server.connection, tools: router.visibleTools,
                        withheld: definition.tools.filter { !served.contains($0.name) }))
            }
        } catch {
            for server in running { await server.stop() }
            for remote in remotes { await remote.close() }
            audit.close()
            throw .software("could not start the MCP servers: \(error)")
        }
        for remote in remotes {
            servers.append(.init(name: remote.name, connection: remote.connection, listed: remote.tools))
            logger.info(
                "connected MCP server", metadata: ["server": "\(remote.name)", "tools": "\(remote.tools.count)"])
        }
        let host = GuardedToolHost(guard: guardrails, servers: servers)
        let watchdog = Watchdog(runbooks: runbooks) { handoff in
            logger.warning(
                "investigation handed to a person",
                metadata: [
                    "alert": "\(handoff.alertID)", "tier": "\(handoff.tier)", "reason": "\(handoff.reason)",
                    "runbook": "\(handoff.runbook.path ?? handoff.runbook.id)",
                ])
        }
        let reasoner: any AlertReasoner =
            provider.map {
                ModelReasoner(
                    loop: AgentLoop(provider: $0, host: host, watchdog: watchdog), tiers: tiers, maxTier: agents.maxTier
                )
            } ?? OfflineReasoner()
        do {
            try await guardrails.record(
                kind: "configuration",
                configurationRecord(
                    configuration, global: global, policy: policySource, reasoner: reasoner.agentName))
            try await guardrails.auditDecisions()
        } catch {
            for server in running { await server.stop() }
            for remote in remotes { await remote.close() }
            audit.close()
            throw .cannotCreate("audit log: \(error)")
        }
        // The watchdog's sweep, and the decisions people take during the run: written to the log and posted to the
        // approvers' channel within `decisionInterval`, however long the run waits for its next alert.
        let sweeper = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await watchdog.run(every: .milliseconds(500)) }
                group.addTask { await Self.writeDecisions(guardrails, every: Self.decisionInterval) }
            }
        }
        return AgentStack(
            engine: TriageEngine(host: host, library: library, reasoner: reasoner), reasonerName: reasoner.agentName,
            servers: running, remotes: remotes, audit: audit, guardrails: guardrails, sweeper: sweeper,
            announceWait: Double(configuration.guardrails.announce.timeoutSeconds) + 2)
    }

    /// The model provider, or nil for the offline reasoner. The key comes from the environment only.
    static func provider(_ agents: VigilConfiguration.Agents) throws(CLIError) -> (any ModelProvider)? {
        let environment = ProcessInfo.processInfo.environment
        do {
            switch agents.provider {
            case .offline:
                return nil
            case .anthropic:
                let variable = agents.apiKeyEnvironment.isEmpty ? "ANTHROPIC_API_KEY" : agents.apiKeyEnvironment
                guard let key = environment[variable], !key.isEmpty else {
                    throw CLIError.config(
                        "the anthropic provider needs an API key in $\(variable) (or use --provider offline, which needs none)"
                    )
                }
                var settings = AnthropicProvider.Settings(apiKey: key)
                if !agents.model.isEmpty { settings.model = agents.model }
                if !agents.baseURL.isEmpty { settings.baseURL = agents.baseURL }
                return try AnthropicProvider(settings: settings)
            case .openai:
                let variable = agents.apiKeyEnvironment.isEmpty ? "OPENAI_API_KEY" : agents.apiKeyEnvironment
                var settings = OpenAIProvider.Settings(apiKey: environment[variable])
                if !agents.model.isEmpty { settings.model = agents.model }
                if !agents.baseURL.isEmpty { settings.baseURL = agents.baseURL }
                return try OpenAIProvider(settings: settings)
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw .config("\(error)")
        }
    }
}

/// The MCP servers of `mcp.servers`, connected (stdio or Streamable HTTP) with their tools listed.
enum RemoteServers {
    static func connect(_ configuration: VigilConfiguration, logger: Logger) async throws(CLIError) -> [RemoteServer] {
        var connected: [RemoteServer] = []
        for server in configuration.mcp.servers {
            let endpoint: RemoteServer.Endpoint
            if server.command.isEmpty {
                var token: String?
                if !server.tokenEnvironment.isEmpty {
                    guard let value = ProcessInfo.processInfo.environment[server.tokenEnvironment], !value.isEmpty
                    else {
                        for remote in connected { await remote.close() }
                        throw .config(
                            "mcp.servers '\(server.name)': the bearer token variable $\(server.tokenEnvironment) is not set"
                        )
                    }
                    token = value
                }
                endpoint = .url(server.url, token: token)
            } else {
                endpoint = .command(server.command)
            }
            do {
                connected.append(
                    try await RemoteServer.connect(
                        name: server.name, endpoint: endpoint, requestTimeout: server.timeoutSeconds,
                        directory: configuration.directory.isEmpty ? nil : configuration.directory, logger: logger))
            } catch {
                for remote in connected { await remote.close() }
                throw .noInput(error.description)
            }
        }
        return connected
    }
}

/// Where playbooks, prompts and runbooks come from: the configured directory where it exists, else —
/// for the default path only — the copies embedded in the binary, so Vigil runs from any directory.
enum AgentFiles {
    /// True: read `path`. False: use the embedded copies. A configured path that does not exist is an error.
    static func use(_ path: String, default defaultPath: String, logger: Logger) throws(CLIError) -> Bool {
        if FileManager.default.fileExists(atPath: path) { return true }
        guard path == defaultPath else {
            throw .noInput(
                "the \((defaultPath as NSString).lastPathComponent) directory \(path) does not exist (name another, or leave it unset to use the copies built into vigil)"
            )
        }
        logger.debug("no \(path) directory here; using the embedded copies")
        return false
    }

    static func embeddedRunbooks() throws(RunbookError) -> RunbookLibrary {
        var runbooks: [Runbook] = []
        for (name, text) in EmbeddedAgentFiles.runbooks where name != "README.md" {
            runbooks.append(try Runbook.parse(text, path: nil))
        }
        return RunbookLibrary(runbooks: runbooks)
    }
}
