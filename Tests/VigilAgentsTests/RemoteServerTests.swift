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

    /// `server` connected over Streamable HTTP as `quota`, its `lookup_ip` allowed at tier 1, behind a Guard with
    /// `limiter` (waiting at most 2 s); a tier-1 session in which the address looked up is trusted.
    static func quotaHost(
        _ server: ThrottlingMCPServer, limiter: RateLimiter, audit: AuditLog?, caseID: String
    ) async throws -> (RemoteServer, GuardedToolHost, GuardSession) {
        let remote = try await RemoteServer.connect(
            name: "quota", endpoint: .url(server.endpoint, token: nil), logger: Logger(label: "test"))
        var policy = GuardPolicy.standard
        policy.tiers["tier1"]?.allowed[.read, default: []].append(GlobPattern("quota.lookup_ip"))
        let host = GuardedToolHost(
            guard: Guard(
                policy: PolicyEngine(policy: policy), rateLimiter: limiter, approvals: ApprovalBook(), audit: audit,
                maxRateWaitMilliseconds: 2000),
            servers: [.init(name: remote.name, connection: remote.connection, listed: remote.tools)])
        let session = GuardSession(agent: "test", tier: "tier1", caseID: caseID)
        session.taint.observe("203.0.113.9", source: "alert.entities", trusted: true)
        return (remote, host, session)
    }

    /// A server behind a quota answers 429 with Retry-After: the Guard blocks its bucket until then, so the next
    /// call is refused without reaching it, and the block shows in the levels and the audit log.
    @Test(arguments: [
        ("120", 120.0, 429, false), (nil, 30.0, 429, false), ("Tue, 01 Dec 2026 10:01:30 GMT", 90.0, 503, false),
        ("45", 45.0, 429, true),
    ])
    func aServersRetryAfterBlocksItsBucket(retryAfter: String?, seconds: Double, status: Int, jsonBody: Bool) async throws {
        let server = await ThrottlingMCPServer(
            throttle: 1, retryAfter: retryAfter, status: .init(code: status), jsonBody: jsonBody)
        defer { server.stop() }
        let directory = try CommandRunner.temporaryDirectory()
        let key = AuditKey()
        let path = directory.appendingPathComponent("audit.log").path
        let audit = try AuditLog(path: path, key: key, sync: false)
        let clock = FakeClock(Timestamp(rfc3339: "2026-12-01T10:00:00Z")!)
        let limiter = RateLimiter(default: .init(ratePerSecond: 1e6, burst: 1000), clock: clock)
        let (remote, host, session) = try await Self.quotaHost(server, limiter: limiter, audit: audit, caseID: "case-quota")

        let first = try await host.call(server: "quota", tool: "lookup_ip", arguments: ["ip": "203.0.113.9"], in: session)
        guard case .failed(_, let message) = first else {
            Issue.record("expected the throttled call to fail, got \(first)")
            return
        }
        #expect(message.contains("HTTP \(status)"), "\(message)")
        let level = try #require(limiter.levels.first { $0.key == "server:quota" })
        #expect(level.blockedUntil == clock.now().adding(seconds: Int64(seconds)))

        let second = try await host.call(server: "quota", tool: "lookup_ip", arguments: ["ip": "203.0.113.9"], in: session)
        guard case .rateLimited(_, let wait) = second else {
            Issue.record("expected the next call to be held back, got \(second)")
            return
        }
        #expect(wait == Int64(seconds * 1000))
        #expect(server.calls == 1, "the held-back call must not reach the server")

        // Once the time has passed (the bucket restarts empty, refilling at its rate), calls go through again.
        clock.advance(seconds: Int64(seconds) + 1)
        let third = try await host.call(server: "quota", tool: "lookup_ip", arguments: ["ip": "203.0.113.9"], in: session)
        guard case .completed(_, let content, _, _) = third else {
            Issue.record("expected the call after the block to complete, got \(third)")
            return
        }
        #expect(content["verdict"] == "benign")
        #expect(server.calls == 2)
        await remote.close()
        audit.close()

        let records = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { try AuditRecord.parse(Array($0.utf8)) }
        #expect(records.contains { $0.kind == "tool_result" && $0.data["throttled"] == "server:quota" })
        #expect(records.contains { $0.kind == "tool_call" && $0.data["outcome"] == "rate_limited" })
    }

    /// A 503 without Retry-After is an outage, not a request to slow down: the bucket is not blocked.
    @Test func aServiceUnavailableWithoutRetryAfterDoesNotBlock() async throws {
        let server = await ThrottlingMCPServer(throttle: 1, retryAfter: nil, status: .serviceUnavailable)
        defer { server.stop() }
        let limiter = RateLimiter(default: .init(ratePerSecond: 1e6, burst: 1000))
        let (remote, host, session) = try await Self.quotaHost(server, limiter: limiter, audit: nil, caseID: "case-503")
        let first = try await host.call(server: "quota", tool: "lookup_ip", arguments: ["ip": "203.0.113.9"], in: session)
        guard case .failed(_, let message) = first else {
            Issue.record("expected the refused call to fail, got \(first)")
            return
        }
        #expect(message.contains("HTTP 503"))
        #expect(limiter.levels.allSatisfy { $0.blockedUntil == nil })
        let second = try await host.call(server: "quota", tool: "lookup_ip", arguments: ["ip": "203.0.113.9"], in: session)
        guard case .completed = second else {
            Issue.record("expected the next call to reach the server, got \(second)")
            return
        }
        #expect(server.calls == 2)
        await remote.close()
    }
}
