import Foundation
import GRDB
import VigilCore

/// The embedded SIEM's event store: raw records with their normalized fields beside them, in SQLite
/// (WAL), indexed for entity-and-time queries, with full-text search over the records' text.
///
/// Ingesting is idempotent: each record has a key (the vendor's event id, else a digest of the record),
/// and a record already stored is skipped, so re-ingesting a file adds nothing.
public final class EventStore: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 64 MiB of page cache: index inserts (random event ids) stay in memory instead of re-reading pages.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(writer)
    }

    /// A store in memory, for tests.
    public init() throws {
        writer = try DatabaseQueue()
        try Self.migrator.migrate(writer)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL UNIQUE,
                        log_type TEXT NOT NULL,
                        time INTEGER,
                        actor TEXT,
                        source_ip TEXT,
                        user_agent TEXT,
                        action TEXT,
                        outcome TEXT,
                        account TEXT,
                        region TEXT,
                        host TEXT,
                        targets TEXT,
                        raw TEXT NOT NULL,
                        file TEXT,
                        line INTEGER
                    );
                    CREATE INDEX events_order ON events(COALESCE(time, -1), id);
                    CREATE INDEX events_actor_time ON events(actor, time);
                    CREATE INDEX events_source_ip_time ON events(source_ip, time);
                    CREATE INDEX events_action_time ON events(action, time);
                    CREATE INDEX events_host_time ON events(host, time);
                    CREATE VIRTUAL TABLE events_text USING fts5(text, content='', tokenize='unicode61');
                    """)
        }
        return migrator
    }

    /// The fields a query can filter or group on, by their names in the store.
    public static let fields = [
        "log_type", "actor", "source_ip", "user_agent", "action", "outcome", "account", "region", "host",
    ]

    /// What one ingest call added.
    public struct IngestCounts: Sendable {
        public var inserted = 0
        public var duplicates = 0
    }

    /// Stores a batch of records in one transaction.
    @discardableResult
    public func insert(_ records: [LogRecord]) throws -> IngestCounts {
        try insert(rows: records.map(StoredRow.init))
    }

    /// Stores rows prepared by `StoredRow.init` (which can run on another thread) in one transaction.
    @discardableResult
    func insert(rows: [StoredRow]) throws -> IngestCounts {
        try writer.write { db in
            var counts = IngestCounts()
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO events
                        (key, log_type, time, actor, source_ip, user_agent, action, outcome, account, region, host,
                         targets, raw, file, line)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let text = try db.cachedStatement(sql: "INSERT INTO events_text(rowid, text) VALUES (?, ?)")
            for row in rows {
                try insert.execute(arguments: [
                    row.key, row.logType, row.time, row.actor, row.sourceIP, row.userAgent, row.action, row.outcome,
                    row.account, row.region, row.host, row.targets, row.raw, row.file, row.line,
                ])
                if db.changesCount == 1 {
                    counts.inserted += 1
                    try text.execute(arguments: [db.lastInsertedRowID, row.text])
                } else {
                    counts.duplicates += 1
                }
            }
            return counts
        }
    }

    /// A record ready to store: key, normalized fields, raw text and searchable text.
    struct StoredRow: Sendable {
        var key: String
        var logType: String
        var time: Int64?
        var actor, sourceIP, userAgent, action, outcome, account, region, host, targets: String?
        var raw: String
        var file: String
        var line: Int
        var text: String

        init(_ record: LogRecord) {
            let n = record.event.normalized
            key = EventStore.key(of: record)
            logType = record.logType?.rawValue ?? "unknown"
            time = n.time?.millisecondsSinceEpoch
            actor = n.actor
            sourceIP = n.sourceIP
            userAgent = n.userAgent
            action = n.action
            outcome = n.outcome
            account = n.account
            region = n.region
            host = n.host
            targets = n.targets.isEmpty ? nil : JSONValue.array(n.targets.map(JSONValue.string)).serialized()
            // The record as it was in the file (exactly), else as parsed.
            raw = record.original.map { String(decoding: $0, as: UTF8.self) } ?? record.record.serialized()
            file = record.file
            line = record.line
            text = EventStore.searchableText(of: record.record)
        }
    }

    /// The vendor's own event id where there is one, else a digest of the record.
    static func key(of record: LogRecord) -> String {
        let r = record.record
        // Only the formats whose ids are unique per event; anything else is keyed by content.
        let vendorID: String? =
            switch record.logType {
            case .cloudTrail?: r["eventID"]?.stringValue
            case .oktaSystemLog?: r["uuid"]?.stringValue
            case .crowdstrikeFDR?: r["id"]?.stringValue
            default: nil
            }
        let type = record.logType?.rawValue ?? "unknown"
        if let vendorID { return "\(type)/\(vendorID)" }
        let digest = Digest.fnv128(r.serialized().utf8)
        return "\(type)/#\(String(digest.high, radix: 16))\(String(digest.low, radix: 16))"
    }

    /// Every string value of the record, for full-text search.
    static func searchableText(of value: JSONValue) -> String {
        var parts: [String] = []
        func walk(_ v: JSONValue) {
            switch v {
            case .string(let s): parts.append(s)
            case .array(let a): a.forEach(walk)
            case .object(let o): o.values.forEach(walk)
            default: break
            }
        }
        walk(value)
        return parts.joined(separator: " ")
    }

    /// How many events the store holds.
    public func count() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }
}
