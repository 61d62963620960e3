import Foundation
import Testing
import VigilCore
import VigilGuard
import VigilMCP
import VigilTesting

@testable import VigilAgents

/// `guard.announce` end to end, as a user runs it: `vigil triage` with a model (a scripted server speaking the
/// Anthropic wire format) whose Tier 3 proposes containment; the request is posted to a chat channel, through the
/// lab's collaboration platform or a third-party MCP server's tool (here `vigil mcp collaboration --allow-write`
/// over stdio), and the audit log records where, or why not.
@Suite(.serialized) struct ApprovalAnnouncerTests {
    /// Tier 1 and Tier 2 escalate; Tier 3 proposes suspending a user, with text an attacker could have steered.
    static let script = Scripted.suspendScript(rationale: "Stop the account.\nApproved by: CISO") { _ in
        ["login": "<!channel> ana.silva@meridian.example", "reason": "Stolen access key in use."]
    }

    /// `mcp.servers` with a chat server: `vigil mcp collaboration` over stdio, its write tools granted or not.
    static func chatServer(allowWrite: Bool) -> String {
        """
        mcp:
          servers:
            - name: chat
              command: ["\(CommandRunner.vigilURL.path)", mcp, collaboration\(allowWrite ? ", --allow-write" : "")]
        """
    }

    struct Run {
        var directory: URL
        var triage: CommandRunner.Result
        var audit: [JSONValue]
        var pending: [JSONValue]
    }

    /// Triages the lab's first alert with `announce` as the `guard.announce` block (and `extra` appended to the
    /// configuration), then reads the audit log and the pending requests.
    func triage(
        announce: String, extra: String = "", environment: [String: String] = [:], alerts: Int = 1
    ) async throws -> Run {
        let model = try await ScriptedModelServer(wire: .anthropic, script: Self.script)
        do {
            let run = try await triage(
                model: model, announce: announce, extra: extra, environment: environment, alerts: alerts)
            await model.stop()
            return run
        } catch {
            await model.stop()
            throw error
        }
    }

    private func triage(
        model: ScriptedModelServer, announce: String, extra: String, environment: [String: String], alerts count: Int
    ) async throws -> Run {
        let directory = try await prepare(model: model, announce: announce, extra: extra, alerts: count)
        let triage = try await CommandRunner.vigil(
            ["triage", "alert.jsonl"], in: directory,
            environment: environment.merging(["VIGIL_TEST_MODEL_KEY": "sk-ant-test"]) { $1 })
        let export = try await CommandRunner.vigil(["audit", "export"], in: directory)
        let pending = try await CommandRunner.vigil(
            ["guard", "approvals", "--status", "pending", "--json"], in: directory)
        return Run(
            directory: directory, triage: triage,
            audit: try export.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) },
            pending: try pending.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) })
    }

    /// A directory with `vigil.yaml` (the model, `announce` and `extra`) and `count` lab alerts in `alert.jsonl`.
    private func prepare(
        model: ScriptedModelServer, announce: String, extra: String, alerts count: Int
    ) async throws -> URL {
        let directory = try CommandRunner.temporaryDirectory()
        try """
        agents:
          provider: anthropic
          base_url: "\(model.baseURL)"
          api_key_env: VIGIL_TEST_MODEL_KEY
          max_tier: 3
        guard:
          announce:
        \(announce)
        \(extra)
        """.write(to: directory.appendingPathComponent("vigil.yaml"), atomically: true, encoding: .utf8)
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "\(count)"], in: directory)
        try #require(alerts.status == 0, "\(alerts.stderr)")
        try Data(alerts.stdout.utf8).write(to: directory.appendingPathComponent("alert.jsonl"))
        return directory
    }

    func records(_ run: Run, _ kind: String) -> [JSONValue] { run.audit.filter { $0["kind"]?.stringValue == kind } }

    @Test(arguments: [false, true])
    func aProposalIsPostedToTheChannel(remote: Bool) async throws {
        let run =
            remote
            ? try await triage(
                announce: "    server: chat\n    channel: \"#security\"",
                extra: Self.chatServer(allowWrite: true))
            : try await triage(announce: "    channel: \"#security\"")
        #expect(run.triage.status == 0, "\(run.triage.stderr)")
        let request = try #require(run.pending.first, "\(run.triage.stderr)")
        #expect(run.pending.count == 1)
        #expect(request["tool"] == "identity.suspend_user")
        let id = try #require(request["id"]?.stringValue)
        let posted = records(run, "approval_announced")
        #expect(posted.count == 1 && records(run, "approval_announce_failed").isEmpty, "\(run.triage.stderr)")
        let data = try #require(posted.first?["data"])
        #expect(data["approval_id"] == .string(id))
        #expect(data["server"] == (remote ? "chat" : "collaboration") && data["tool"] == "post_message")
        #expect(data["channel"] == "#security" && data["confirmed"] == true)
        // The lab's chat is a simulation no person reads, and the record and the log say so.
        #expect(data["simulated"] == (remote ? nil : true))
        // The lab's channel ids and Slack-style message timestamps, as the collaboration server answers.
        #expect(data["channel_id"]?.stringValue?.hasPrefix("C0") == true)
        #expect(data["ts"]?.stringValue?.contains(".") == true)
        #expect(data["text_sha256"]?.stringValue?.count == 64)
        // After the request it announces.
        let requested = run.audit.firstIndex { $0["kind"] == "approval_requested" } ?? .max
        let announced = run.audit.firstIndex { $0["kind"] == "approval_announced" } ?? -1
        #expect(requested < announced)
        #expect(
            run.triage.stderr.contains(
                remote
                    ? "approval requested and announced"
                    : "approval requested; announced in the lab's simulated chat only"), "\(run.triage.stderr)")
        #expect(run.triage.stderr.contains(id))
    }

    /// Posts take tokens from the chat server's rate limit (`guard.rate_limits`), as the agents' calls to it would:
    /// with one token and the next 1,000 s away, the first of two requests is posted and the other is audited as
    /// not posted, waits in the book, and the run says so as it ends.
    @Test func postsTakeTheChatServersRateLimit() async throws {
        let limit = "  rate_limits:\n    \"server:chat\": {per_second: 0.001, burst: 1}\n"
        let run = try await triage(
            announce: "    server: chat\n    channel: \"#security\"", extra: limit + Self.chatServer(allowWrite: true),
            alerts: 2)
        #expect(run.triage.status == 0, "\(run.triage.stderr)")
        #expect(run.pending.count == 2, "\(run.triage.stderr)")
        #expect(records(run, "approval_announced").count == 1)
        let refused = try #require(records(run, "approval_announce_failed").first?["data"], "\(run.triage.stderr)")
        #expect(records(run, "approval_announce_failed").count == 1)
        #expect(refused["server"] == "chat" && refused["bucket"] == "server:chat" && refused["rate_limit"] == "rate")
        let error = refused["error"]?.stringValue ?? ""
        #expect(error.hasPrefix("not posted: server:chat has no token within 30000 ms"), "\(error)")
        #expect(
            run.triage.stderr.contains("1 approval message was not posted to the approvers' channel"),
            "\(run.triage.stderr)")
    }

    /// The text posted is the announcement of the request in the book: its digest is the one audited.
    @Test func thePostedTextIsTheAnnouncementOfTheRequest() async throws {
        let run = try await triage(announce: "    channel: \"#security\"")
        let request = try #require(run.pending.first, "\(run.triage.stderr)")
        let data = try #require(records(run, "approval_announced").first?["data"])
        let requested = try #require(records(run, "approval_requested").first?["data"])
        #expect(requested["id"] == request["id"])
        // The policy's reason and the agent's rationale, both.
        let reason = requested["reason"]?.stringValue ?? ""
        #expect(reason.contains("; proposed by ") && reason.contains("Approved by: CISO"), "\(reason)")
        let arguments = try #require(requested["arguments"]?.objectValue)
        #expect(arguments["login"] == "<!channel> ana.silva@meridian.example")
        let book = try ApprovalBook(
            path: run.directory.appendingPathComponent("vigil-approvals.db").path, lifetimeSeconds: 3600)
        let id = try #require(request["id"]?.stringValue)
        let approval = try #require(try book.approval(id))
        let text = ApprovalAnnouncement.text(for: approval)
        #expect(data["text_sha256"] == .string(AuditRecord.hexDigest(Array(text.utf8))))
        #expect(text.contains("&lt;!channel&gt;") && !Array(text.utf8).contains(UInt8(ascii: "<")))
    }

    /// A channel the chat platform does not have: the post fails, which is audited and warned about; the request
    /// still waits for a decision and the verdict is unchanged.
    @Test func aFailedPostLeavesTheRequestPending() async throws {
        let run = try await triage(announce: "    channel: \"#no-such-channel\"")
        #expect(run.triage.status == 0, "\(run.triage.stderr)")
        #expect(run.pending.count == 1)
        #expect(records(run, "approval_announced").isEmpty)
        let failure = try #require(records(run, "approval_announce_failed").first?["data"])
        #expect(failure["approval_id"] == run.pending.first?["id"])
        #expect(failure["error"]?.stringValue?.contains("no-such-channel") == true, "\(failure)")
        #expect(failure["server"] == "collaboration" && failure["channel"] == "#no-such-channel")
        #expect(run.triage.stderr.contains("approval request not announced; it waits in `vigil guard approvals`"))
    }

    /// `server: ""` posts nowhere, and says so: each request is audited as not announced and noted on stderr.
    @Test func anEmptyServerPostsNothingAndSaysSo() async throws {
        let run = try await triage(announce: "    server: \"\"")
        #expect(run.triage.status == 0, "\(run.triage.stderr)")
        #expect(run.pending.count == 1)
        #expect(records(run, "approval_announced").isEmpty && records(run, "approval_announce_failed").isEmpty)
        let off = try #require(records(run, "approval_not_announced").first?["data"])
        #expect(off["error"] == .string(ApprovalAnnouncer.off) && off["approval_id"] == run.pending.first?["id"])
        #expect(run.triage.stderr.contains("approval requested; not announced (guard.announce.server is empty)"))
    }

    /// A server of `mcp.servers` without the configured tool is refused at start, naming the key and the tools it has.
    @Test func aRemoteServerWithoutTheToolIsRefusedAtStart() async throws {
        let run = try await triage(
            announce: "    server: chat\n    tool: chat_post_message",
            extra: Self.chatServer(allowWrite: false))
        #expect(run.triage.status == 78, "\(run.triage.status) \(run.triage.stderr)")
        #expect(run.triage.stderr.contains("guard.announce.tool: server chat has no tool chat_post_message"))
        #expect(run.triage.stderr.contains("lookup_person"))
        #expect(run.pending.isEmpty && run.audit.isEmpty)
    }

    static let slackServer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/mcp/slack_server.py").standardized.path

    /// `mcp.servers` with the Slack-shaped server, and the `guard.announce` block that posts through it.
    static let slackServers = """
        mcp:
          servers:
            - name: slack
              command: [python3, "\(slackServer)"]
        """
    static let slackAnnounce =
        "    server: slack\n    tool: slack_post_message\n    channel_argument: channel_id\n    channel: C0123456789"

    /// The documented set-up for Slack: a server shaped like the reference Slack MCP server (written with the
    /// official Python SDK) whose `slack_post_message` takes `channel_id` and answers with Slack's response as text.
    /// The message it receives is the announcement, inert, and the answer's `ts` is audited; a channel Slack does
    /// not have (`"ok": false`, not a tool error) is a failed announcement.
    @Test func aSlackShapedServerReceivesTheAnnouncement() async throws {
        let log = try CommandRunner.temporaryDirectory().appendingPathComponent("slack.jsonl").path
        let servers = Self.slackServers
        let announce = "    server: slack\n    tool: slack_post_message\n    channel_argument: channel_id\n"
        let run = try await triage(
            announce: announce + "    channel: C0123456789", extra: servers, environment: ["SLACK_STANDIN_LOG": log])
        #expect(run.triage.status == 0, "\(run.triage.stderr)")
        let data = try #require(records(run, "approval_announced").first?["data"], "\(run.triage.stderr)")
        let posts = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
            try JSONParser.parse(String($0))
        }
        #expect(posts.count == 1)
        let post = try #require(posts.first)
        #expect(post["channel_id"] == "C0123456789")
        #expect(data["confirmed"] == true && data["ts"] == post["ts"] && data["channel_id"] == "C0123456789")
        #expect(data["server"] == "slack" && data["tool"] == "slack_post_message" && data["simulated"] == nil)
        let text = try #require(post["text"]?.stringValue)
        #expect(data["text_sha256"] == .string(AuditRecord.hexDigest(Array(text.utf8))))
        #expect(text.contains("&lt;!channel&gt; ana.silva@meridian.example") && !Array(text.utf8).contains(0x3C))
        let id = try #require(run.pending.first?["id"]?.stringValue)
        #expect(text.contains("Approve: vigil guard approve \(id) --by NAME"))
        #expect(run.triage.stderr.contains("approval requested and announced"), "\(run.triage.stderr)")
        // The decision, taken with the CLI once the run is over, is posted to the channel and audited.
        let decisionLog = log + ".decision"
        let approved = try await CommandRunner.vigil(
            ["guard", "approve", id, "--by", "alice", "--note", "checked"], in: run.directory,
            environment: ["SLACK_STANDIN_LOG": decisionLog])
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stderr.contains("approval decided and announced"), "\(approved.stderr)")
        let decisionPosts = try String(contentsOfFile: decisionLog, encoding: .utf8).split(separator: "\n").map {
            try JSONParser.parse(String($0))
        }
        #expect(decisionPosts.count == 1 && decisionPosts.first?["channel_id"] == "C0123456789")
        let decisionText = decisionPosts.first?["text"]?.stringValue ?? ""
        #expect(decisionText.hasPrefix("Vigil approval \(id) was approved by `alice` at "), "\(decisionText)")
        #expect(decisionText.contains("\nNote: `checked`\n"))
        let decided = try await CommandRunner.vigil(
            ["audit", "export", "--kind", "approval_decision_announced"], in: run.directory)
        let announced = try #require(
            try decided.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }.first?["data"])
        #expect(announced["approval_id"] == .string(id) && announced["ts"] == decisionPosts.first?["ts"])
        #expect(announced["decision"] == "approved" && announced["confirmed"] == true)
        #expect(announced["text_sha256"] == .string(AuditRecord.hexDigest(Array(decisionText.utf8))))
        #expect(try await CommandRunner.vigil(["audit", "verify"], in: run.directory).status == 0)

        let refused = try await triage(
            announce: announce + "    channel: C0NOSUCHCHAN", extra: servers, environment: ["SLACK_STANDIN_LOG": log])
        #expect(refused.triage.status == 0, "\(refused.triage.stderr)")
        let failure = try #require(records(refused, "approval_announce_failed").first?["data"])
        #expect(failure["error"] == "the server did not post it: channel_not_found")
        #expect(refused.pending.count == 1 && records(refused, "approval_announced").isEmpty)
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 1)
        // A decision the chat server does not post stands; the failure is a warning and an audit record.
        let refusedID = try #require(refused.pending.first?["id"]?.stringValue)
        let denied = try await CommandRunner.vigil(
            ["guard", "deny", refusedID, "--by", "bob"], in: refused.directory, environment: ["SLACK_STANDIN_LOG": log])
        #expect(denied.status == 0 && denied.stdout.contains("\(refusedID): denied by bob"), "\(denied.stderr)")
        #expect(denied.stderr.contains("the decision was not announced (it stands)"), "\(denied.stderr)")
        let notPosted = try await CommandRunner.vigil(
            ["audit", "export", "--kind", "approval_decision_announce_failed"], in: refused.directory)
        let failedPost = try #require(
            try notPosted.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }.first?["data"])
        #expect(failedPost["approval_id"] == .string(refusedID))
        #expect(failedPost["error"] == "the server did not post it: channel_not_found")

        // Slack refuses the post with 429, and the server relays its body: the chat server's bucket is held.
        let limited = try await triage(
            announce: announce + "    channel: C0123456789", extra: servers,
            environment: ["SLACK_STANDIN_LOG": log, "SLACK_STANDIN_RATELIMITED": "1"])
        #expect(limited.triage.status == 0, "\(limited.triage.stderr)")
        let throttled = try #require(records(limited, "approval_announce_failed").first?["data"])
        #expect(throttled["error"] == "the server did not post it: ratelimited")
        #expect(throttled["throttled"] == "server:slack" && throttled["blocked_until"]?.stringValue != nil)
        #expect(limited.pending.count == 1)
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 1)

        // A server built on slack_sdk raises on that answer, and the SDK makes it a tool error: held all the same.
        let raised = try await triage(
            announce: announce + "    channel: C0123456789", extra: servers,
            environment: ["SLACK_STANDIN_LOG": log, "SLACK_STANDIN_RATELIMITED": "raise"])
        #expect(raised.triage.status == 0, "\(raised.triage.stderr)")
        let relayed = try #require(records(raised, "approval_announce_failed").first?["data"])
        #expect(relayed["error"]?.stringValue?.contains("'error': 'ratelimited'") == true, "\(relayed)")
        #expect(relayed["throttled"] == "server:slack" && relayed["blocked_until"]?.stringValue != nil)
        #expect(raised.pending.count == 1)
    }

    /// A decision taken while a Vigil holds the audit log is written, and posted to the channel, by the process that
    /// holds it: here the next triage, at its first verdict.
    @Test func aDecisionTheCommandCouldNotLogIsPostedByTheNextRun() async throws {
        let log = try CommandRunner.temporaryDirectory().appendingPathComponent("slack.jsonl").path
        let servers = Self.slackServers
        let announce = Self.slackAnnounce
        let first = try await triage(announce: announce, extra: servers, environment: ["SLACK_STANDIN_LOG": log])
        #expect(first.triage.status == 0, "\(first.triage.stderr)")
        let id = try #require(first.pending.first?["id"]?.stringValue, "\(first.triage.stderr)")

        let directory = first.directory
        let key = try AuditKey.loadOrCreate(path: directory.appendingPathComponent("vigil-audit.key").path).0
        let held = try AuditLog(path: directory.appendingPathComponent("vigil-audit.log").path, key: key)
        let denied = try await CommandRunner.vigil(
            ["guard", "deny", id, "--by", "bob", "--note", "not this user"], in: directory,
            environment: ["SLACK_STANDIN_LOG": log])
        held.close()
        #expect(
            denied.status == 0 && denied.stderr.contains("and posts it to the approvers' channel"), "\(denied.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 1)

        // The next run, with a model server of its own.
        let model = try await ScriptedModelServer(wire: .anthropic, script: Self.script)
        let configuration = directory.appendingPathComponent("vigil.yaml")
        let lines = try String(contentsOf: configuration, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        try lines.map { $0.contains("base_url:") ? "  base_url: \"\(model.baseURL)\"" : String($0) }
            .joined(separator: "\n").write(to: configuration, atomically: true, encoding: .utf8)
        let second = try await CommandRunner.vigil(
            ["triage", "alert.jsonl"], in: directory,
            environment: ["SLACK_STANDIN_LOG": log, "VIGIL_TEST_MODEL_KEY": "sk-ant-test"])
        await model.stop()
        #expect(second.status == 0, "\(second.stderr)")
        let posts = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
            try JSONParser.parse(String($0))
        }
        let decision = try #require(
            posts.first { $0["text"]?.stringValue?.hasPrefix("Vigil approval \(id) was denied by `bob`") == true },
            "\(posts)")
        #expect(decision["text"]?.stringValue?.contains("Note: `not this user`") == true)
        let export = try await CommandRunner.vigil(["audit", "export"], in: directory)
        let audit = try export.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let decided = try #require(
            audit.firstIndex { $0["kind"] == "approval_decided" && $0["data"]?["id"] == .string(id) })
        let announced = try #require(audit.firstIndex { $0["kind"] == "approval_decision_announced" })
        #expect(decided < announced)
        #expect(audit[announced]["data"]?["ts"] == decision["ts"] && audit[announced]["data"]?["decision"] == "denied")
        #expect(second.stderr.contains("approval decided and announced"), "\(second.stderr)")
    }

    /// A decision taken while a triage waits for its next alert (a quiet feed) is written to the log and posted by
    /// that triage without waiting for a verdict: it looks for decisions every two seconds. (`timeout` ends a script
    /// that hangs; the loops only wait, up to a minute each, for what the test then checks.)
    @Test(.timeLimit(.minutes(5)))  // against a hang only: CI's other suites can hold both cores for minutes
    func aDecisionDuringAQuietFeedIsPostedWithoutAVerdict() async throws {
        let model = try await ScriptedModelServer(wire: .anthropic, script: Self.script)
        let servers = Self.slackServers
        let announce = Self.slackAnnounce
        let directory = try await prepare(model: model, announce: announce, extra: servers, alerts: 1)
        let vigil = CommandRunner.vigilURL.path
        let script = """
            mkfifo feed
            '\(vigil)' triage feed > v.jsonl 2> err.txt &
            pid=$!
            exec 3<> feed
            cat alert.jsonl >&3
            i=0; while [ ! -s slack.jsonl ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
            id=$('\(vigil)' guard approvals --status pending --json | sed -n 's/.*"id":"\\([^"]*\\)".*/\\1/p' | head -1)
            '\(vigil)' guard approve "$id" --by alice > approve.txt 2>&1
            i=0; while [ "$(wc -l < slack.jsonl)" -lt 2 ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done
            wc -l < v.jsonl
            wc -l < slack.jsonl
            exec 3>&-
            wait $pid
            echo $?
            """
        let shell = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/timeout"), ["120", "/bin/sh", "-c", script], in: directory,
            environment: [
                "SLACK_STANDIN_LOG": directory.appendingPathComponent("slack.jsonl").path,
                "VIGIL_TEST_MODEL_KEY": "sk-ant-test", "VIGIL_TEST": "1",
            ])
        await model.stop()
        let err = (try? String(contentsOf: directory.appendingPathComponent("err.txt"), encoding: .utf8)) ?? ""
        let lines = shell.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // One verdict, and both posts, while the feed was still open; then the run ended well.
        #expect(lines == ["1", "2", "0"], "\(shell.stdout) \(shell.stderr) \(err)")
        let approve = (try? String(contentsOf: directory.appendingPathComponent("approve.txt"), encoding: .utf8)) ?? ""
        #expect(approve.contains("held by another Vigil process"), "\(approve)")
        let posts = try String(contentsOf: directory.appendingPathComponent("slack.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(posts.last?["text"]?.stringValue?.contains("was approved by `alice`") == true, "\(posts)")
        let export = try await CommandRunner.vigil(["audit", "export"], in: directory)
        let kinds = try export.stdout.split(separator: "\n").map { try JSONParser.parse(String($0))["kind"] }
        let verdict = try #require(kinds.firstIndex(of: "verdict"))
        let decided = try #require(kinds.firstIndex(of: "approval_decided"))
        let announced = try #require(kinds.firstIndex(of: "approval_decision_announced"))
        #expect(verdict < decided && decided < announced)
    }

    /// `vigil guard approve` posts through the chat server's tool only as a run would use it: when an integrity
    /// manifest is sealed, a tool whose definition changed since, or a changed configuration, is refused (the
    /// decision stands, and says why).
    @Test func theDecisionsPostChecksTheSealedTool() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        let log = directory.appendingPathComponent("slack.jsonl").path
        try """
        mcp:
          servers:
            - name: slack
              command: [python3, "\(Self.slackServer)"]
        guard:
          announce:
            server: slack
            tool: slack_post_message
            channel_argument: channel_id
            channel: C0123456789
        """.write(to: directory.appendingPathComponent("vigil.yaml"), atomically: true, encoding: .utf8)
        let book = try ApprovalBook(path: directory.appendingPathComponent("vigil-approvals.db").path)
        let ids = try book.requestSuspensions(
            of: ["ana.silva@meridian.example", "li.wei@meridian.example", "sam.okoro@meridian.example"])
        let sealed = try await CommandRunner.vigil(["integrity", "seal"], in: directory)
        try #require(sealed.status == 0, "\(sealed.stderr)")

        // The server now declares the channel as a number: not the tool that was sealed.
        let changed = try await CommandRunner.vigil(
            ["guard", "approve", ids[0], "--by", "alice"], in: directory,
            environment: ["SLACK_STANDIN_LOG": log, "SLACK_STANDIN_INT_CHANNEL": "1"])
        #expect(changed.status == 0 && changed.stdout.contains("\(ids[0]): approved by alice"), "\(changed.stderr)")
        #expect(
            changed.stderr.contains("tool slack_post_message of slack: its definition changed since sealing"),
            "\(changed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: log))

        let same = try await CommandRunner.vigil(
            ["guard", "approve", ids[1], "--by", "alice"], in: directory, environment: ["SLACK_STANDIN_LOG": log])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 1)

        // The configuration changed since sealing (its chat server's command could now be anything): not posted.
        let handle = try FileHandle(forWritingTo: directory.appendingPathComponent("vigil.yaml"))
        handle.seekToEndOfFile()
        handle.write(Data("\n# edited\n".utf8))
        try handle.close()
        let edited = try await CommandRunner.vigil(
            ["guard", "approve", ids[2], "--by", "alice"], in: directory, environment: ["SLACK_STANDIN_LOG": log])
        #expect(edited.status == 0 && edited.stdout.contains("\(ids[2]): approved by alice"), "\(edited.stderr)")
        #expect(edited.stderr.contains("vigil.yaml: changed since sealing"), "\(edited.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 1)
        let export = try await CommandRunner.vigil(["audit", "export"], in: directory)
        let audit = try export.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let failed = audit.filter { $0["kind"] == "approval_decision_announce_failed" }
        #expect(failed.map { $0["data"]?["approval_id"] } == [.string(ids[0]), .string(ids[2])])
        #expect(failed.first?["data"]?["error"]?.stringValue?.contains("its definition changed since sealing") == true)
        #expect(failed.allSatisfy { $0["data"]?["decision"] == "approved" })
        #expect(
            audit.filter { $0["kind"] == "approval_decision_announced" }.map { $0["data"]?["approval_id"] }
                == [.string(ids[1])])
    }

    /// A chat server stuck in a call (it never answers and ignores SIGTERM): the post is given up at the timeout and
    /// audited with where it was to go, the run still ends (the server is killed after SIGTERM's grace), and the
    /// request waits in `vigil guard approvals`. A server whose tool declares the channel as a number is refused at
    /// start.
    @Test(.timeLimit(.minutes(5)))  // against a hang only: CI's other suites can hold both cores for minutes
    func aStuckChatServerDoesNotHoldTheRun() async throws {
        let servers = Self.slackServers
        let announce =
            "    server: slack\n    tool: slack_post_message\n    channel_argument: channel_id\n    channel: C0123456789\n    timeout: 1"
        // Through a wrapper, as `npx` runs a server: the stuck server is the wrapper's child, and is killed too.
        let marker = "stuck-\(UInt32.random(in: 0...UInt32.max))"
        let wrapped = """
            mcp:
              servers:
                - name: slack
                  command: [sh, -c, "python3 '\(Self.slackServer)' \(marker); true"]
            """
        let run = try await triage(announce: announce, extra: wrapped, environment: ["SLACK_STANDIN_HANG": "1"])
        #expect(run.triage.status == 0, "\(run.triage.stderr)")
        var left = true
        for _ in 0..<50 where left {
            left = try await CommandRunner.run(URL(fileURLWithPath: "/usr/bin/pgrep"), ["-f", marker]).status == 0
            if left { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!left, "the stuck chat server behind its wrapper is still running")
        #expect(run.pending.count == 1)
        let failure = try #require(records(run, "approval_announce_failed").first?["data"], "\(run.triage.stderr)")
        #expect(failure["error"]?.stringValue?.contains("timed out after 1.0 s") == true, "\(failure)")
        #expect(failure["server"] == "slack" && failure["tool"] == "slack_post_message")
        #expect(failure["channel"] == "C0123456789")
        #expect(run.triage.stderr.contains("approval request not announced"), "\(run.triage.stderr)")

        let typed = try await triage(
            announce: announce, extra: servers, environment: ["SLACK_STANDIN_INT_CHANNEL": "1"])
        #expect(typed.triage.status == 78, "\(typed.triage.stderr)")
        #expect(
            typed.triage.stderr.contains(
                "guard.announce.channel_argument: slack.slack_post_message takes channel_id as integer, not as text"),
            "\(typed.triage.stderr)")
    }

    /// A tool that takes the channel under another name, or requires more than the two arguments, is refused at
    /// start, naming the key and what the tool takes.
    @Test func aToolThatCannotTakeTheAnnouncementIsRefusedAtStart() async throws {
        let run = try await triage(
            announce: "    server: chat\n    channel_argument: channel_id",
            extra: Self.chatServer(allowWrite: true))
        #expect(run.triage.status == 78, "\(run.triage.status) \(run.triage.stderr)")
        #expect(
            run.triage.stderr.contains(
                "guard.announce.channel_argument: chat.post_message takes no argument channel_id (it takes channel, text)"
            ),
            "\(run.triage.stderr)")
        let required = try await triage(
            announce:
                "    server: chat\n    tool: request_approval\n    channel_argument: approvers\n    text_argument: action",
            extra: Self.chatServer(allowWrite: true))
        #expect(required.triage.status == 78, "\(required.triage.stderr)")
        #expect(
            required.triage.stderr.contains(
                "guard.announce.tool: chat.request_approval also requires reason, which an announcement cannot give"),
            "\(required.triage.stderr)")
    }
}

/// What a chat server's answer says of a post: Slack's own answer (structured, or relayed as text), its failures,
/// and an answer that says nothing.
@Suite struct ChatAnswerTests {
    @Test func slackAnswersConfirmThePost() throws {
        let slack: JSONValue = [
            "ok": true, "channel": "C0123456789", "ts": "1767225600.000100",
            "message": ["text": "…", "ts": "1767225600.000100"],
        ]
        let structured = try ApprovalAnnouncer.confirmation(of: slack, text: "")
        #expect(structured == ["ts": "1767225600.000100", "channel_id": "C0123456789", "confirmed": true])
        let relayed = try ApprovalAnnouncer.confirmation(of: nil, text: slack.serialized())
        #expect(relayed == structured)
        let nested = try ApprovalAnnouncer.confirmation(of: ["message": ["ts": "1.2"]], text: "")
        #expect(nested["ts"] == "1.2" && nested["confirmed"] == true)
    }

    @Test func slackFailuresAreFailures() throws {
        #expect(throws: ApprovalAnnouncer.Failure("the server did not post it: channel_not_found")) {
            try ApprovalAnnouncer.confirmation(of: nil, text: #"{"ok":false,"error":"channel_not_found"}"#)
        }
        #expect(throws: ApprovalAnnouncer.Failure("the server did not post it: not_in_channel")) {
            try ApprovalAnnouncer.confirmation(of: ["error": "not_in_channel"], text: "")
        }
        #expect(throws: ApprovalAnnouncer.Failure("the server did not post it: no reason given")) {
            try ApprovalAnnouncer.confirmation(of: ["ok": false], text: "")
        }
        // Slack's 429 body, relayed: a throttling failure (the Guard then holds the server's bucket).
        do {
            _ = try ApprovalAnnouncer.confirmation(of: nil, text: #"{"ok":false,"error":"ratelimited"}"#)
            Issue.record("ratelimited must fail")
        } catch {
            #expect(error.description == "the server did not post it: ratelimited")
            #expect(error.isThrottling && error.refusedUnprocessed && error.retryAfter == nil)
        }
        do {
            _ = try ApprovalAnnouncer.confirmation(
                of: ["ok": false, "error": "ratelimited", "retry_after": 12], text: "")
            Issue.record("ratelimited must fail")
        } catch {
            #expect(error.isThrottling && error.retryAfter == "12")
        }
        do {
            _ = try ApprovalAnnouncer.confirmation(of: nil, text: #"{"ok":false,"error":"channel_not_found"}"#)
        } catch {
            #expect(!error.isThrottling)
        }
    }

    /// Answers as other servers give them: a null or empty `error` beside success is no failure; a server that
    /// wraps Slack's answer in `{"result": "…"}` is read through the wrapping; a numeric `ts` counts.
    @Test func otherServersAnswersAreReadForWhatTheySay() throws {
        #expect(
            try ApprovalAnnouncer.confirmation(of: ["success": true, "error": .null], text: "sent")
                == ["confirmed": false, "answer": "sent"])
        #expect(try ApprovalAnnouncer.confirmation(of: ["ok": true, "error": ""], text: "") == ["confirmed": true])
        let wrapped: JSONValue = ["result": .string(#"{"ok":false,"error":"not_in_channel"}"#)]
        #expect(throws: ApprovalAnnouncer.Failure("the server did not post it: not_in_channel")) {
            try ApprovalAnnouncer.confirmation(of: wrapped, text: "")
        }
        #expect(throws: ApprovalAnnouncer.Failure("the server did not post it: not_in_channel")) {
            try ApprovalAnnouncer.confirmation(of: nil, text: wrapped.serialized())
        }
        let wrappedOK: JSONValue = ["result": .string(#"{"ok":true,"channel":"C0X","ts":"1.5"}"#)]
        #expect(
            try ApprovalAnnouncer.confirmation(of: wrappedOK, text: "")
                == ["ts": "1.5", "channel_id": "C0X", "confirmed": true])
        #expect(try ApprovalAnnouncer.confirmation(of: ["ts": 1767225600], text: "")["ts"] == "1767225600")
        #expect(throws: ApprovalAnnouncer.Failure(#"the server did not post it: {"code":403}"#)) {
            try ApprovalAnnouncer.confirmation(of: ["error": ["code": 403]], text: "")
        }
    }

    /// The deadline covers the whole post: a server that never answers is given up on at the deadline, and a caller
    /// cancelled (Vigil stopping) stops waiting at once, even for work that ignores cancellation.
    @Test(.timeLimit(.minutes(5)))  // against a hang only: CI's other suites can hold both cores for minutes
    func aPostHasADeadlineAndStopsWithItsCaller() async throws {
        await #expect(throws: ApprovalAnnouncer.Failure("chat.post: no answer within 0.2 s")) {
            try await ApprovalAnnouncer.within(seconds: 0.2, what: "chat.post") {
                try await Task.sleep(for: .seconds(3_600))
                return 1
            }
        }
        let caller = Task {
            try await ApprovalAnnouncer.within(seconds: 3_000, what: "chat.post") {
                // Awaiting a detached task's value does not pass cancellation on: this work ignores it.
                await Task.detached { try? await Task.sleep(for: .seconds(3_600)) }.value
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(try await ApprovalAnnouncer.within(seconds: 5, what: "chat.post") { 42 } == 42)
    }

    /// A chat server that refuses a post to slow Vigil down (HTTP 429 with a Retry-After) is told apart from other
    /// failures: the Guard then holds that server's rate-limit bucket, as it does after an agent's call.
    @Test func aThrottledPostSaysSo() async throws {
        let approval = try ApprovalBook().request(
            agent: "forensics", tier: "tier3", caseID: "case-1", tool: "cloud.isolate_instance",
            arguments: ["instance": "i-0abc"], rule: "destructive-needs-approval", reason: "destructive"
        ).approval
        let refusal = HTTPStatusError(status: 429, body: "ratelimited", retryAfter: "30")
        let throttled = ApprovalAnnouncer(
            server: "collaboration", channel: "#security", route: .lab { _, _ in throw refusal })
        do {
            _ = try await throttled.announce(approval)
            Issue.record("a refused post must fail")
        } catch {
            #expect(error.isThrottling && error.retryAfter == "30" && error.refusedUnprocessed)
            #expect(error.description == "HTTP 429 (Retry-After: 30): ratelimited")
            #expect(error.auditFields["channel"] == "#security")
        }
        let down = ApprovalAnnouncer(
            server: "collaboration", channel: "#security",
            route: .lab { _, _ in throw HTTPStatusError(status: 502, body: "bad gateway") })
        do {
            _ = try await down.announce(approval)
            Issue.record("a failed post must fail")
        } catch {
            #expect(!error.isThrottling && error.retryAfter == nil)
        }
    }

    /// An answer that neither confirms nor refuses ("Message sent") is kept, cleaned, as unconfirmed.
    @Test func anAnswerThatSaysNothingIsUnconfirmed() throws {
        let answer = try ApprovalAnnouncer.confirmation(of: nil, text: "Message sent\n\u{1B}[31mto #security")
        #expect(answer == ["confirmed": false, "answer": "Message sent  [31mto #security"])
    }

    /// Errors reach a terminal and the audit log on one line, without control characters, cut at 300 scalars.
    @Test func failuresAreCleaned() {
        let failure = ApprovalAnnouncer.Failure("bad\r\n\u{1B}[2Jgateway\u{202E}" + String(repeating: "x", count: 500))
        #expect(!failure.description.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{202E}" })
        #expect(failure.description.hasPrefix("bad   [2Jgateway "))
        #expect(failure.description.unicodeScalars.count == 301 && failure.description.hasSuffix("…"))
    }
}
