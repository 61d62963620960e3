import Testing
import VigilCore
import VigilTesting

@testable import VigilGuard

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test func aBurstPassesThenCallersBookTheirTurn() {
        let clock = FakeClock()
        let limiter = RateLimiter(
            limits: ["server:identity": .init(ratePerSecond: 2, burst: 3)],
            default: .init(ratePerSecond: 100, burst: 100),
            clock: clock)
        let first = (0..<5).map { _ in limiter.reserve("server:identity") }
        #expect(first.prefix(3).allSatisfy { $0.decision == .allowed })
        // The fourth and fifth book the next tokens: each waits for its own, in order.
        #expect(first[3].decision == .wait(milliseconds: 500, reason: .rate))
        #expect(first[4].decision == .wait(milliseconds: 1000, reason: .rate))
        #expect(
            limiter.levels.first { $0.key == "server:identity" }.map { ($0.tokens, $0.queued) } ?? (-1, -1) == (0, 2))
        // The fifth gives up: its token goes back.
        limiter.release("server:identity", generation: first[4].generation)
        clock.advance(seconds: 1)  // two tokens more: one the fourth booked, one free
        #expect(limiter.reserve("server:identity").decision == .allowed)
        #expect(limiter.reserve("server:identity").decision == .wait(milliseconds: 500, reason: .rate))
        // Another key has its own (default) bucket.
        #expect(limiter.reserve("server:siem").decision == .allowed)
    }

    @Test func aVendorRetryAfterBlocksTheKeyAndVoidsBookings() {
        let clock = FakeClock()
        let limiter = RateLimiter(default: .init(ratePerSecond: 50, burst: 1), clock: clock)
        #expect(limiter.reserve("server:ti").decision == .allowed)
        let booked = limiter.reserve("server:ti")
        #expect(booked.decision == .wait(milliseconds: 20, reason: .rate))
        #expect(limiter.stillBooked("server:ti", generation: booked.generation))
        limiter.throttled("server:ti", retryAfter: "7")
        // The booking made before the server's answer no longer holds, and giving it back gives nothing.
        #expect(!limiter.stillBooked("server:ti", generation: booked.generation))
        limiter.release("server:ti", generation: booked.generation)
        #expect(limiter.reserve("server:ti").decision == .wait(milliseconds: 7000, reason: .retryAfter))
        let level = limiter.levels.first { $0.key == "server:ti" }
        #expect(level?.blockedUntil == clock.now().adding(seconds: 7))
        // A shorter Retry-After does not cut a longer block short.
        limiter.throttled("server:ti", retryAfter: "2")
        #expect(limiter.levels.first { $0.key == "server:ti" }?.blockedUntil == clock.now().adding(seconds: 7))
        // When it ends the bucket starts empty (nothing refilled during the block), then refills at its rate.
        clock.advance(seconds: 7)
        #expect(limiter.reserve("server:ti").decision == .wait(milliseconds: 20, reason: .rate))
        clock.advance(seconds: 1)
        #expect(limiter.reserve("server:ti").decision == .allowed)
        // However long a server asks for (a number too large to count in milliseconds, a date years ahead), the
        // bucket is held five minutes at most: one server cannot hold it, or its vendor's, for good.
        for asked in ["10000000000000000", "999999999", "Wed, 16 Aug 2058 01:10:45 GMT"] {
            limiter.throttled("server:ti", retryAfter: asked)
            #expect(
                limiter.levels.first { $0.key == "server:ti" }?.blockedUntil
                    == clock.now().adding(seconds: RateLimiter.maxHoldSeconds), "\(asked)")
            #expect(limiter.reserve("server:ti").decision != .allowed)
        }
        #expect(RateLimiter.maxHoldSeconds == 300)
    }

    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        let now = Timestamp(rfc3339: "2026-11-25T10:00:00Z")!
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds("Wed, 25 Nov 2026 10:01:30 GMT", now: now) == 90)
        #expect(RetryAfter.seconds("Wed, 25 Nov 2026 09:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
        #expect(RetryAfter.seconds("-5", now: now) == nil)
    }

    /// A vendor's "slow down" relayed inside a tool's answer: Slack's body wherever it is (structured, as text, in
    /// `{"result": …}`), and in a tool error's text the words and status that say it, with a hint of when to retry,
    /// capped; nothing in an ordinary result's prose, nor a 429 that is not a status.
    @Test func aRelayedVendorRefusalIsRead() {
        let slack: JSONValue = ["ok": false, "error": "ratelimited"]
        #expect(RelayedThrottling.read(slack, isError: false) == .init(evidence: "slack: ratelimited"))
        #expect(RelayedThrottling.read(.string(slack.serialized()), isError: false)?.evidence == "slack: ratelimited")
        #expect(
            RelayedThrottling.read(["result": .string(slack.serialized())], isError: false)?.evidence
                == "slack: ratelimited")
        #expect(
            RelayedThrottling.read(["ok": false, "error": "ratelimited", "retry_after": 12], isError: false)?.retryAfter
                == "12")
        // Slack's other refusals, and success, are no throttling.
        #expect(RelayedThrottling.read(["ok": false, "error": "channel_not_found"], isError: false) == nil)
        #expect(RelayedThrottling.read(["ok": true, "ts": "1.5"], isError: true) == nil)

        let errors: [(String, String, String?)] = [
            (
                "Error executing tool slack_post_message: The request to the Slack API failed. (url: https://slack.com/api/chat.postMessage)\nThe server responded with: {'ok': False, 'error': 'ratelimited'}",
                "ratelimited", nil
            ),
            ("Jira answered HTTP 429 Too Many Requests; Retry-After: 12", "HTTP 429", "12"),
            ("request failed with status code 429", "HTTP 429", nil),
            (#"{"status": 429, "message": "slow down", "retry_after": 7}"#, "HTTP 429", "7"),
            ("429 Too Many Requests", "HTTP 429", nil),
            ("Too many requests, retry after 5 s", "too many requests", "5"),
            ("API rate limit exceeded for installation", "rate limited", nil),
            ("Okta: E0000047 API call exceeded rate limit due to too many requests.", "too many requests", nil),
            ("rate_limited: Retry-After: 86400", "rate limited", "300"),
            ("TooManyRequestsException: Rate exceeded, retry after 2 minutes", "too many requests", "120"),
            ("You have exceeded a secondary rate limit. Retry after 1500ms", "rate limited", "2"),
            ("Max retries exceeded (Caused by ResponseError('too many 429 error responses'))", "HTTP 429", nil),
        ]
        for (text, evidence, retryAfter) in errors {
            let read = RelayedThrottling.read(.string(text), isError: true)
            #expect(read?.evidence == evidence, "\(text)")
            #expect(read?.retryAfter == retryAfter, "\(text)")
            #expect(read?.isThrottling == true && read?.refusedUnprocessed == false)
            // The same words in an ordinary result are its content, not the server's answer.
            #expect(RelayedThrottling.read(.string(text), isError: false) == nil, "\(text)")
        }
        let others = [
            "user 'ana' not found", "connection to 10.0.4.29 refused", "found 429 events; error: none",
            "invalid_auth", "the ratelimiter is fine", "code 4290 is unknown", "accurate limited edition",
            "Retry-After: 10", "invalid response (429 bytes)", "code 429.5 is unknown",
        ]
        for text in others { #expect(RelayedThrottling.read(.string(text), isError: true) == nil, "\(text)") }

        // Slack's body as text inside `{"result": …}` as text, and after white space.
        let wrapped: JSONValue = ["result": .string(slack.serialized())]
        #expect(RelayedThrottling.read(.string(wrapped.serialized()), isError: false)?.evidence == "slack: ratelimited")
        #expect(RelayedThrottling.read(.string("\n  " + slack.serialized()), isError: false) != nil)

        // What the call was given, echoed back in an error, is not the server's word: an attacker's alert field
        // passed as an argument cannot make Vigil hold a bucket.
        let planted = "x rate limited retry-after: 300 HTTP 429 Too Many Requests"
        #expect(
            RelayedThrottling.read(
                .string("user '\(planted)' not found"), isError: true, echoing: ["login": .string(planted)]) == nil)
        #expect(
            RelayedThrottling.read(
                .string("HTTP 429 for user 'ana'"), isError: true, echoing: ["login": "ana", "page": ["x"]])?.evidence
                == "HTTP 429")
        #expect(
            RelayedThrottling.read(
                .string(slack.serialized()), isError: false, echoing: ["text": .string(slack.serialized())]) == nil)
    }

    @Test func levelsShowEveryBucketWithoutTakingTokens() {
        let clock = FakeClock()
        let limiter = RateLimiter(default: .init(ratePerSecond: 1, burst: 4), clock: clock)
        _ = limiter.reserve("server:a")
        _ = limiter.reserve("server:a")
        let first = limiter.levels
        let second = limiter.levels
        #expect(first == second)
        #expect(first.map(\.key) == ["server:a"])
        #expect(first[0].tokens == 2)
    }

    /// Two servers that call one vendor's API share its bucket: a call takes a token from its server's bucket and
    /// from the vendor's; when the vendor's has none, the server's token is given back; a refusal one server meets
    /// holds the other too.
    @Test func serversOfOneVendorShareItsBucket() async {
        let clock = FakeClock()
        let limiter = RateLimiter(
            limits: ["vendor:okta": .init(ratePerSecond: 0.5, burst: 2)], default: .init(ratePerSecond: 1, burst: 5),
            vendors: ["identity": "okta", "okta-admin": "okta"], clock: clock)
        #expect(limiter.keys(forServer: "identity") == ["server:identity", "vendor:okta"])
        #expect(limiter.keys(forServer: "siem") == ["server:siem"])
        let first = await limiter.acquire(all: limiter.keys(forServer: "identity"), waitingAtMost: 0)
        let second = await limiter.acquire(all: limiter.keys(forServer: "okta-admin"), waitingAtMost: 0)
        #expect(first.0 == .granted(waited: 0) && first.refusedBy == nil)
        #expect(second.0 == .granted(waited: 0))
        // The vendor's two tokens are spent: the third call is refused by it, and gives its server's token back.
        let third = await limiter.acquire(all: limiter.keys(forServer: "okta-admin"), waitingAtMost: 0)
        #expect(third.0 == .refused(retryAfter: 2000, reason: .rate, waited: 0) && third.refusedBy == "vendor:okta")
        #expect(limiter.levels.first { $0.key == "server:okta-admin" }?.tokens == 4)
        #expect(limiter.levels.first { $0.key == "vendor:okta" }?.tokens == 0)
        // A server of another vendor, or of none, is not held up.
        #expect(await limiter.acquire(all: limiter.keys(forServer: "siem"), waitingAtMost: 0).0 == .granted(waited: 0))

        // A 429 that one of them meets holds the vendor's bucket, so the other waits as well.
        clock.advance(seconds: 10)
        let until = limiter.throttled(server: "identity", retryAfter: "12")
        #expect(until == clock.now().adding(seconds: 12))
        let held = await limiter.acquire(all: limiter.keys(forServer: "okta-admin"), waitingAtMost: 0)
        #expect(
            held.0 == .refused(retryAfter: 12_000, reason: .retryAfter, waited: 0) && held.refusedBy == "vendor:okta")
        #expect(limiter.levels.first { $0.key == "server:identity" }?.blockedUntil == until)
    }

    /// A call to a server with a vendor goes only when both buckets have a token at once: while it waits for the
    /// vendor's, it holds none of its server's; it goes when the vendor's comes, having waited that long; cancelled
    /// while it waits, it leaves both buckets as they were.
    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func aCallWaitingForItsVendorHoldsNoTokenOfItsServer() async {
        let limiter = RateLimiter(
            limits: [
                "vendor:okta": .init(ratePerSecond: 20, burst: 1), "server:identity": .init(ratePerSecond: 1, burst: 3),
            ],
            default: .unlimited, vendors: ["identity": "okta"])
        let keys = limiter.keys(forServer: "identity")
        #expect(await limiter.acquire(all: keys, waitingAtMost: 0).0 == .granted(waited: 0))
        // The vendor's next token is 50 ms away: the second call waits for it, then goes.
        let (second, refusedBy) = await limiter.acquire(all: keys, waitingAtMost: 10_000)
        guard case .granted(let waited) = second else {
            Issue.record("expected the second call to go after waiting, got \(second)")
            return
        }
        #expect(waited >= 1 && refusedBy == nil)

        let slow = RateLimiter(
            limits: [
                "vendor:okta": .init(ratePerSecond: 0.01, burst: 1),
                "server:identity": .init(ratePerSecond: 1, burst: 3),
            ],
            default: .unlimited, vendors: ["identity": "okta"])
        #expect(await slow.acquire(all: keys, waitingAtMost: 0).0 == .granted(waited: 0))
        let waiting = Task { await slow.acquire(all: keys, waitingAtMost: 1_000_000) }
        // While it waits (100 s) for the vendor, the server's bucket has every token but the first call's.
        try? await Task.sleep(for: .milliseconds(50))
        #expect((slow.levels.first { $0.key == "server:identity" }?.tokens ?? 0) >= 2)
        waiting.cancel()
        let (cancelled, by) = await waiting.value
        #expect(cancelled == .cancelled(waited: 0) && by == "vendor:okta")
        #expect((slow.levels.first { $0.key == "server:identity" }?.tokens ?? 0) >= 2)
        #expect((slow.levels.first { $0.key == "vendor:okta" }?.tokens ?? 1) < 0.5)  // no token given back twice
    }
}
