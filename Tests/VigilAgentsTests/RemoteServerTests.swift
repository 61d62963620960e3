import Foundation
import Logging
import Testing
import VigilAgents
import VigilCore
import VigilGuard
import VigilMCP
import VigilTesting

/// A third-party MCP server written with the official Python SDK, connected over stdio: its tools are
/// classed from their annotations, offered by the policy, and every call passes the Guard.
@Suite("Third-party MCP servers")
struct RemoteServerTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/mcp/threatintel_server.py").standardized.path

    @Test func toolsAreClassedOfferedAndGuarded() async throws {
        let remote = try await RemoteServer.connect(
            name: "threatintel", endpoint: .command(["python3", Self.script]), logger: Logger(label: "test"))
        let directory = try CommandRunner.temporaryDirectory()
        let key = AuditKey()
        let path = directory.appendingPathComponent("audit.log").path
        let audit = try AuditLog(path: path, key: key, sync: false)
        // The standard policy names Vigil's servers only: a third-party tool is refused until a tier names it,
        // whatever class it declares.
        let standard = GuardedToolHost(
            guard: Guard(
                policy: PolicyEngine(policy: .standard),
                rateLimiter: RateLimiter(default: .init(ratePerSecond: 1e6, burst: 1000)), approvals: ApprovalBook(),
                audit: audit),
            servers: [.init(name: remote.name, connection: remote.connection, listed: remote.tools)])
        #expect(standard.tools(forTier: "tier1").isEmpty && standard.tools(forTier: "tier3").isEmpty)
        let refused = try await standard.call(
            server: "threatintel", tool: "lookup_ip", arguments: ["ip": "203.0.113.50"],
            in: GuardSession(agent: "test", tier: "tier1", caseID: "case-std"))
        guard case .denied(_, let unlisted) = refused else {
            Issue.record("expected a refusal, got \(refused)")
            return
        }
        #expect(unlisted.rule == "default-deny")

        var policy = GuardPolicy.standard
        policy.tiers["tier1"]?.allowed[.read, default: []].append(GlobPattern("threatintel.lookup_ip"))
        policy.tiers["tier3"]?.allowed[.destructive, default: []].append(GlobPattern("threatintel.*"))
        let guardrails = Guard(
            policy: PolicyEngine(policy: policy), rateLimiter: RateLimiter(default: .init(ratePerSecond: 1e6, burst: 1000)),
            approvals: ApprovalBook(), audit: audit)
        let host = GuardedToolHost(
            guard: guardrails, servers: [.init(name: remote.name, connection: remote.connection, listed: remote.tools)])

        let classes = Dictionary(uniqueKeysWithValues: remote.tools.map { ($0.name, $0.profile.toolClass) })
        #expect(classes == ["lookup_ip": .read, "block_ip": .destructive])
        #expect(host.tools(forTier: "tier1").map(\.qualifiedName) == ["threatintel.lookup_ip"])

        var session = GuardSession(agent: "test", tier: "tier1", caseID: "case-ti")
        // The address comes from the alert's structured entities (trusted), not from the agent's own choice.
        session.taint.observe("203.0.113.50", source: "alert.entities", trusted: true)
        let lookup = try await host.call(
            server: "threatintel", tool: "lookup_ip", arguments: ["ip": "203.0.113.50"], in: session)
        guard case .completed(_, let content, _, let isError) = lookup else {
            Issue.record("expected a completed call, got \(lookup)")
            return
        }
        #expect(!isError && content["verdict"] == "malicious")

        let tier1Block = try await host.call(
            server: "threatintel", tool: "block_ip", arguments: ["ip": "203.0.113.50"], in: session)
        guard case .denied(_, let denied) = tier1Block else {
            Issue.record("expected a refusal, got \(tier1Block)")
            return
        }
        #expect(denied.rule == "default-deny" || denied.rule.hasPrefix("tier:"))
        session = session.escalated(to: "tier3", agent: "test")
        let tier3Block = try await host.call(
            server: "threatintel", tool: "block_ip", arguments: ["ip": "203.0.113.50"], in: session)
        guard case .pendingApproval(_, let held, _) = tier3Block else {
            Issue.record("expected a call held for approval, got \(tier3Block)")
            return
        }
        #expect(held.rule == "destructive-needs-approval")
        await remote.close()
        audit.close()

        _ = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        let records = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try AuditRecord.parse(Array($0.utf8)) }
        #expect(records.ranOK("lookup_ip"))
        #expect(records.contains { $0.kind == "tool_call" && $0.data["tool"] == "block_ip" })
        #expect(!records.ran("block_ip"))
    }
}
