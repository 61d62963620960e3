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

    /// Takes a token if one is there; otherwise says how long until one will be (in milliseconds).
    public mutating func take(now: Timestamp) -> RateDecision {
        if let blockedUntil, now < blockedUntil {
            return .wait(
                milliseconds: blockedUntil.millisecondsSinceEpoch - now.millisecondsSinceEpoch, reason: .retryAfter)
        }
        blockedUntil = nil
        refill(now)
        if tokens >= 1 {
            tokens -= 1
            return .allowed
        }
        let missing = 1 - tokens
        return .wait(milliseconds: Int64((missing / ratePerSecond * 1000).rounded(.up)), reason: .rate)
    }

    /// Takes a token now, or books the next one free: `.allowed`, or `.wait` with the time until the booked
    /// token comes (the caller then goes at that time without asking again; `release` gives a booking back).
    /// Callers are served in the order they booked, so none waits longer than the queue ahead of it. While a
    /// vendor's Retry-After blocks the bucket nothing is booked: the wait is until the block ends.
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

    /// Gives back a token `reserve` booked (its caller gave up before using it).
    public mutating func release() {
        tokens = min(burst, tokens + 1)
    }

    /// Whether a vendor's Retry-After holds the bucket at `now`.
    public func isBlocked(at now: Timestamp) -> Bool { blockedUntil.map { now < $0 } ?? false }

    /// Honours a vendor's throttling answer: no call before `until`, and the bucket starts empty.
    public mutating func block(until: Timestamp) {
        blockedUntil = max(blockedUntil ?? until, until)
        tokens = 0
        updated = until
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
