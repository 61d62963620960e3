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
/// A hint of when to retry (`Retry-After: 12`, `"retry_after": 12`, `retry after 12 s`, `retry after 2 minutes`) is
/// taken, in whole seconds and at most `maxRetryAfterSeconds`. Without one the bucket is held for the limiter's
/// default (30 s).
///
/// An error's text often repeats what the call was given (`user 'x' not found`), and what a call is given may come
/// from an attacker's alert: the text is read with the call's own string arguments taken out (`echoing`), so that
/// no argument can make Vigil hold a server's bucket.
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
    public static let maxRetryAfterSeconds: Int64 = RateLimiter.maxHoldSeconds

    public init(evidence: String, retryAfter: String? = nil) {
        self.evidence = evidence
        self.retryAfter = retryAfter
    }

    /// What `content` (a tool's result: its structured content, or its text) relays of a vendor's throttling, or nil.
    /// Text is read for it only when the tool answered with an error: an ordinary result may quote any words.
    /// `echoing` are the call's arguments, whose strings are not read as the server's words.
    public static func read(
        _ content: JSONValue, isError: Bool, echoing arguments: JSONObject = [:]
    ) -> RelayedThrottling? {
        let echoed = strings(in: .object(arguments))
        // Slack's body is not taken from a call whose own arguments could have spelt it.
        if !echoed.contains(where: { $0.contains("ratelimited") }), let body = slackBody(content) { return body }
        guard isError else { return nil }
        var text = String((content.stringValue ?? content.serialized()).prefix(4096)).lowercased()
        // Longest first, so that an argument inside another is not taken out of it first; one of one or two
        // characters cannot spell any of what is read, and taking it out would cut the server's own words.
        for argument in echoed.map({ $0.lowercased() }).sorted(by: { $0.count > $1.count }) where argument.count >= 3 {
            text = text.replacingOccurrences(of: argument, with: " ")
        }
        return fromText(text)
    }

    /// Every string in `value`, keys excepted.
    static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): [text]
        case .array(let items): items.flatMap(strings)
        case .object(let object): object.values.flatMap(strings)
        default: []
        }
    }

    /// Slack's refusal, `{"ok": false, "error": "ratelimited"}`, as the content or in its text read as JSON, also
    /// inside `{"result": "…"}`.
    static func slackBody(_ content: JSONValue) -> RelayedThrottling? {
        var candidate: JSONValue? = content
        // Text, parsed; the object; the text of its `result`, parsed; that object.
        for _ in 0..<4 {
            guard let value = candidate else { return nil }
            if let text = value.stringValue {
                // Parsed only when it could be Slack's refusal: most answers are JSON text, and every call's
                // answer passes here.
                guard text.utf8.count <= 65_536,
                    text.utf8.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{"),
                    text.contains("ratelimited")
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

    /// What a tool error's text (lowercased, its start: a relayed refusal is short) says of throttling.
    static func fromText(_ lowered: String) -> RelayedThrottling? {
        let evidence: String?
        if (try? slackCode.firstMatch(in: lowered)) != nil {
            evidence = "ratelimited"
        } else if (try? status429.firstMatch(in: lowered)) != nil {
            evidence = "HTTP 429"
        } else if (try? tooMany.firstMatch(in: lowered)) != nil {
            evidence = "too many requests"
        } else if (try? rateLimited.firstMatch(in: lowered)) != nil {
            evidence = "rate limited"
        } else {
            evidence = nil
        }
        guard let evidence else { return nil }
        var seconds: String?
        if let match = try? retryHint.firstMatch(in: lowered), let number = Int64(match.output.1) {
            let unit = match.output.2.map(String.init) ?? ""
            // At most nine digits: no unit can overflow.
            let scaled: Int64 =
                if unit.hasPrefix("ms") || unit.hasPrefix("milli") {
                    (number + 999) / 1000
                } else if unit.hasPrefix("m") {
                    number * 60
                } else if unit.hasPrefix("h") {
                    number * 3600
                } else {
                    number
                }
            seconds = hint(.int(scaled))
        }
        return RelayedThrottling(evidence: evidence, retryAfter: seconds)
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
        #/(?:\bhttp(?:/[0-9.]+)?|\bstatus(?:[ _]?code)?|\bcode|\berror)[\s:="'(]{0,4}429(?![0-9.])|(?:^|[^0-9.])429[\s:-]{1,3}too many|too many 429\b/#
    // "too many requests", `TooManyRequests` (Microsoft Graph), `TooManyRequestsException` (AWS).
    nonisolated(unsafe) private static let tooMany = #/too[ _-]?many[ _-]?requests/#
    // "rate limited", "rate limit exceeded", GitHub's "exceeded a secondary rate limit".
    nonisolated(unsafe) private static let rateLimited =
        #/\brate[ _-]?limit(?:ed|[ _-]?exceeded)\b|\bexceeded (?:a |the |your )?(?:secondary |primary )?rate[ _-]?limit/#
    nonisolated(unsafe) private static let retryHint =
        #/retry[ _-]?after["']?\s*[:=]?\s*["']?([0-9]{1,9})(?![0-9.])\s*(ms\b|millisecond|s\b|sec|min|m\b|h\b|hour)?/#
}
