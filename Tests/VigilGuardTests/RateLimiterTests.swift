import Testing
import VigilCore
import VigilTesting

@testable import VigilGuard

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test func aBurstPassesThenCallersBookTheirTurn() {
        let clock = FakeClock()
        let limiter = RateLimiter(
            limits: ["server:identity": .init(ratePerSecond: 2, burst: 3)], default: .init(ratePerSecond: 100, burst: 100),
            clock: clock)
        let first = (0..<5).map { _ in limiter.reserve("server:identity") }
        #expect(first.prefix(3).allSatisfy { $0.decision == .allowed })
        // The fourth and fifth book the next tokens: each waits for its own, in order.
        #expect(first[3].decision == .wait(milliseconds: 500, reason: .rate))
        #expect(first[4].decision == .wait(milliseconds: 1000, reason: .rate))
        #expect(limiter.levels.first { $0.key == "server:identity" }.map { ($0.tokens, $0.queued) } ?? (-1, -1) == (0, 2))
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
        // A Retry-After too large to count in milliseconds blocks for as long as can be counted, no crash.
        limiter.throttled("server:ti", retryAfter: "10000000000000000")
        #expect(limiter.levels.first { $0.key == "server:ti" }?.blockedUntil?.millisecondsSinceEpoch == .max)
        #expect(limiter.reserve("server:ti").decision != .allowed)
    }

    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        let now = Timestamp(rfc3339: "2026-11-25T10:00:00Z")!
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds("Wed, 25 Nov 2026 10:01:30 GMT", now: now) == 90)
        #expect(RetryAfter.seconds("Wed, 25 Nov 2026 09:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
        #expect(RetryAfter.seconds("-5", now: now) == nil)
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
}
