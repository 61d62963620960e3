import Foundation
import Synchronization

/// Slows down guessing of the bearer tokens of Vigil's HTTP servers (`vigil serve`, `vigil mcp --http`): a client
/// that sends `allowed` wrong tokens is refused (429, before its token is looked at) for a second, then for twice as
/// long after each further wrong token, up to `longest`. The count starts again only after `forgetAfter` seconds
/// without a wrong token: a right token does not clear it, so one who holds a token of their own cannot use it to
/// guess another's without limit.
///
/// Clients are counted by the peer's address as the server sees it, IPv6 ones by their /64 (one host's share): those
/// behind one proxy share a count (a wrong token from one then holds up the others). A request without an
/// `Authorization` header is no guess and is not counted. The table keeps at most `capacity` clients; when it is full
/// of clients still counted, a new one is counted with every other newcomer under one shared key, so that many
/// addresses buy no more guesses than one.
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

    /// The key under which newcomers are counted while the table is full.
    static let overflow = "(newcomers while the table is full)"

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

    /// Seconds the client at `address` must wait before its next request is looked at (rounded up), or nil: go ahead.
    public func wait(for address: String) -> Int? {
        let time = now()
        let client = Self.client(address)
        return entries.withLock { entries in
            let key = entries[client] != nil ? client : (entries.count >= settings.capacity ? Self.overflow : client)
            guard let entry = entries[key], entry.lockedUntil > time else { return nil }
            return Int((entry.lockedUntil - time).rounded(.up))
        }
    }

    /// Counts a wrong token from `address`; returns the seconds its client is now refused for, when this one locks it.
    @discardableResult
    public func wrong(from address: String) -> Int? {
        let time = now()
        let client = Self.client(address)
        return entries.withLock { entries in
            var key = client
            if entries[client] == nil, entries.count >= settings.capacity {
                Self.forget(&entries, time, settings)
                if entries.count >= settings.capacity { key = Self.overflow }
            }
            var entry = entries[key] ?? Entry(wrong: 0, last: time, lockedUntil: 0)
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
            entries[key] = entry
            return locked
        }
    }

    /// How many clients are counted (for tests and the server's log).
    public var counted: Int { entries.withLock { $0.count } }

    /// Drops the clients whose count has been forgotten and who are not refused now.
    static func forget(_ entries: inout [String: Entry], _ time: Double, _ settings: Settings) {
        entries = entries.filter { time - $0.value.last <= settings.forgetAfter || $0.value.lockedUntil > time }
    }

    /// The client an address stands for: an IPv4 address itself (also written as IPv6, `::ffff:192.0.2.1`), an IPv6
    /// address's /64; anything else as given.
    public static func client(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/64"
    }
}
