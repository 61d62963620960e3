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
/// `Authorization` header is no guess and is not counted. The table keeps at most `capacity` clients, those that sent
/// a wrong token and those let in (`right`), each until `forgetAfter` seconds after it was last seen (or its refusal
/// ends). When it is full, a client not in it is counted with every other such newcomer under one shared key, so
/// that many addresses buy no more guesses than one; clients let in before keep their own places.
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
        /// When the last wrong token came (the count is forgotten `forgetAfter` later).
        var lastWrong: Double
        /// When the client was last seen, with a wrong token or let in (its place is kept that long).
        var seen: Double
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

    /// What a request from `address` with the `Authorization` value `authorization` gets.
    public enum Gate<Identity> {
        /// Refused for this many seconds more, its token not looked at: the client sent too many wrong ones.
        case wait(seconds: Int)
        /// No token, or a wrong one (counted when it carried credentials; `lockedFor` when this one locks the client).
        case unauthorized(lockedFor: Int?)
        /// Let in as whom `identify` named.
        case admitted(Identity)
    }

    /// Looks at a request's credentials only if its client is not refused now (`wait`); counts them if `identify`
    /// finds them wrong (`wrong`), and keeps the client's place if right (`right`). A request without credentials (a
    /// probe, a client's first try) is no guess and is not counted.
    public func gate<Identity>(
        _ address: String, authorization: String?, identify: (String?) -> Identity?
    ) -> Gate<Identity> {
        if let seconds = wait(for: address) { return .wait(seconds: seconds) }
        guard let identity = identify(authorization) else {
            return .unauthorized(lockedFor: authorization == nil ? nil : wrong(from: address))
        }
        right(from: address)
        return .admitted(identity)
    }

    /// Seconds the client at `address` must wait before its next request is looked at (rounded up), or nil: go ahead.
    public func wait(for address: String) -> Int? {
        let time = now()
        let client = Self.client(address)
        return entries.withLock { entries in
            let key = Self.key(for: client, in: &entries, time, settings)
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
            let key = Self.key(for: client, in: &entries, time, settings)
            var entry = entries[key] ?? Entry(wrong: 0, lastWrong: time, seen: time, lockedUntil: 0)
            if time - entry.lastWrong > settings.forgetAfter { entry.wrong = 0 }
            entry.wrong += 1
            entry.lastWrong = time
            entry.seen = time
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

    /// A right token from `address`: its client keeps (or gets, if there is room) a place of its own, so that a flood
    /// of newcomers does not pool it with them. Its count of wrong tokens is not cleared.
    public func right(from address: String) {
        let time = now()
        let client = Self.client(address)
        entries.withLock { entries in
            guard Self.key(for: client, in: &entries, time, settings) == client else { return }
            entries[client, default: Entry(wrong: 0, lastWrong: -.infinity, seen: time, lockedUntil: 0)].seen = time
        }
    }

    /// How many clients are counted (for tests and the server's log).
    public var counted: Int { entries.withLock { $0.count } }

    /// The key `client` is counted under: its own, unless it has no place and none can be made (the table is full
    /// of clients seen lately), when it is the newcomers' shared one.
    static func key(
        for client: String, in entries: inout [String: Entry], _ time: Double, _ settings: Settings
    ) -> String {
        guard entries[client] == nil, entries.count >= settings.capacity else { return client }
        forget(&entries, time, settings)
        return entries.count >= settings.capacity ? overflow : client
    }

    /// Drops the clients not seen for `forgetAfter` seconds and not refused now.
    static func forget(_ entries: inout [String: Entry], _ time: Double, _ settings: Settings) {
        entries = entries.filter { time - $0.value.seen <= settings.forgetAfter || $0.value.lockedUntil > time }
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
