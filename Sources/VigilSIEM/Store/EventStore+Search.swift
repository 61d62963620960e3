import Foundation
import GRDB
import VigilCore

extension EventStore {
    /// One page of events matching the query, oldest first.
    public func search(_ query: EventQuery) throws -> EventPage {
        guard (1...EventQuery.maximumLimit).contains(query.limit) else {
            throw EventQueryError(
                description: "limit \(query.limit) is outside 1…\(EventQuery.maximumLimit)", argument: "limit")
        }
        var (clauses, arguments) = try Self.whereClause(query)
        if let cursor = query.cursor {
            let parts = cursor.split(separator: ":")
            guard parts.count == 2, let time = Int64(parts[0]), let id = Int64(parts[1]) else {
                throw EventQueryError(
                    description: "cursor '\(cursor)' is not one this store issued", argument: "cursor")
            }
            clauses.append("(COALESCE(time, -1) > ? OR (COALESCE(time, -1) = ? AND id > ?))")
            arguments += [time, time, id]
        }
        let sql = """
            SELECT id, log_type, time, actor, source_ip, action, outcome, host, targets, raw, file, line FROM events
            \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            ORDER BY COALESCE(time, -1), id LIMIT ?
            """
        arguments.append(query.limit + 1)
        let rows = try writer.read { db in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
        var events: [StoredEvent] = []
        for row in rows.prefix(query.limit) {
            let raw: String = row["raw"]
            events.append(
                StoredEvent(
                    id: row["id"], logType: LogType(rawValue: row["log_type"]),
                    time: (row["time"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)), actor: row["actor"],
                    sourceIP: row["source_ip"], action: row["action"], outcome: row["outcome"], host: row["host"],
                    targets: (row["targets"] as String?).flatMap { try? JSONParser.parse($0) }?.arrayValue?
                        .compactMap(\.stringValue) ?? [],
                    record: (try? JSONParser.parse(raw)) ?? .string(raw), file: row["file"], line: row["line"]))
        }
        return EventPage(events: events, nextCursor: rows.count > query.limit ? events.last?.cursor : nil)
    }

    /// Counts of matching events per value of `field`, most frequent first.
    public func counts(by field: String, _ query: EventQuery, top: Int = 50) throws -> [(value: String?, count: Int)] {
        try Self.checkField(field)
        let (clauses, arguments) = try Self.whereClause(query)
        let sql = """
            SELECT \(field) AS value, COUNT(*) AS n FROM events
            \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            GROUP BY \(field) ORDER BY n DESC, value LIMIT ?
            """
        return try writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments + [top])).map {
                ($0["value"], $0["n"])
            }
        }
    }

    /// Whether events matching the query exist, and the first and last time they were seen: has this
    /// user done this action, or come from this address, before?
    public func sighting(_ query: EventQuery) throws -> Sighting {
        let (clauses, arguments) = try Self.whereClause(query)
        let sql = """
            SELECT COUNT(*) AS n, MIN(time) AS first, MAX(time) AS last FROM events
            \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            """
        return try writer.read { db in
            let row = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments))
            return Sighting(
                count: row?["n"] ?? 0, first: (row?["first"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)),
                last: (row?["last"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)))
        }
    }

    /// Calls `body` with every stored event, in insertion order, a page at a time.
    public func forEachEvent(_ body: (RawEvent) -> Void) throws {
        var after: Int64 = 0
        while true {
            let rows = try writer.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT id, log_type, raw FROM events WHERE id > ? ORDER BY id LIMIT 5000",
                    arguments: [after])
            }
            guard let last = rows.last else { return }
            for row in rows {
                let raw: String = row["raw"]
                if let record = try? JSONParser.parse(raw) {
                    let type: String = row["log_type"]
                    body(RawEvent(logType: type == "unknown" ? nil : LogType(rawValue: type), record: record))
                }
            }
            after = last["id"]
        }
    }

    static func checkField(_ field: String) throws {
        guard fields.contains(field) else {
            throw EventQueryError(
                description: "'\(field)' is not a searchable field (one of \(fields.joined(separator: ", ")))")
        }
    }

    static func whereClause(_ query: EventQuery) throws -> ([String], [any DatabaseValueConvertible]) {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        for filter in query.filters {
            try checkField(filter.field)
            clauses.append("\(filter.field) = ?")
            arguments.append(filter.value)
        }
        if let from = query.from {
            clauses.append("COALESCE(time, -1) >= ?")  // served by the (time, id) ordering index
            arguments.append(from.millisecondsSinceEpoch)
        }
        if let to = query.to {
            clauses.append("COALESCE(time, -1) < ? AND time IS NOT NULL")
            arguments.append(to.millisecondsSinceEpoch)
        }
        if let text = query.text {
            let words = text.split(whereSeparator: \.isWhitespace)
            guard !words.isEmpty else {
                throw EventQueryError(description: "the text to search for is empty", argument: "text")
            }
            // Each word is a quoted FTS5 string, so user input is never read as query syntax.
            let match = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(
                separator: " AND ")
            clauses.append("id IN (SELECT rowid FROM events_text WHERE events_text MATCH ?)")
            arguments.append(match)
        }
        return (clauses, arguments)
    }
}

extension StoredEvent {
    /// The cursor that resumes a search after this event (`search` reads it back).
    public var cursor: String { "\(time?.millisecondsSinceEpoch ?? -1):\(id)" }
}
