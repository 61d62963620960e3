import Foundation
import VigilCore

/// A vendor's "slow down" that reached Vigil inside a tool's result instead of as an HTTP status: an MCP server that
/// wraps a vendor API relays the vendor's refusal as its answer. The reference Slack server answers with Slack's
/// body, `{"ok": false, "error": "ratelimited"}`, as an ordinary result; servers built on an SDK that raises on a
/// vendor error answer with a tool error whose text carries it ("The server responded with: {'ok': False, 'error':
/// 'ratelimited'}", "429 Too Many Requests", "API rate limit exceeded"). The Guard holds the server's bucket on
/// either, as after an HTTP 429, so that the next calls wait instead of being refused by the vendor in turn.
///
/// What is read, and only this:
/// - any result whose JSON (structured content, the text read as JSON, or either inside `{"result": "…"}`) is an
///   object with `"ok": false` and `"error": "ratelimited"` (Slack's code);
/// - a tool error whose text says `ratelimited`, `rate limited`, `rate limit exceeded`, `too many requests`, or
///   names status 429 (`HTTP 429`, `status 429`, `status code: 429`, `code 429`, `error 429`, `429 Too Many`).
///
/// A hint of when to retry (`Retry-After: 12`, `"retry_after": 12`, `retry after 12 s`) is taken, in whole seconds
/// and at most `maxRetryAfterSeconds`: the text is the server's relay of it, and parts of an error's text may echo
/// what a call was given. Without one the bucket is held for the limiter's default (30 s).
public struct RelayedThrottling: ThrottlingError, Sendable, Equatable {
    /// What was read that says so, for the audit record (`slack: ratelimited`, `HTTP 429`, …).
    public var evidence: String
    /// The relayed hint of when to retry, in seconds, when the answer had one.
    public var retryAfter: String?

    public var isThrottling: Bool { true }
    /// Never: a relay is not the vendor's own answer, so an approval the call used is not given back (the call may
    /// have been done before the server's error, and an approval is for one run).
    public var refusedUnprocessed: Bool { false }

    /// The longest wait a relayed hint can ask for, in seconds.
    public static let maxRetryAfterSeconds: Int64 = 300

    public init(evidence: String, retryAfter: String? = nil) {
        self.evidence = evidence
        self.retryAfter = retryAfter
    }

    /// What `content` (a tool's result: its structured content, or its text) relays of a vendor's throttling, or nil.
    /// Text is read for it only when the tool answered with an error: an ordinary result may quote any words.
    public static func read(_ content: JSONValue, isError: Bool) -> RelayedThrottling? {
        if let body = slackBody(content) { return body }
        guard isError else { return nil }
        let text = content.stringValue ?? content.serialized()
        return fromText(text)
    }

    /// Slack's refusal, `{"ok": false, "error": "ratelimited"}`, as the content or in its text read as JSON, also
    /// inside `{"result": "…"}`.
    static func slackBody(_ content: JSONValue) -> RelayedThrottling? {
        var candidate: JSONValue? = content
        for _ in 0..<3 {
            guard let value = candidate else { return nil }
            if let text = value.stringValue {
                // Parsed only when it could be Slack's refusal: most answers are JSON text, and every call's
                // answer passes here.
                guard text.utf8.first == UInt8(ascii: "{"), text.utf8.count <= 65_536, text.contains("ratelimited")
                else { return nil }
                candidate = try? JSONParser.parse(text)
                continue
            }
            guard case .object(let object) = value else { return nil }
            if object["ok"]?.boolValue == false, object["error"]?.stringValue == "ratelimited" {
                return RelayedThrottling(
                    evidence: "slack: ratelimited",
                    retryAfter: hint(object["retry_after"] ?? object["retryAfter"] ?? object["Retry-After"]))
            }
            candidate = object["result"]
        }
        return nil
    }

    /// What a tool error's text says of throttling.
    static func fromText(_ text: String) -> RelayedThrottling? {
        // Long texts are read at their start: a relayed refusal is short, and the scan stays cheap.
        let lowered = String(text.prefix(4096)).lowercased()
        let evidence: String?
        if (try? slackCode.firstMatch(in: lowered)) != nil {
            evidence = "ratelimited"
        } else if (try? status429.firstMatch(in: lowered)) != nil {
            evidence = "HTTP 429"
        } else if lowered.contains("too many requests") {
            evidence = "too many requests"
        } else if (try? rateLimited.firstMatch(in: lowered)) != nil {
            evidence = "rate limited"
        } else {
            evidence = nil
        }
        guard let evidence else { return nil }
        let match = try? retryHint.firstMatch(in: lowered)
        return RelayedThrottling(evidence: evidence, retryAfter: match.flatMap { hint(.string(String($0.output.1))) })
    }

    /// A hint in whole seconds, capped; nil for anything else (an HTTP date is not taken from a relay).
    static func hint(_ value: JSONValue?) -> String? {
        let seconds: Int64? =
            switch value {
            case .int(let number)?: number
            case .double(let number)? where number.isFinite && number >= 0: Int64(min(number.rounded(.up), 1e9))
            case .string(let text)?: Int64(text.trimmingCharacters(in: .whitespaces))
            default: nil
            }
        guard let seconds, seconds >= 0 else { return nil }
        return String(min(seconds, maxRetryAfterSeconds))
    }

    // Slack's error code, as a word of its own (`'error': 'ratelimited'`, `error: ratelimited`).
    nonisolated(unsafe) private static let slackCode = #/(?:^|[^a-z0-9_])ratelimited(?![a-z0-9_])/#
    // Status 429 named as such, not any 429 (an address, a count).
    nonisolated(unsafe) private static let status429 =
        #/(?:\bhttp(?:/[0-9.]+)?|\bstatus(?:[ _]?code)?|\bcode|\berror|\bresponse)[\s:="'(]{0,4}429(?![0-9])|(?:^|[^0-9.])429[\s:-]{1,3}too many/#
    nonisolated(unsafe) private static let rateLimited = #/\brate[ _-]?limit(?:ed|[ _-]?exceeded)\b/#
    nonisolated(unsafe) private static let retryHint =
        #/retry[ _-]?after["']?\s*[:=]?\s*["']?([0-9]{1,9})(?![0-9.])/#
}
