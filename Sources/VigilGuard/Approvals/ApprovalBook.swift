import Foundation
import GRDB
import VigilCore

/// The approvals of held tool calls, in SQLite so that a human can decide from another process
/// (`vigil guard approve ID`) while agents wait. A request is pending until a human approves or
/// denies it, or until it expires; an approval covers one call with exactly the approved arguments,
/// once, before it expires.
public final class ApprovalBook: Sendable {
    private let writer: any DatabaseWriter
    private let clock: any WallClock
    private let ids: any IDGenerator
    /// How long a request waits for a human, and how long an approval stays usable.
    public let lifetimeSeconds: Int64

    /// Opens (creating if needed) the book at `path`.
    public init(
        path: String, clock: any WallClock = SystemWallClock(), ids: any IDGenerator = RandomIDGenerator(),
        lifetimeSeconds: Int64 = 3600
    ) throws(ApprovalError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            writer = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(writer)
        } catch {
            throw ApprovalError("\(path): cannot open the approvals database (\(error))")
        }
        self.clock = clock
        self.ids = ids
        self.lifetimeSeconds = lifetimeSeconds
    }

    /// A book in memory, for tests and single-process runs.
    public init(
        clock: any WallClock = SystemWallClock(), ids: any IDGenerator = RandomIDGenerator(),
        lifetimeSeconds: Int64 = 3600
    ) {
        writer = try! DatabaseQueue()  // An in-memory database cannot fail to open.
        try! Self.migrator.migrate(writer)
        self.clock = clock
        self.ids = ids
        self.lifetimeSeconds = lifetimeSeconds
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE approvals (
                        id TEXT PRIMARY KEY,
                        status TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        agent TEXT NOT NULL,
                        tier TEXT NOT NULL,
                        case_id TEXT NOT NULL,
                        tool TEXT NOT NULL,
                        arguments TEXT NOT NULL,
                        arguments_digest TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        decided_by TEXT,
                        decided_at INTEGER,
                        note TEXT
                    );
                    CREATE INDEX approvals_call ON approvals (tool, arguments_digest, case_id);
                    CREATE INDEX approvals_status ON approvals (status, created_at);
                    """)
        }
        // Whether a human's decision is in the audit log yet (`unaudited`, `markAudited`).
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    ALTER TABLE approvals ADD COLUMN audited INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX approvals_unaudited ON approvals (decided_at) WHERE decided_at IS NOT NULL AND audited = 0;
                    """)
        }
        // How each decision came (`Approval.Channel`).
        migrator.registerMigration("v3") { db in
            try db.execute(sql: "ALTER TABLE approvals ADD COLUMN decided_via TEXT")
        }
        // The policy's action limits, counted for every process that shares the book (`LimitLedger`).
        migrator.registerMigration("v4") { db in
            try db.execute(
                sql: """
                    CREATE TABLE limit_actions (
                        limit_name TEXT NOT NULL,
                        key TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX limit_actions_key ON limit_actions (limit_name, key, at);
                    CREATE INDEX limit_actions_at ON limit_actions (at);
                    """)
        }
        return migrator
    }

    /// Asks for approval of a held call. An open request (pending, or approved and unused) for the same
    /// case, tool and arguments is returned instead of a new one, so a retrying agent does not flood
    /// the humans; so is a refusal of the same call that has not yet expired.
    public func request(
        agent: String, tier: String, caseID: String, tool: String, arguments: JSONObject, rule: String, reason: String
    ) throws(ApprovalError) -> (approval: Approval, isNew: Bool) {
        let now = clock.now()
        let digest = Approval.digest(of: arguments)
        let id = ids.next(prefix: "apr-")
        return try write { db in
            try Self.expire(db, now)
            if let open = try Self.fetch(
                db,
                "SELECT * FROM approvals WHERE tool = ? AND arguments_digest = ? AND case_id = ? AND status IN ('pending', 'approved') ORDER BY created_at DESC LIMIT 1",
                [tool, digest, caseID]
            ).first {
                return (open, false)
            }
            // A human already refused this very call: the refusal stands for the request's lifetime.
            if let denied = try Self.fetch(
                db,
                "SELECT * FROM approvals WHERE tool = ? AND arguments_digest = ? AND case_id = ? AND status = 'denied' AND expires_at > ? ORDER BY created_at DESC LIMIT 1",
                [tool, digest, caseID, now.millisecondsSinceEpoch]
            ).first {
                return (denied, false)
            }
            let approval = Approval(
                id: id, status: .pending, createdAt: now, expiresAt: now.adding(seconds: lifetimeSeconds), agent: agent,
                tier: tier, caseID: caseID, tool: tool, arguments: arguments, argumentsDigest: digest, rule: rule,
                reason: reason)
            try db.execute(
                sql: """
                    INSERT INTO approvals (id, status, created_at, expires_at, agent, tier, case_id, tool, arguments,
                        arguments_digest, rule, reason) VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, now.millisecondsSinceEpoch, approval.expiresAt.millisecondsSinceEpoch, agent, tier, caseID,
                    tool,
                    JSONValue.object(arguments).serialized(), digest, rule, reason,
                ])
            return (approval, true)
        }
    }

    /// A human's decision, and how it came (recorded with it). Only a pending, unexpired request can be decided.
    public func decide(
        _ id: String, approve: Bool, by person: String, note: String? = nil, via channel: Approval.Channel? = nil
    ) throws(ApprovalError) -> Approval {
        guard !person.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ApprovalError("say who decides (the approver's name is recorded)", kind: .invalid)
        }
        let now = clock.now()
        return try write { db in
            try Self.expire(db, now)
            guard var approval = try Self.fetch(db, "SELECT * FROM approvals WHERE id = ?", [id]).first else {
                throw ApprovalError("no approval request \(id)", kind: .unknownRequest)
            }
            guard approval.status == .pending else {
                throw ApprovalError("approval request \(id) is already \(approval.status.rawValue)", kind: .notPending)
            }
            approval.status = approve ? .approved : .denied
            approval.decidedBy = person
            approval.decidedAt = now
            approval.note = note
            approval.decidedVia = channel
            try db.execute(
                sql:
                    "UPDATE approvals SET status = ?, decided_by = ?, decided_at = ?, note = ?, decided_via = ? WHERE id = ?",
                arguments: [approval.status.rawValue, person, now.millisecondsSinceEpoch, note, channel?.rawValue, id])
            return approval
        }
    }

    /// Consumes the approval of exactly this call (same case, tool and arguments), if a human approved
    /// one that is still valid. Returns it, now `used`: it cannot be used again.
    public func consume(caseID: String, tool: String, arguments: JSONObject) throws(ApprovalError) -> Approval? {
        let now = clock.now()
        let digest = Approval.digest(of: arguments)
        return try write { db in
            try Self.expire(db, now)
            guard
                var approval = try Self.fetch(
                    db,
                    "SELECT * FROM approvals WHERE tool = ? AND arguments_digest = ? AND case_id = ? AND status = 'approved' ORDER BY created_at LIMIT 1",
                    [tool, digest, caseID]
                ).first
            else { return nil }
            try db.execute(
                sql: "UPDATE approvals SET status = 'used' WHERE id = ? AND status = 'approved'",
                arguments: [approval.id])
            guard db.changesCount == 1 else { return nil }
            approval.status = .used
            return approval
        }
    }

    /// Gives back an approval that `consume` took for a call that then did not run (held by a rate limit): it
    /// is `approved` again until it expires. Returns whether it was given back.
    @discardableResult
    public func release(_ id: String) throws(ApprovalError) -> Bool {
        try write { db in
            try db.execute(
                sql: "UPDATE approvals SET status = 'approved' WHERE id = ? AND status = 'used'", arguments: [id])
            return db.changesCount == 1
        }
    }

    /// Decisions by people not yet written to the audit log, oldest first. Whichever process holds the log next
    /// writes them (`Guard.auditDecisions`): the one deciding, or the agents' own when they hold it.
    public func unaudited(limit: Int = 100) throws(ApprovalError) -> [Approval] {
        try write { db in
            try Self.fetch(
                db,
                "SELECT * FROM approvals WHERE decided_at IS NOT NULL AND audited = 0 ORDER BY decided_at, id LIMIT ?",
                [limit])
        }
    }

    /// Notes that these decisions are in the audit log.
    public func markAudited(_ ids: [String]) throws(ApprovalError) {
        guard !ids.isEmpty else { return }
        try write { db in
            for id in ids { try db.execute(sql: "UPDATE approvals SET audited = 1 WHERE id = ?", arguments: [id]) }
        }
    }

    /// One request, with its current status.
    public func approval(_ id: String) throws(ApprovalError) -> Approval? {
        let now = clock.now()
        return try write { db in
            try Self.expire(db, now)
            return try Self.fetch(db, "SELECT * FROM approvals WHERE id = ?", [id]).first
        }
    }

    /// Requests, newest first; only those with `status` if given.
    public func list(status: Approval.Status? = nil, limit: Int = 100) throws(ApprovalError) -> [Approval] {
        let now = clock.now()
        return try write { db in
            try Self.expire(db, now)
            if let status {
                return try Self.fetch(
                    db, "SELECT * FROM approvals WHERE status = ? ORDER BY created_at DESC LIMIT ?",
                    [status.rawValue, limit])
            }
            return try Self.fetch(db, "SELECT * FROM approvals ORDER BY created_at DESC LIMIT ?", [limit])
        }
    }

    // MARK: - SQL

    /// `body` in a transaction that GRDB begins IMMEDIATE: the database's write lock is taken before its first read,
    /// so that no other process writes between what it reads and what it writes.
    func write<T>(_ body: (Database) throws -> T) throws(ApprovalError) -> T {
        do {
            return try writer.write(body)
        } catch let error as ApprovalError {
            throw error
        } catch let error as DatabaseError
            where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        {
            throw ApprovalError("the approvals database is busy (another process holds it): try again", kind: .busy)
        } catch {
            throw ApprovalError("approvals database: \(error)")
        }
    }

    private static func expire(_ db: Database, _ now: Timestamp) throws {
        try db.execute(
            sql: "UPDATE approvals SET status = 'expired' WHERE status IN ('pending', 'approved') AND expires_at <= ?",
            arguments: [now.millisecondsSinceEpoch])
    }

    private static func fetch(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [Approval] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let argumentsText: String = row["arguments"]
            let arguments: JSONObject
            if case .object(let object) = try? JSONParser.parse(Array(argumentsText.utf8)) {
                arguments = object
            } else {
                arguments = [:]
            }
            let decidedAt: Int64? = row["decided_at"]
            return Approval(
                id: row["id"], status: Approval.Status(rawValue: row["status"]) ?? .expired,
                createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]),
                expiresAt: Timestamp(millisecondsSinceEpoch: row["expires_at"]), agent: row["agent"], tier: row["tier"],
                caseID: row["case_id"], tool: row["tool"], arguments: arguments,
                argumentsDigest: row["arguments_digest"],
                rule: row["rule"], reason: row["reason"], decidedBy: row["decided_by"],
                decidedAt: decidedAt.map(Timestamp.init(millisecondsSinceEpoch:)), note: row["note"],
                decidedVia: (row["decided_via"] as String?).flatMap(Approval.Channel.init(rawValue:)))
        }
    }
}
