import Foundation
import GRDB
import VigilCore
import VigilGuard

/// The cases `vigil triage` decided, in SQLite (WAL): the case as JSON (verdict, timeline, status) and
/// its Markdown report, by alert id, for `vigil report`. Writing the same alert again replaces its case.
public final class CaseStore: Sendable {
    private let writer: any DatabaseWriter
    public let path: String

    public init(path: String) throws(CaseStoreError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            writer = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(writer)
        } catch {
            throw CaseStoreError("\(path): cannot open the case store (\(error))")
        }
        self.path = path
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
                sql: """
                    CREATE TABLE verdict_history (
                        decided_at INTEGER NOT NULL,
                        alert_id TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        classification TEXT NOT NULL,
                        disposition TEXT NOT NULL
                    );
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

    /// Saves cases, and verdicts to the history, in one transaction.
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
                            INSERT INTO verdict_history (decided_at, alert_id, rule, classification, disposition)
                            VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            entry.time.millisecondsSinceEpoch, entry.alertID, entry.rule,
                            entry.classification.rawValue, entry.disposition.rawValue,
                        ])
                }
            }
        } catch {
            throw CaseStoreError("\(path): cannot save \(records.count) cases (\(error))")
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

    /// Calls `body` with each verdict of the history at or after `start`, oldest first.
    public func forEachVerdict(since start: Timestamp, _ body: (HistoryEntry) throws -> Void) throws(CaseStoreError) {
        do {
            try writer.read { db in
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT decided_at, alert_id, rule, classification, disposition FROM verdict_history
                        WHERE decided_at >= ? ORDER BY decided_at
                        """,
                    arguments: [start.millisecondsSinceEpoch])
                while let row = try rows.next() {
                    let classification: String = row[3]
                    let disposition: String = row[4]
                    try body(
                        HistoryEntry(
                            time: Timestamp(millisecondsSinceEpoch: row[0]), alertID: row[1], rule: row[2],
                            classification: Verdict.Classification(rawValue: classification) ?? .unknown,
                            disposition: Verdict.Disposition(rawValue: disposition) ?? .escalated))
                }
            }
        } catch {
            throw CaseStoreError("\(path): cannot read the verdict history (\(error))")
        }
    }

    /// Forgets the history before `time`; returns how many verdicts were removed.
    @discardableResult
    public func pruneHistory(before time: Timestamp) throws(CaseStoreError) -> Int {
        do {
            return try writer.write { db in
                try db.execute(
                    sql: "DELETE FROM verdict_history WHERE decided_at < ?", arguments: [time.millisecondsSinceEpoch])
                return db.changesCount
            }
        } catch {
            throw CaseStoreError("\(path): cannot prune the verdict history (\(error))")
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
            throw CaseStoreError("\(path): cannot save \(alerts.count) drift alerts (\(error))")
        }
    }

    /// The drift alerts raised at or after `start`, oldest first.
    public func driftAlerts(since start: Timestamp) throws(CaseStoreError) -> [DriftAlert] {
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
            throw CaseStoreError("\(path): cannot read the drift alerts (\(error))")
        }
    }
}

public struct CaseStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
