import Foundation
import Synchronization
import VigilCore

/// Token buckets per key — a server (`server:identity`) or a vendor API (`vendor:okta`) — with
/// a configured rate and burst each (or the default), the vendors' Retry-After honoured, and the
/// current levels readable at any time. A server that calls a vendor's API (`vendors`) takes a token from the
/// vendor's bucket as well as its own, so that servers sharing one quota share one bucket, and a refusal one of them
/// meets holds them all.
public final class RateLimiter: Sendable {
    public struct Limit: Sendable, Hashable {
        public var ratePerSecond: Double
        public var burst: Int

        public init(ratePerSecond: Double, burst: Int) {
            self.ratePerSecond = ratePerSecond
            self.burst = burst
        }

        /// No limit in practice: for platforms with no quota (the lab) and benchmarks.
        public static let unlimited = Limit(ratePerSecond: 1e9, burst: 1_000_000_000)
    }

    /// A bucket's state, for status displays.
    public struct Level: Sendable, Hashable {
        public var key: String
        public var tokens: Double
        public var burst: Int
        public var ratePerSecond: Double
        public var blockedUntil: Timestamp?
        /// Calls waiting for a token they booked.
        public var queued: Int = 0
    }

    private let limits: [String: Limit]
    private let fallback: Limit
    private let clock: any WallClock
    private let buckets = Mutex<[String: TokenBucket]>([:])
    /// The vendor API each server calls, by server name (`identity` → `okta`).
    public let vendors: [String: String]

    public init(
        limits: [String: Limit] = [:], default fallback: Limit, vendors: [String: String] = [:],
        clock: any WallClock = SystemWallClock()
    ) {
        self.limits = limits
        self.fallback = fallback
        self.vendors = vendors
        self.clock = clock
    }

    /// The buckets a call to `server` takes its tokens from: `server:NAME`, then its vendor's (`vendor:okta`).
    public func keys(forServer server: String) -> [String] {
        ["server:\(server)"] + (vendors[server].map { ["vendor:\($0)"] } ?? [])
    }

    /// Takes a token from every one of `keys` at once (a server's and its vendor's), waiting at most `maxWait`
    /// milliseconds in all, so that the call goes only when each bucket has a token for it: a token taken from one
    /// while the call waits for another would let the call run later than that bucket's rate allows. Each attempt
    /// books a token in every bucket; if one would make the call wait, every booking is given back, the call waits
    /// for the bucket that would hold it longest (refused at once if that is beyond `maxWait`) and tries again. Such
    /// callers keep no place in line (a single key does: `acquire`). Returns the outcome and, when refused or
    /// cancelled, the key that held the call.
    public func acquire(all keys: [String], waitingAtMost maxWait: Int64) async -> (Acquired, refusedBy: String?) {
        guard keys.count > 1 else {
            let key = keys.first ?? ""
            let acquired = await acquire(key, waitingAtMost: maxWait)
            if case .granted = acquired { return (acquired, nil) }
            return (acquired, key)
        }
        var waited: Int64 = 0
        while true {
            let bookings = keys.map { ($0, reserve($0)) }
            var longest: (key: String, milliseconds: Int64, reason: RateDecision.Reason)?
            for (key, booking) in bookings {
                if case .wait(let milliseconds, let reason) = booking.decision,
                    milliseconds > (longest?.milliseconds ?? -1)
                {
                    longest = (key, milliseconds, reason)
                }
            }
            guard let longest else { return (.granted(waited: waited), nil) }
            // Give back every token booked (a bucket held by a Retry-After booked none).
            for (key, booking) in bookings {
                if case .wait(_, .retryAfter) = booking.decision { continue }
                release(key, generation: booking.generation)
            }
            guard waited + longest.milliseconds <= maxWait else {
                return (
                    .refused(retryAfter: longest.milliseconds, reason: longest.reason, waited: waited), longest.key
                )
            }
            do {
                try await Task.sleep(for: .milliseconds(longest.milliseconds))
            } catch {
                return (.cancelled(waited: waited), longest.key)
            }
            waited += longest.milliseconds
        }
    }

    /// Holds every bucket of `server` (its own and its vendor's) as `throttled` does; returns when the hold ends
    /// (the latest of them).
    @discardableResult
    public func throttled(server: String, retryAfter header: String?, defaultSeconds: Int64 = 30) -> Timestamp {
        var end = throttled("server:\(server)", retryAfter: header, defaultSeconds: defaultSeconds)
        for key in keys(forServer: server).dropFirst() {
            end = max(end, throttled(key, retryAfter: header, defaultSeconds: defaultSeconds))
        }
        return end
    }

    /// A call's place in a bucket: whether it may go, and the bucket's generation when it booked.
    public struct Booking: Sendable, Hashable {
        public var decision: RateDecision
        public var generation: Int
    }

    /// Takes a token from `key`'s bucket or books the next one (`TokenBucket.reserve`). A caller told to wait for
    /// the `.rate` goes at the end of the wait if `stillBooked`, and otherwise books again (a server's Retry-After
    /// voided the booking meanwhile); one that gives up calls `release`.
    public func reserve(_ key: String) -> Booking {
        let now = clock.now()
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? makeBucket(key, now)
            defer { buckets[key] = bucket }
            let decision = bucket.reserve(now: now)
            return Booking(decision: decision, generation: bucket.generation)
        }
    }

    /// What `acquire` got, and how long the caller waited for it (milliseconds).
    public enum Acquired: Sendable, Hashable {
        /// A token (`waited` 0 when one was there).
        case granted(waited: Int64)
        /// None within the wait allowed: the bucket would have held the caller `retryAfter` longer, for `reason`.
        case refused(retryAfter: Int64, reason: RateDecision.Reason, waited: Int64)
        /// The caller's task was cancelled while it waited.
        case cancelled(waited: Int64)
    }

    /// Takes a token from `key`'s bucket, waiting its turn (callers go in the order they booked) up to
    /// `maxWait` milliseconds in all; a server's Retry-After holds the caller until it ends, and voids a booking
    /// made before it (the caller then books again). A caller that would wait longer is refused at once, and one
    /// cancelled while it waits stops waiting; either gives its booking back.
    public func acquire(_ key: String, waitingAtMost maxWait: Int64) async -> Acquired {
        var waited: Int64 = 0
        while true {
            let booking = reserve(key)
            guard case .wait(let milliseconds, let reason) = booking.decision else {
                return .granted(waited: waited)
            }
            guard waited + milliseconds <= maxWait else {
                if reason == .rate { release(key, generation: booking.generation) }
                return .refused(retryAfter: milliseconds, reason: reason, waited: waited)
            }
            do {
                try await Task.sleep(for: .milliseconds(milliseconds))
            } catch {
                if reason == .rate { release(key, generation: booking.generation) }
                return .cancelled(waited: waited)
            }
            waited += milliseconds
            // The booked token is the caller's now, unless a server's Retry-After came meanwhile.
            if reason == .rate, stillBooked(key, generation: booking.generation) {
                return .granted(waited: waited)
            }
        }
    }

    /// Gives back a token booked in `generation`.
    public func release(_ key: String, generation: Int) {
        buckets.withLock { buckets in buckets[key]?.release(generation: generation) }
    }

    /// Whether a booking made in `generation` still holds: no Retry-After came since.
    public func stillBooked(_ key: String, generation: Int) -> Bool {
        buckets.withLock { $0[key]?.generation == generation }
    }

    /// Records a vendor's 429/503 with its Retry-After header (seconds or an HTTP date); without a usable
    /// header, backs off `defaultSeconds`.
    /// Returns when the block ends (a longer one already set stands).
    @discardableResult
    public func throttled(_ key: String, retryAfter header: String?, defaultSeconds: Int64 = 30) -> Timestamp {
        let now = clock.now()
        // At most five minutes, whatever was asked (a date years ahead, 999999999 s): the next call after that
        // finds out again, and one server cannot hold a bucket, or its vendor's for every server, for good.
        let seconds = min(
            header.flatMap { RetryAfter.seconds($0, now: now) } ?? defaultSeconds, Self.maxHoldSeconds)
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? makeBucket(key, now)
            bucket.block(until: now.adding(seconds: max(0, seconds)))
            buckets[key] = bucket
            return bucket.blockedUntil!
        }
    }

    /// The longest a `Retry-After` (or a relayed hint, `RelayedThrottling`) holds a bucket.
    public static let maxHoldSeconds: Int64 = 300

    /// The buckets used so far, by key.
    public var levels: [Level] {
        let now = clock.now()
        return buckets.withLock { buckets in
            buckets.sorted { $0.key < $1.key }.map { key, bucket in
                Level(
                    key: key, tokens: max(0, bucket.available(at: now)), burst: Int(bucket.burst),
                    ratePerSecond: bucket.ratePerSecond, blockedUntil: bucket.blockedUntil,
                    queued: bucket.queued(at: now))
            }
        }
    }

    private func makeBucket(_ key: String, _ now: Timestamp) -> TokenBucket {
        let limit = limits[key] ?? fallback
        return TokenBucket(ratePerSecond: limit.ratePerSecond, burst: limit.burst, now: now)
    }
}

/// Reads an HTTP `Retry-After` value: delay-seconds, or an HTTP date (RFC 9110).
public enum RetryAfter {
    public static func seconds(_ value: String, now: Timestamp) -> Int64? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return max(0, (Timestamp(date).millisecondsSinceEpoch - now.millisecondsSinceEpoch + 999) / 1000)
            }
        }
        return nil
    }
}

/// An error from a server or vendor API that told the caller to slow down (HTTP 429, or 503 with a
/// Retry-After): the Guard then blocks that server's bucket until the time it names.
public protocol ThrottlingError: Error {
    /// Whether the answer asked the caller to slow down.
    var isThrottling: Bool { get }
    /// The answer's `Retry-After` header (seconds or an HTTP date), if it had one.
    var retryAfter: String? { get }
    /// Whether the server said it did not process the request at all (429), so retrying cannot repeat it.
    var refusedUnprocessed: Bool { get }
}
