import Synchronization

/// Slows down guessing of the bearer tokens of Vigil's HTTP servers (`vigil serve`, `vigil mcp --http`): an address that sends `allowed` wrong tokens in a row is
/// refused (429, before its token is looked at) for a second, then for twice as long after each further wrong token,
/// up to `longest`. A right token clears its count; so do `forgetAfter` seconds without a wrong one.
///
/// Counted by the peer's IP address, as the server sees it: clients behind one proxy share a count (a wrong token
/// from one then holds up the others), and an attacker with many addresses gets `allowed` guesses from each. The
/// table keeps at most `capacity` addresses, dropping those seen longest ago, so that it cannot grow without bound.
public final class WrongTokenThrottle: Sendable {
    public struct Settings: Sendable {
        public var allowed = 10
        public var longest: Double = 300
        public var forgetAfter: Double = 900
        public var capacity = 4096

        public init() {}
    }

    struct Entry {
        var wrong: Int
        var last: Double
        var lockedUntil: Double
    }

    let settings: Settings
    let now: @Sendable () -> Double
    let entries = Mutex<[String: Entry]>([:])

    /// `now`: seconds on a monotonic clock.
    public init(settings: Settings = Settings(), now: @escaping @Sendable () -> Double = WrongTokenThrottle.uptime) {
        self.settings = settings
        self.now = now
    }

    public static let uptime: @Sendable () -> Double = {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    static let start = ContinuousClock.now

    /// Seconds `address` must wait before its next request is looked at (rounded up), or nil: go ahead.
    public func wait(for address: String) -> Int? {
        let time = now()
        return entries.withLock { entries in
            guard let entry = entries[address], entry.lockedUntil > time else { return nil }
            return Int((entry.lockedUntil - time).rounded(.up))
        }
    }

    /// Counts a wrong token from `address`; returns the seconds it is now refused for, when this one locks it.
    @discardableResult
    public func wrong(from address: String) -> Int? {
        let time = now()
        return entries.withLock { entries in
            var entry = entries[address] ?? Entry(wrong: 0, last: time, lockedUntil: 0)
            if time - entry.last > settings.forgetAfter { entry.wrong = 0 }
            entry.wrong += 1
            entry.last = time
            var locked: Int?
            if entry.wrong >= settings.allowed {
                let exponent = min(entry.wrong - settings.allowed, 16)
                let seconds = min(Double(1 << exponent), settings.longest)
                entry.lockedUntil = time + seconds
                locked = Int(seconds)
            }
            if entries[address] == nil, entries.count >= settings.capacity { Self.makeRoom(&entries, time, settings) }
            entries[address] = entry
            return locked
        }
    }

    /// A right token from `address`: its count starts again.
    public func right(from address: String) {
        _ = entries.withLock { $0.removeValue(forKey: address) }
    }

    /// How many addresses are counted (for tests and the server's log).
    public var counted: Int { entries.withLock { $0.count } }

    /// Drops what has been forgotten, then, if the table is still full, the quarter seen longest ago.
    static func makeRoom(_ entries: inout [String: Entry], _ time: Double, _ settings: Settings) {
        entries = entries.filter { time - $0.value.last <= settings.forgetAfter || $0.value.lockedUntil > time }
        guard entries.count >= settings.capacity else { return }
        let oldest = entries.sorted { $0.value.last < $1.value.last }.prefix(max(1, settings.capacity / 4))
        for (address, _) in oldest { entries.removeValue(forKey: address) }
    }
}
