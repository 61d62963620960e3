import Testing
import VigilCore
import VigilTesting

@testable import VigilGuard

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test func aBurstPassesThenTheRateGoverns() {
        let clock = FakeClock()
        let limiter = RateLimiter(
            limits: ["server:vigil-identity": .init(ratePerSecond: 2, burst: 3)],
            default: .init(ratePerSecond: 100, burst: 100),
            clock: clock)
        let burst = (0..<5).map { _ in limiter.acquire("server:vigil-identity") }
        #expect(burst.prefix(3).allSatisfy { $0 == .allowed })
        #expect(burst[3] == .wait(milliseconds: 500, reason: .rate))
        clock.advance(seconds: 1)
        #expect(limiter.acquire("server:vigil-identity") == .allowed)
        #expect(limiter.acquire("server:vigil-identity") == .allowed)
        #expect(limiter.acquire("server:vigil-identity") != .allowed)
        // Another key has its own (default) bucket.
        #expect(limiter.acquire("server:vigil-siem") == .allowed)
    }

    @Test func aVendorRetryAfterBlocksTheKey() {
        let clock = FakeClock()
        let limiter = RateLimiter(default: .init(ratePerSecond: 50, burst: 50), clock: clock)
        #expect(limiter.acquire("vendor:okta") == .allowed)
        limiter.throttled("vendor:okta", retryAfter: "7")
        #expect(limiter.acquire("vendor:okta") == .wait(milliseconds: 7000, reason: .retryAfter))
        let level = limiter.levels.first { $0.key == "vendor:okta" }
        #expect(level?.blockedUntil == clock.now().adding(seconds: 7))
        clock.advance(seconds: 7)
        clock.advance(seconds: 1)
        #expect(limiter.acquire("vendor:okta") == .allowed)
        // A Retry-After too large to count in milliseconds blocks for as long as can be counted, no crash.
        limiter.throttled("vendor:okta", retryAfter: "10000000000000000")
        #expect(limiter.levels.first { $0.key == "vendor:okta" }?.blockedUntil?.millisecondsSinceEpoch == .max)
        #expect(limiter.acquire("vendor:okta") != .allowed)
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
        _ = limiter.acquire("server:a")
        _ = limiter.acquire("server:a")
        let first = limiter.levels
        let second = limiter.levels
        #expect(first == second)
        #expect(first.map(\.key) == ["server:a"])
        #expect(first[0].tokens == 2)
    }
}
