import Foundation
import GRDB
import VigilCore
import VigilGuard

/// The cases `vigil triage` decided, in SQLite (WAL): the case as JSON (verdict, timeline, status) and
/// its Markdown report, by alert id, for `vigil report`. Writing the same alert again replaces its case.
/// Beside them, the verdict history the drift monitor reads (each alert's latest verdict, by time and rule) and
/// the drift alerts it raised; both are kept `retentionDays`.
public final class CaseStore: Sendable {
    private let writer: any DatabaseWriter
    public let path: String
    /// Whether the store has the verdict history (a store opened read-only may predate it).
    public let hasHistory: Bool

    /// How long the verdict history and the drift alerts are kept: the longest baseline `guard.drift` allows
    /// (365 days) and a margin. Not the configured baseline: a run with a short one must not erase the history a
    /// longer one needs.
    public static let retentionDays: Int64 = 400

    public init(path: String) throws(CaseStoreError) {
        // Another program's database is not made into a case store: looked at read-only first, since opening it for
        // writing would already switch its journal to WAL.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > 0 {
            let tables: Set<String>
            do {
                tables = try Self.openToRead(path).tables
            } catch {
                throw CaseStoreError("\(path): cannot read it as a case store (\(Self.reason(error)))")
            }
            guard tables.isEmpty || tables.contains("grdb_migrations") && tables.contains("cases") else {
                throw CaseStoreError(
                    "\(path): not a Vigil case store (another program's database); name another with --cases")
            }
        }
        let pool: DatabasePool
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw CaseStoreError("\(path): cannot open the case store (\(Self.reason(error)))")
        }
        do {
            try Self.migrator.migrate(pool)
        } catch {
            throw CaseStoreError("\(path): cannot open the case store (\(Self.reason(error)))")
        }
        writer = pool
        self.path = path
        hasHistory = true
    }

    /// `name` (a path or a SQLite URI) opened read-only, with the names of its tables.
    static func openToRead(_ name: String) throws -> (queue: DatabaseQueue, tables: Set<String>) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: name, configuration: configuration)
        let tables = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        return (queue, Set(tables))
    }

    /// Opens an existing store to read, changing nothing (no schema migration): for `vigil guard drift`, which a
    /// monitoring account without write access may run. A file that is not a Vigil case store is refused.
    public init(readingOnly path: String) throws(CaseStoreError) {
        let opened: (queue: DatabaseQueue, tables: Set<String>)
        do {
            opened = try Self.openToRead(path)
        } catch {
            // A WAL store that no writer has open has no -shm file, and a reader that may not create one (a monitoring
            // account in a directory it cannot write) cannot open it. With no -wal file either, nothing is being
            // written: the file is read as it stands.
            guard !FileManager.default.fileExists(atPath: path + "-wal"), let immutable = Self.immutableURI(path),
                let again = try? Self.openToRead(immutable)
            else {
                throw CaseStoreError("\(path): cannot read it as a case store (\(Self.reason(error)))")
            }
            opened = again
        }
        writer = opened.queue
        let tables = opened.tables
        guard tables.contains("cases"), tables.contains("grdb_migrations") else {
            throw CaseStoreError("\(path): not a Vigil case store (another program's database, or an empty one)")
        }
        self.path = path
        hasHistory = tables.contains("verdict_history") && tables.contains("drift_alerts")
    }

    /// `path` as a SQLite URI that opens it read-only and immutable.
    static func immutableURI(_ path: String) -> String? {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        guard let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) else { return nil }
        return "file:\(escaped)?mode=ro&immutable=1"
    }

    /// SQLite's own words for what went wrong, without the statement it was running.
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return "\(error)"
    }

    /// The verdict history's table, by the name it is created under.
    private static func historyTable(_ name: String) -> String {
        """
        CREATE TABLE \(name) (
            alert_id TEXT PRIMARY KEY,
            decided_at INTEGER NOT NULL,
            rule TEXT NOT NULL,
            classification TEXT NOT NULL,
            disposition TEXT NOT NULL
        );

        """
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cases (
                        alert_id TEXT PRIMARY KEY,
                        classification TEXT NOT NULL,
                        disposition TEXT NOT NULL,
                        status TEXT NOT NULL,
                        tier INTEGER NOT NULL,
                        saved_at INTEGER NOT NULL,
                        record TEXT NOT NULL,
                        report TEXT NOT NULL
                    );
                    CREATE INDEX cases_disposition ON cases (disposition, saved_at);
                    """)
        }
        // Every verdict `vigil triage` reached, by time and detection rule, for the drift monitor; and the drift
        // alerts it raised.
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: historyTable("verdict_history") + """
                    CREATE INDEX verdict_history_time ON verdict_history (decided_at);
                    CREATE TABLE drift_alerts (
                        raised_at INTEGER NOT NULL,
                        rule TEXT NOT NULL,
                        measure TEXT NOT NULL,
                        record TEXT NOT NULL
                    );
                    CREATE INDEX drift_alerts_time ON drift_alerts (raised_at);
                    """)
        }
        // The first form of the history (a development build) kept every verdict of an alert: keep its latest.
        migrator.registerMigration("v3") { db in
            let keyed = try Row.fetchAll(db, sql: "PRAGMA table_info(verdict_history)").contains { row in
                let name: String = row["name"]
                let pk: Int = row["pk"]
                return name == "alert_id" && pk == 1
            }
            guard !keyed else { return }
            try db.execute(
                sql: historyTable("verdict_history_keyed") + """
                    INSERT OR REPLACE INTO verdict_history_keyed (alert_id, decided_at, rule, classification, disposition)
                        SELECT alert_id, decided_at, rule, classification, disposition FROM verdict_history
                        ORDER BY decided_at, rowid;
                    DROP TABLE verdict_history;
                    ALTER TABLE verdict_history_keyed RENAME TO verdict_history;
                    CREATE INDEX verdict_history_time ON verdict_history (decided_at);
                    """)
        }
        return migrator
    }

    /// One verdict as the drift monitor's history keeps it.
    public struct HistoryEntry: Sendable, Hashable {
        public var time: Timestamp
        public var alertID: String
        public var rule: String
        public var classification: Verdict.Classification
        public var disposition: Verdict.Disposition

        public init(
            time: Timestamp, alertID: String, rule: String, classification: Verdict.Classification,
            disposition: Verdict.Disposition
        ) {
            self.time = time
            self.alertID = alertID
            self.rule = rule
            self.classification = classification
            self.disposition = disposition
        }
    }

    /// Saves cases, and verdicts to the history (an alert's verdict replaces the one it had), in one transaction.
    public func save(_ records: [Case], history: [HistoryEntry] = []) throws(CaseStoreError) {
        guard !records.isEmpty || !history.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let now = Timestamp(Date()).millisecondsSinceEpoch
        do {
            try writer.write { db in
                for record in records {
                    guard let verdict = record.verdict else { continue }
                    let json = String(decoding: try encoder.encode(record), as: UTF8.self)
                    for alertID in record.alertIDs {
                        try db.execute(
                            sql: """
                                INSERT OR REPLACE INTO cases (alert_id, classification, disposition, status, tier, saved_at, record, report)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                                """,
                            arguments: [
                                alertID, verdict.classification.rawValue, verdict.disposition.rawValue,
                                record.status.rawValue, verdict.tier, now, json, record.report ?? "",
                            ])
                    }
                }
                for entry in history {
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO verdict_history (decided_at, alert_id, rule, classification, disposition)
                            VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            entry.time.millisecondsSinceEpoch, entry.alertID, entry.rule,
                            entry.classification.rawValue, entry.disposition.rawValue,
                        ])
                }
            }
        } catch {
            throw CaseStoreError(
                "\(path): cannot save \(records.count) cases and \(history.count) verdicts of the history (\(Self.reason(error)))")
        }
    }

    /// The case of an alert, if one was saved.
    public func record(alertID: String) throws(CaseStoreError) -> Case? {
        do {
            let json = try writer.read { db in
                try String.fetchOne(db, sql: "SELECT record FROM cases WHERE alert_id = ?", arguments: [alertID])
            }
            guard let json else { return nil }
            return try JSONDecoder().decode(Case.self, from: Data(json.utf8))
        } catch {
            throw CaseStoreError("\(path): cannot read the case of \(alertID) (\(error))")
        }
    }

    /// Alert ids of saved cases, most recent first, optionally of one disposition.
    public func alertIDs(disposition: Verdict.Disposition? = nil, limit: Int = 50) throws(CaseStoreError) -> [String] {
        do {
            return try writer.read { db in
                if let disposition {
                    return try String.fetchAll(
                        db,
                        sql:
                            "SELECT alert_id FROM cases WHERE disposition = ? ORDER BY saved_at DESC, alert_id LIMIT ?",
                        arguments: [disposition.rawValue, limit])
                }
                return try String.fetchAll(
                    db, sql: "SELECT alert_id FROM cases ORDER BY saved_at DESC, alert_id LIMIT ?", arguments: [limit])
            }
        } catch {
            throw CaseStoreError("\(path): cannot list cases (\(error))")
        }
    }

    static func entry(_ row: Row) -> HistoryEntry {
        let classification: String = row["classification"]
        let disposition: String = row["disposition"]
        return HistoryEntry(
            time: Timestamp(millisecondsSinceEpoch: row["decided_at"]), alertID: row["alert_id"], rule: row["rule"],
            classification: Verdict.Classification(rawValue: classification) ?? .unknown,
            disposition: Verdict.Disposition(rawValue: disposition) ?? .escalated)
    }

    /// Calls `body` with each verdict of the history at or after `start`, oldest first.
    public func forEachVerdict(since start: Timestamp, _ body: (HistoryEntry) throws -> Void) throws(CaseStoreError) {
        guard hasHistory else { return }
        do {
            try writer.read { db in
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT * FROM verdict_history WHERE decided_at >= ? ORDER BY decided_at, alert_id",
                    arguments: [start.millisecondsSinceEpoch])
                while let row = try rows.next() { try body(Self.entry(row)) }
            }
        } catch {
            throw CaseStoreError("\(path): cannot read the verdict history (\(Self.reason(error)))")
        }
    }

    /// The history at or after `start` counted by minute, rule, classification and disposition, oldest minute
    /// first: what the drift monitor needs, without a row per verdict. `body` gets the minute's start, one
    /// verdict of the group (its alert id empty) and the group's count.
    public func forEachCount(
        since start: Timestamp, _ body: (CaseStore.HistoryEntry, Int) throws -> Void
    ) throws(CaseStoreError) {
        guard hasHistory else { return }
        do {
            try writer.read { db in
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT decided_at / 60000 * 60000 AS decided_at, '' AS alert_id, rule, classification, disposition,
                               COUNT(*) AS n
                        FROM verdict_history WHERE decided_at >= ?
                        GROUP BY decided_at / 60000, rule, classification, disposition ORDER BY 1
                        """,
                    arguments: [start.millisecondsSinceEpoch])
                while let row = try rows.next() { try body(Self.entry(row), row["n"]) }
            }
        } catch {
            throw CaseStoreError("\(path): cannot read the verdict history (\(Self.reason(error)))")
        }
    }

    /// The verdict the history holds for an alert, if any.
    public func historyEntry(alertID: String) throws(CaseStoreError) -> HistoryEntry? {
        guard hasHistory else { return nil }
        do {
            return try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM verdict_history WHERE alert_id = ?", arguments: [alertID])
                    .map(Self.entry)
            }
        } catch {
            throw CaseStoreError("\(path): cannot read the verdict history (\(Self.reason(error)))")
        }
    }

    /// Forgets the history and the drift alerts before `time`; returns how many rows were removed.
    @discardableResult
    public func prune(before time: Timestamp) throws(CaseStoreError) -> Int {
        do {
            return try writer.write { db in
                try db.execute(
                    sql: "DELETE FROM verdict_history WHERE decided_at < ?", arguments: [time.millisecondsSinceEpoch])
                let history = db.changesCount
                try db.execute(sql: "DELETE FROM drift_alerts WHERE raised_at < ?", arguments: [time.millisecondsSinceEpoch])
                return history + db.changesCount
            }
        } catch {
            throw CaseStoreError("\(path): cannot prune the verdict history (\(Self.reason(error)))")
        }
    }

    /// A drift alert the monitor raised.
    public struct DriftAlert: Sendable, Hashable {
        public var raisedAt: Timestamp
        public var drift: DriftMonitor.Drift

        public init(raisedAt: Timestamp, drift: DriftMonitor.Drift) {
            self.raisedAt = raisedAt
            self.drift = drift
        }

        /// The drift with when it was raised: the `drift` audit record, and `vigil guard drift --json`'s `raised`.
        public var json: JSONObject {
            var record = drift.json.objectValue ?? [:]
            record["raised_at"] = .string(raisedAt.description)
            return record
        }
    }

    public func saveDriftAlerts(_ alerts: [DriftAlert]) throws(CaseStoreError) {
        guard !alerts.isEmpty else { return }
        do {
            try writer.write { db in
                for alert in alerts {
                    try db.execute(
                        sql: "INSERT INTO drift_alerts (raised_at, rule, measure, record) VALUES (?, ?, ?, ?)",
                        arguments: [
                            alert.raisedAt.millisecondsSinceEpoch, alert.drift.rule, alert.drift.measure,
                            alert.drift.json.serialized(),
                        ])
                }
            }
        } catch {
            throw CaseStoreError("\(path): cannot save \(alerts.count) drift alerts (\(Self.reason(error)))")
        }
    }

    /// The drift alerts raised at or after `start`, oldest first.
    public func driftAlerts(since start: Timestamp) throws(CaseStoreError) -> [DriftAlert] {
        guard hasHistory else { return [] }
        do {
            return try writer.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT raised_at, record FROM drift_alerts WHERE raised_at >= ? ORDER BY raised_at, rowid",
                    arguments: [start.millisecondsSinceEpoch]
                ).compactMap { row in
                    let text: String = row[1]
                    guard let drift = DriftMonitor.Drift(json: try JSONParser.parse(text)) else { return nil }
                    return DriftAlert(raisedAt: Timestamp(millisecondsSinceEpoch: row[0]), drift: drift)
                }
            }
        } catch {
            throw CaseStoreError("\(path): cannot read the drift alerts (\(Self.reason(error)))")
        }
    }
}

public struct CaseStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
