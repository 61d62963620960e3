import VigilCore
import VigilGuard
import VigilMCP

/// Posts each new approval request to a chat channel (`guard.announce`), for the Guard's `announce` hook.
///
/// The post is Vigil's own doing, not an agent's: it does not pass the policy (it would otherwise need an approval
/// of its own) and needs no write grant on the server; the audit log records it (`approval_announced`) or why it
/// failed (`approval_announce_failed`). The message is `ApprovalAnnouncement.text`, whose parts from the agents
/// are made inert.
public struct ApprovalAnnouncer: Sendable {
    /// Where the message goes.
    public enum Route: Sendable {
        /// The lab's collaboration platform (Vigil's own `collaboration` server simulates a chat no person reads),
        /// posted to as its `post_message` tool does: `(channel, text)` to `{"channel", "ts", "text"}`.
        case lab(@Sendable (String, String) async throws -> JSONObject)
        /// A tool of a connected MCP server (a real chat), called with the channel and the text under the argument
        /// names it takes.
        case tool(
            MCPConnection, name: String, channelArgument: String, textArgument: String, timeoutSeconds: Double)
    }

    /// Why a post failed, made fit for a log line: on one line, without control characters, cut.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String

        public init(_ description: String) { self.description = Self.clean(description) }

        static func clean(_ text: String) -> String {
            var flat = String(
                String.UnicodeScalarView(
                    text.unicodeScalars.map { scalar in
                        switch scalar.properties.generalCategory {
                        case .control, .format, .lineSeparator, .paragraphSeparator: " "
                        default: scalar
                        }
                    }))
            if flat.unicodeScalars.count > 300 {
                flat = String(String.UnicodeScalarView(flat.unicodeScalars.prefix(300))) + "…"
            }
            return flat
        }
    }

    public let server: String
    public let channel: String
    public let route: Route

    public init(server: String, channel: String, route: Route) {
        self.server = server
        self.channel = channel
        self.route = route
    }

    /// Posts the request; returns what the audit log keeps of the post. Every failure is a `Failure`.
    public func announce(_ approval: Approval) async throws(Failure) -> JSONObject {
        let text = ApprovalAnnouncement.text(for: approval)
        var record: JSONObject = ["server": .string(server), "channel": .string(channel)]
        do {
            switch route {
            case .lab(let post):
                record["tool"] = "post_message"
                record["simulated"] = true
                let answer = try await post(channel, text)
                for (key, value) in try Self.confirmation(of: .object(answer), text: "") { record[key] = value }
            case .tool(let connection, let name, let channelArgument, let textArgument, let timeout):
                record["tool"] = .string(name)
                let outcome = try await connection.callTool(
                    name, arguments: [channelArgument: .string(channel), textArgument: .string(text)],
                    timeout: timeout)
                if outcome.isError { throw Failure("\(server).\(name) answered with an error: \(outcome.text)") }
                for (key, value) in try Self.confirmation(of: outcome.structured, text: outcome.text) {
                    record[key] = value
                }
            }
        } catch let failure as Failure {
            throw failure
        } catch is CancellationError {
            throw Failure("not posted: Vigil stopped before the post was done")
        } catch {
            throw Failure(String(describing: error))
        }
        record["text_sha256"] = .string(AuditRecord.hexDigest(Array(text.utf8)))
        return record
    }

    /// What a chat server's answer says of the post, read from its structured content or, failing that, from its
    /// text as JSON (Slack's `chat.postMessage` answer relayed as text): the message's `ts` and the channel id when
    /// it names them, `confirmed` when it has a `ts` or `"ok": true`. An answer with `"ok": false` (Slack's way of
    /// failing, `channel_not_found`) or only an `error` is a failure; one that says neither is posted unconfirmed,
    /// with its text kept.
    static func confirmation(of structured: JSONValue?, text: String) throws(Failure) -> JSONObject {
        let answer: JSONValue? = structured ?? (try? JSONParser.parse(text))
        var record: JSONObject = [:]
        let ts = answer?["ts"]?.stringValue ?? answer?["message"]?["ts"]?.stringValue
        let ok = answer?["ok"]?.boolValue
        if ok == false || (ts == nil && answer?["error"] != nil) {
            let error = answer?["error"]?.stringValue ?? answer?["error"].map { $0.serialized() } ?? "no reason given"
            throw Failure("the server did not post it: \(error)")
        }
        if let ts { record["ts"] = .string(ts) }
        if let id = answer?["channel"]?.stringValue { record["channel_id"] = .string(id) }
        record["confirmed"] = .bool(ts != nil || ok == true)
        if ts == nil && ok != true { record["answer"] = .string(Failure.clean(text)) }
        return record
    }
}
