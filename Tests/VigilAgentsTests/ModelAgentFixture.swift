import Foundation
import Synchronization
import VigilAgents
import VigilCore
import VigilGuard
import VigilLab
import VigilMCP
import VigilPlatforms
import VigilTesting

/// The model tiers on the lab: the seven servers in process (read tools served, write tools withheld
/// but known to the Guard), a Guard with a real audit log, the watchdog, the shipped prompts and
/// playbooks, and a provider pointed at a scripted server that speaks the vendor's wire format.
final class ModelAgentFixture: Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized
    static let prompts = root.appendingPathComponent("prompts").path
    static let playbooks = root.appendingPathComponent("playbooks").path
    static let runbooks = root.appendingPathComponent("runbooks").path

    let model: ScriptedModelServer
    let engine: TriageEngine
    let servers: [InProcessServer]
    let audit: AuditLog
    let auditPath: String
    let key: AuditKey
    let approvals: ApprovalBook
    let recorded: Recorded
    /// Every case the watchdog handed to a person.
    var handoffs: [Watchdog.Handoff] { recorded.handoffs.withLock { $0 } }
    /// Every wait the providers' retry logic asked for.
    var sleeps: [Duration] { recorded.sleeps.withLock { $0 } }

    /// What the watchdog and the providers' retry logic reported.
    final class Recorded: Sendable {
        let handoffs = Mutex<[Watchdog.Handoff]>([])
        let sleeps = Mutex<[Duration]>([])
    }

    private init(
        model: ScriptedModelServer, engine: TriageEngine, servers: [InProcessServer], audit: AuditLog,
        auditPath: String, key: AuditKey, approvals: ApprovalBook, recorded: Recorded
    ) {
        self.recorded = recorded
        self.model = model
        self.engine = engine
        self.servers = servers
        self.audit = audit
        self.auditPath = auditPath
        self.key = key
        self.approvals = approvals
    }

    /// `tiers` overrides the shipped tier definitions (budgets); `retry` the providers' retry policy.
    static func start(
        _ wire: ScriptedModelServer.Wire, maxTier: Int = 3, timeoutSeconds: Int64 = 30,
        retry: ModelHTTP.Retry = .init(
            attempts: 3, baseDelaySeconds: 0.5, maxDelaySeconds: 4, maxRetryAfterSeconds: 30),
        adjust: (inout [Int: TierDefinition]) -> Void = { _ in },
        script: @escaping ScriptedModelServer.Script
    ) async throws -> ModelAgentFixture {
        let model = try await ScriptedModelServer(wire: wire, script: script)
        let directory = try CommandRunner.temporaryDirectory()
        let key = AuditKey()
        let auditPath = directory.appendingPathComponent("audit.log").path
        let audit = try AuditLog(path: auditPath, key: key, sync: false)
        let approvals = ApprovalBook()
        let guardrails = Guard(
            policy: PolicyEngine(policy: .standard),
            rateLimiter: RateLimiter(default: .init(ratePerSecond: 1e6, burst: 1_000_000)),
            approvals: approvals, audit: audit)
        let (running, servers) = try await labServers(triageWorld)
        let host = GuardedToolHost(guard: guardrails, servers: servers)
        let recorded = Recorded()
        let watchdog = Watchdog(runbooks: try RunbookLibrary(directory: runbooks)) { handoff in
            recorded.handoffs.withLock { $0.append(handoff) }
        }
        let http = ModelHTTP(retry: retry, timeoutSeconds: timeoutSeconds) { duration in
            recorded.sleeps.withLock { $0.append(duration) }
        }
        let provider: any ModelProvider =
            switch wire {
            case .anthropic:
                try AnthropicProvider(
                    settings: .init(model: "claude-test", apiKey: "sk-ant-test", baseURL: model.baseURL), http: http)
            case .openai:
                try OpenAIProvider(
                    settings: .init(model: "gpt-test", apiKey: "sk-test", baseURL: model.baseURL), http: http)
            }
        var tiers = try TierDefinition.load(directory: prompts)
        adjust(&tiers)
        let reasoner = ModelReasoner(
            loop: AgentLoop(provider: provider, host: host, watchdog: watchdog), tiers: tiers, maxTier: maxTier)
        let engine = TriageEngine(
            host: host, library: try PlaybookLibrary.load(directory: playbooks), reasoner: reasoner)
        return ModelAgentFixture(
            model: model, engine: engine, servers: running, audit: audit, auditPath: auditPath, key: key,
            approvals: approvals, recorded: recorded)
    }

    func stop() async {
        await model.stop()
        for server in servers { await server.stop() }
        audit.close()
    }

    /// The audit log's records, after proving its chain and checkpoints.
    func auditRecords() throws -> [AuditRecord] {
        audit.close()
        _ = try AuditVerifier.verify(path: auditPath, publicKey: key.publicKey)
        return try String(contentsOfFile: auditPath, encoding: .utf8).split(separator: "\n")
            .map { try AuditRecord.parse(Array($0.utf8)) }
    }
}

/// Building blocks of scripted model turns.
enum Scripted {
    /// The tier a request is for, from the brief's first line ("… as Vigil's Tier N (…) agent").
    static func tier(_ request: ScriptedModelServer.Request) -> Int {
        let first = request.brief.prefix { $0 != "\n" }
        for tier in 1...3 where first.contains("Vigil's Tier \(tier) ") { return tier }
        return 0
    }

    /// The calls the brief suggests, at most `limit`.
    static func playbookCalls(_ request: ScriptedModelServer.Request, limit: Int = 8) -> ScriptedModelServer.Turn {
        .calls(Array(request.suggestedCalls.prefix(limit)))
    }

    /// A `submit_verdict` call citing `ids`.
    static func submit(
        _ classification: String, _ disposition: String, cite ids: [String], summary: String = "Scripted verdict.",
        extra: JSONObject = [:]
    ) -> ScriptedModelServer.Turn {
        var answer: JSONObject = [
            "classification": .string(classification), "disposition": .string(disposition), "confidence": 0.9,
            "summary": .string(summary),
            "evidence": [["claim": "The tool results show it.", "tool_call_ids": .array(ids.map { .string($0) })]],
        ]
        for (key, value) in extra { answer[key] = value }
        return .calls([.init(TierAnswer.submitTool, json: .object(answer))])
    }

    /// Tiers 1 and 2 escalate; Tier 3 answers with one `identity.suspend_user` step whose arguments `arguments`
    /// gives for the turn, with `rationale`, after `observe` has seen the request.
    static func suspendScript(
        observe: @escaping @Sendable (ScriptedModelServer.Request) -> Void = { _ in },
        rationale: String = "Stop the account.",
        arguments: @escaping @Sendable (Int) -> JSONValue
    ) -> ScriptedModelServer.Script {
        { request in
            switch (Scripted.tier(request), request.assistantTurns) {
            case (1, 0): return Scripted.playbookCalls(request)
            case (1, _): return Scripted.submit("unknown", "escalated", cite: Array(request.callIDs.prefix(2)))
            case (2, _):
                return Scripted.submit(
                    "true_positive", "escalated", cite: Array(Scripted.priorCallIDs(request.brief).prefix(1)))
            case (_, let turns):
                observe(request)
                let prior = Scripted.priorCallIDs(request.brief)
                return Scripted.submit(
                    "true_positive", "escalated", cite: Array(prior.prefix(1)),
                    extra: [
                        "attack": ["T1098.003"], "narrative": "A user granted itself administrator rights.",
                        "timeline": [
                            [
                                "time": "2026-01-01T10:00:00Z", "summary": "The grant.", "technique": "T1098.003",
                                "tool_call_ids": .array(prior.prefix(1).map { .string($0) }),
                            ]
                        ],
                        "containment": [
                            [
                                "tool": "identity.suspend_user", "arguments": arguments(turns),
                                "rationale": .string(rationale),
                            ]
                        ],
                    ])
            }
        }
    }

    /// Call the playbook's tools on the first turn, then submit the given verdict citing what came back.
    static func investigateThenSubmit(
        _ classification: String, _ disposition: String
    ) -> ScriptedModelServer.Script {
        { request in
            if request.assistantTurns == 0 { return playbookCalls(request) }
            return submit(classification, disposition, cite: Array(request.callIDs.prefix(3)))
        }
    }
}

extension [AuditRecord] {
    /// Whether a call to `tool` ran: a `tool_call` for it has a `tool_result` (the result record names
    /// only the call id).
    func ran(_ tool: String) -> Bool {
        let ids = Set(
            filter { $0.kind == "tool_call" && $0.data["tool"] == .string(tool) }.compactMap { $0.data["call_id"] })
        return contains { $0.kind == "tool_result" && $0.data["call_id"].map(ids.contains) == true }
    }

    /// Whether a call to `tool` ran and returned a result without error.
    func ranOK(_ tool: String) -> Bool {
        let ids = Set(
            filter { $0.kind == "tool_call" && $0.data["tool"] == .string(tool) }.compactMap { $0.data["call_id"] })
        return contains {
            $0.kind == "tool_result" && $0.data["outcome"] == "ok" && $0.data["call_id"].map(ids.contains) == true
        }
    }
}
