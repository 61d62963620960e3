import Synchronization

/// Where the policy's action limits are counted: each allowed call that a limit covers, under the limit's name and
/// key, at the time it was allowed. `ApprovalBook` keeps them in the approvals database, so that every process of a
/// deployment (each `vigil triage`, `vigil serve`, a restart) counts against the same limits; `InMemoryLimitLedger`
/// keeps them for one process (tests, a policy dry run without a database).
public protocol LimitLedger: Sendable {
    /// Runs `body` with the counts to itself: no other caller, in this process or another, acts between its reads
    /// and its writes, so two calls cannot both slip under a limit.
    func exclusively<T>(_ body: (any LimitLedgerTransaction) throws -> T) throws -> T

    /// How many actions each limit and key has counted after each limit's `since` (milliseconds since the epoch),
    /// for the limits named in `since`.
    func levels(since: [String: Int64]) throws -> [LimitLevel]
}

/// One limit's count for one key.
public struct LimitLevel: Sendable, Equatable {
    public var limit: String
    public var key: String
    public var count: Int

    public init(limit: String, key: String, count: Int) {
        self.limit = limit
        self.key = key
        self.count = count
    }
}

/// The reads and writes of one `LimitLedger.exclusively`.
public protocol LimitLedgerTransaction {
    /// The actions counted under `limit` and `key` after `since` (milliseconds since the epoch).
    func count(limit: String, key: String, after since: Int64) throws -> Int
    /// Counts one action under `limit` and `key` at `time` (milliseconds since the epoch).
    func record(limit: String, key: String, at time: Int64) throws
    /// Forgets every action counted at or before `time`, under every limit: older than any window can reach
    /// (processes with other policies may count under the same names with longer windows, up to a year).
    func prune(before time: Int64) throws
}

/// Counts for one process.
public final class InMemoryLimitLedger: LimitLedger {
    private let counts = Mutex<[String: [String: [Int64]]]>([:])

    public init() {}

    public func exclusively<T>(_ body: (any LimitLedgerTransaction) throws -> T) throws -> T {
        try counts.withLock { counts in
            // Moved out and back, so that the transaction's changes copy nothing.
            let transaction = Transaction(counts: counts)
            counts = [:]
            defer { counts = transaction.counts }
            return try body(transaction)
        }
    }

    public func levels(since: [String: Int64]) throws -> [LimitLevel] {
        counts.withLock { counts in
            counts.flatMap { limit, keys in
                keys.compactMap { key, times -> LimitLevel? in
                    guard let after = since[limit] else { return nil }
                    let n = times.filter { $0 > after }.count
                    return n > 0 ? LimitLevel(limit: limit, key: key, count: n) : nil
                }
            }
        }
    }

    private final class Transaction: LimitLedgerTransaction {
        var counts: [String: [String: [Int64]]]

        init(counts: [String: [String: [Int64]]]) { self.counts = counts }

        func count(limit: String, key: String, after since: Int64) -> Int {
            counts[limit]?[key]?.filter { $0 > since }.count ?? 0
        }

        func record(limit: String, key: String, at time: Int64) {
            counts[limit, default: [:]][key, default: []].append(time)
        }

        func prune(before time: Int64) {
            for (limit, keys) in counts {
                var kept: [String: [Int64]] = [:]
                for (key, times) in keys {
                    let recent = times.filter { $0 > time }
                    if !recent.isEmpty { kept[key] = recent }
                }
                counts[limit] = kept.isEmpty ? nil : kept
            }
        }
    }
}
