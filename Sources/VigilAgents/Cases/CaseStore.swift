import Foundation
import GRDB
import VigilCore

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
        return migrator
    }

    /// Saves cases in one transaction.
    public func save(_ records: [Case]) throws(CaseStoreError) {
        guard !records.isEmpty else { return }
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
}

public struct CaseStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
