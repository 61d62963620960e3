import Synchronization
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

    /// Why a post failed, made fit for a log line: on one line, without control characters, cut. A chat server that
    /// refused the post to slow Vigil down (HTTP 429, or 503 with a Retry-After) says so here, and the Guard holds
    /// that server's rate-limit bucket as it would after a call.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible, Guard.AuditDescribed,
        ThrottlingError
    {
        public var description: String
        public var isThrottling = false
        public var retryAfter: String?
        public var refusedUnprocessed = false
        /// Where the post was to go (server, tool, channel), for the audit record.
        public var auditFields: JSONObject = [:]
        /// `approval_not_announced` when announcements are off; nil for the failure kind of what was posted
        /// (`approval_announce_failed`, `approval_decision_announce_failed`).
        public var auditKind: String?

        public init(_ description: String) { self.description = Self.clean(description) }

        public static func == (a: Failure, b: Failure) -> Bool { a.description == b.description }

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
        try await post(ApprovalAnnouncement.text(for: approval))
    }

    /// Posts what a person decided on the request (`ApprovalAnnouncement.decisionText`), as `announce` posts it.
    public func announceDecision(_ approval: Approval) async throws(Failure) -> JSONObject {
        try await post(ApprovalAnnouncement.decisionText(for: approval))
    }

    private func post(_ text: String) async throws(Failure) -> JSONObject {
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
                let arguments: JSONObject = [channelArgument: .string(channel), textArgument: .string(text)]
                // The connection's own timeout starts once the request is sent, and sending to a Streamable HTTP
                // server waits for its answer: the whole post gets a deadline here too, a second later.
                let outcome = try await Self.within(seconds: timeout + 1, what: "\(server).\(name)") {
                    try await connection.callTool(name, arguments: arguments, timeout: timeout)
                }
                if outcome.isError {
                    var failure = Failure("\(server).\(name) answered with an error: \(outcome.text)")
                    // The vendor's "slow down", relayed in the error (a server built on an SDK that raises on it).
                    if let relayed = RelayedThrottling.read(.string(outcome.text), isError: true, echoing: arguments)
                        ?? outcome.structured.flatMap({
                            RelayedThrottling.read($0, isError: true, echoing: arguments)
                        })
                    {
                        failure.isThrottling = true
                        failure.retryAfter = relayed.retryAfter
                    }
                    throw failure
                }
                for (key, value) in try Self.confirmation(of: outcome.structured, text: outcome.text) {
                    record[key] = value
                }
            }
        } catch {
            var failure: Failure
            if let known = error as? Failure {
                failure = known
            } else if error is CancellationError || Task.isCancelled {
                failure = Failure(Self.unknownOutcome)
            } else {
                failure = Failure(String(describing: error))
            }
            if let throttling = error as? any ThrottlingError, throttling.isThrottling {
                failure.isThrottling = true
                failure.retryAfter = throttling.retryAfter
                failure.refusedUnprocessed = throttling.refusedUnprocessed
            }
            failure.auditFields = record
            throw failure
        }
        record["text_sha256"] = .string(AuditRecord.hexDigest(Array(text.utf8)))
        return record
    }

    /// Why a request was not announced when announcements are off (`guard.announce.server: ""`).
    public static let off = "not announced: announcements are off (guard.announce.server is empty)"

    static let unknownOutcome =
        "outcome unknown: Vigil stopped before the server answered (the message may have been posted)"

    /// `work`'s result, or a `Failure` once `seconds` have passed (`Deadline`).
    static func within<T: Sendable>(
        seconds: Double, what: String, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await Deadline.run(
            seconds: seconds, late: { Failure("\(what): no answer within \(seconds.formatted) s") }, work)
    }

    /// What a chat server's answer says of the post, read from its structured content or, failing that, from its
    /// text as JSON (Slack's `chat.postMessage` answer relayed as text): the message's `ts` and the channel id when
    /// it names them, `confirmed` when it has a `ts` or `"ok": true`. An answer with `"ok": false` (Slack's way of
    /// failing, `channel_not_found`) or only an `error` is a failure; one that says neither is posted unconfirmed,
    /// with its text kept.
    static func confirmation(of structured: JSONValue?, text: String) throws(Failure) -> JSONObject {
        /// Whether `value` says anything of a post.
        func speaks(_ value: JSONValue?) -> Bool {
            value?["ok"] != nil || value?["ts"] != nil || value?["message"]?["ts"] != nil || value?["error"] != nil
        }
        // What says something of the post: the structured content, else the text read as JSON; either may wrap it
        // in `{"result": "…"}` (servers whose tools return a string).
        func unwrapped(_ value: JSONValue?) -> JSONValue? {
            guard let value, !speaks(value), let inner = value["result"]?.stringValue else { return value }
            return try? JSONParser.parse(inner)
        }
        var answer = unwrapped(structured)
        if !speaks(answer), let parsed = unwrapped(try? JSONParser.parse(text)), speaks(parsed) { answer = parsed }
        func string(_ value: JSONValue?) -> String? {
            switch value {
            case .string(let text)?: text.isEmpty ? nil : text
            case .int(let number)?: String(number)
            case .double(let number)?: String(number)
            default: nil
            }
        }
        let ts = string(answer?["ts"]) ?? string(answer?["message"]?["ts"])
        let ok = answer?["ok"]?.boolValue
        let error: String? =
            switch answer?["error"] {
            case .string(let text)? where !text.isEmpty: text
            case .object(let object)? where !object.isEmpty: JSONValue.object(object).serialized()
            default: nil
            }
        if ok == false || (ok != true && ts == nil && error != nil) {
            var failure = Failure("the server did not post it: \(error ?? "no reason given")")
            // Slack's answer to a 429, relayed as the body alone (the reference Slack server does): Slack did not
            // post it and wants Vigil to slow down; the Retry-After header did not come with it (a hint in the body,
            // `retry_after`, is taken).
            if let answer, let relayed = RelayedThrottling.read(answer, isError: false) {
                failure.isThrottling = true
                failure.retryAfter = relayed.retryAfter
                failure.refusedUnprocessed = true
            }
            throw failure
        }
        var record: JSONObject = [:]
        if let ts { record["ts"] = .string(ts) }
        if let id = answer?["channel"]?.stringValue { record["channel_id"] = .string(id) }
        record["confirmed"] = .bool(ts != nil || ok == true)
        if ts == nil && ok != true { record["answer"] = .string(Failure.clean(text)) }
        return record
    }

}

extension Double {
    /// `10` for 10.0, `0.5` for 0.5.
    fileprivate var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}
