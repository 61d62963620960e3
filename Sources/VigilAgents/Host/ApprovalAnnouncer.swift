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
        /// Vigil's own collaboration platform (the lab's), posted to as its `post_message` tool does: `(channel,
        /// text)` to `{"channel", "ts", "text"}`.
        case platform(@Sendable (String, String) async throws -> JSONObject)
        /// A tool of a connected MCP server, called with `{"channel", "text"}` (a third-party chat server).
        case tool(MCPConnection, name: String, timeoutSeconds: Double)
    }

    /// Why a post failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let server: String
    public let channel: String
    public let route: Route

    public init(server: String, channel: String, route: Route) {
        self.server = server
        self.channel = channel
        self.route = route
    }

    /// Posts the request; returns what the audit log keeps of the post.
    public func announce(_ approval: Approval) async throws -> JSONObject {
        let text = ApprovalAnnouncement.text(for: approval)
        var record: JSONObject = ["server": .string(server), "channel": .string(channel)]
        let answer: JSONValue?
        switch route {
        case .platform(let post):
            record["tool"] = "post_message"
            answer = .object(try await post(channel, text))
        case .tool(let connection, let name, let timeout):
            record["tool"] = .string(name)
            let outcome = try await connection.callTool(
                name, arguments: ["channel": .string(channel), "text": .string(text)], timeout: timeout)
            if outcome.isError {
                throw Failure(description: "\(server).\(name) answered with an error: \(Self.clipped(outcome.text))")
            }
            answer = outcome.structured
        }
        // The message's id and the channel's, when the server names them (Slack's `ts` and channel id).
        if let ts = answer?["ts"]?.stringValue { record["ts"] = .string(ts) }
        if let id = answer?["channel"]?.stringValue { record["channel_id"] = .string(id) }
        record["text_sha256"] = .string(AuditRecord.hexDigest(Array(text.utf8)))
        return record
    }

    /// A server's error text, cut for the audit record.
    static func clipped(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 300 ? String(flat.prefix(300)) + "…" : flat
    }
}
