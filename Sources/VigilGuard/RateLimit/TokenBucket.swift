import VigilCore

/// A token bucket: up to `burst` calls at once, refilled at `ratePerSecond`. A value-type state
/// machine over an injected time, so its behaviour is tested without waiting.
public struct TokenBucket: Sendable, Hashable {
    public let ratePerSecond: Double
    public let burst: Double
    public private(set) var tokens: Double
    private var updated: Timestamp
    /// A vendor's 429 / Retry-After: nothing passes before this time.
    public private(set) var blockedUntil: Timestamp?

    public init(ratePerSecond: Double, burst: Int, now: Timestamp) {
        self.ratePerSecond = max(ratePerSecond, 0.000_001)
        self.burst = Double(max(burst, 1))
        self.tokens = self.burst
        self.updated = now
    }

    /// The tokens there will be at `now`, without taking any.
    public func available(at now: Timestamp) -> Double {
        let elapsed = Double(max(0, now.millisecondsSinceEpoch - updated.millisecondsSinceEpoch)) / 1000
        return min(burst, tokens + elapsed * ratePerSecond)
    }

    private mutating func refill(_ now: Timestamp) {
        tokens = available(at: now)
        updated = max(updated, now)
    }

    /// Bumped by every `block`: bookings made before it are void (the bucket restarts empty when the block ends).
    public private(set) var generation = 0

    /// Takes a token now, or books the next one free: `.allowed`, or `.wait` with the time until the booked
    /// token comes (the caller then goes at that time, if `generation` has not moved; `release` gives a booking
    /// back). Callers are served in the order they booked, so none waits longer than the queue ahead of it. While
    /// a vendor's Retry-After blocks the bucket nothing is booked: the wait is until the block ends.
    public mutating func reserve(now: Timestamp) -> RateDecision {
        if let blockedUntil, now < blockedUntil {
            return .wait(
                milliseconds: blockedUntil.millisecondsSinceEpoch - now.millisecondsSinceEpoch, reason: .retryAfter)
        }
        blockedUntil = nil
        refill(now)
        tokens -= 1
        if tokens >= 0 { return .allowed }
        return .wait(milliseconds: Int64((-tokens / ratePerSecond * 1000).rounded(.up)), reason: .rate)
    }

    /// Gives back a token `reserve` booked in `generation` (its caller gave up before using it). A booking a block
    /// voided is not given back: the block emptied the bucket already.
    public mutating func release(generation booked: Int) {
        guard booked == generation else { return }
        tokens = min(burst, tokens + 1)
    }

    /// Callers waiting for a booked token at `now` (the tokens owed).
    public func queued(at now: Timestamp) -> Int { max(0, Int((-available(at: now)).rounded(.up))) }

    /// Whether a vendor's Retry-After holds the bucket at `now`.
    public func isBlocked(at now: Timestamp) -> Bool { blockedUntil.map { now < $0 } ?? false }

    /// Honours a vendor's throttling answer: no call before `until` (or the later block already set), the bucket
    /// starts empty then, and every booking made before is void.
    public mutating func block(until: Timestamp) {
        let end = max(blockedUntil ?? until, until)
        blockedUntil = end
        tokens = 0
        updated = end
        generation += 1
    }
}

/// Whether a call may go now.
public enum RateDecision: Sendable, Hashable {
    case allowed
    case wait(milliseconds: Int64, reason: Reason)

    public enum Reason: String, Sendable, Hashable {
        /// The configured rate is used up.
        case rate
        /// The vendor said to retry later.
        case retryAfter = "retry_after"
    }
}
