import GRDB

/// The policy's action limits, counted in the approvals database (table `limit_actions`), so that every process of a
/// deployment that shares the book counts against the same limits, across restarts.
extension ApprovalBook: LimitLedger {
    public func exclusively<T>(_ body: (any LimitLedgerTransaction) throws -> T) throws -> T {
        try write { db in try body(LimitRows(db: db)) }
    }

    public func levels(since: [String: Int64]) throws -> [LimitLevel] {
        try write { db in
            var levels: [LimitLevel] = []
            for (limit, after) in since {
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT key, COUNT(*) AS n FROM limit_actions WHERE limit_name = ? AND at > ? GROUP BY key",
                    arguments: [limit, after])
                for row in rows { levels.append(LimitLevel(limit: limit, key: row["key"], count: row["n"])) }
            }
            return levels
        }
    }

    private struct LimitRows: LimitLedgerTransaction {
        let db: Database

        func count(limit: String, key: String, after since: Int64) throws -> Int {
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM limit_actions WHERE limit_name = ? AND key = ? AND at > ?",
                arguments: [limit, key, since]) ?? 0
        }

        func prune(before time: Int64) throws {
            try db.execute(sql: "DELETE FROM limit_actions WHERE at <= ?", arguments: [time])
        }

        func record(limit: String, key: String, at time: Int64) throws {
            try db.execute(
                sql: "INSERT INTO limit_actions (limit_name, key, at) VALUES (?, ?, ?)", arguments: [limit, key, time])
        }
    }
}
