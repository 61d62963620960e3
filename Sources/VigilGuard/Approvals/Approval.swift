import Crypto
import VigilCore

/// A request for a human to approve one held tool call, and its fate.
public struct Approval: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Waiting for a human.
        case pending
        /// Approved: the same call (tool and arguments) may run once before `expiresAt`.
        case approved
        /// Refused by a human.
        case denied
        /// Nobody decided in time, or the approved call was not made in time.
        case expired
        /// Approved and consumed by the call it approved.
        case used
    }

    public var id: String
    public var status: Status
    public var createdAt: Timestamp
    public var expiresAt: Timestamp
    public var agent: String
    public var tier: String
    public var caseID: String
    /// `server.tool`
    public var tool: String
    public var arguments: JSONObject
    /// SHA-256 of the canonical arguments: the approval covers exactly these.
    public var argumentsDigest: String
    /// The policy rule that asked for approval, and why.
    public var rule: String
    public var reason: String
    public var decidedBy: String?
    public var decidedAt: Timestamp?
    public var note: String?
    /// How the decision came and what `decidedBy` rests on; nil for decisions recorded before it was kept.
    public var decidedVia: Channel?

    /// How a decision reached the approvals database.
    public enum Channel: String, Sendable, Hashable {
        /// `vigil guard approve|deny --by NAME`: the name as typed by whoever runs the command on this machine.
        case command
        /// The approvals API with the server's one shared token: the name as the client sent it.
        case api
        /// The approvals API with an approver's own token (`guard.approvers`): the name of the token's owner.
        case apiApproverToken = "api-approver-token"
    }

    public var json: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "status": .string(status.rawValue), "created_at": .string(createdAt.description),
            "expires_at": .string(expiresAt.description), "agent": .string(agent), "tier": .string(tier),
            "case_id": .string(caseID), "tool": .string(tool), "arguments": .object(arguments),
            "arguments_digest": .string(argumentsDigest), "rule": .string(rule), "reason": .string(reason),
        ]
        if let decidedBy { object["decided_by"] = .string(decidedBy) }
        if let decidedAt { object["decided_at"] = .string(decidedAt.description) }
        if let note { object["note"] = .string(note) }
        if let decidedVia { object["decided_via"] = .string(decidedVia.rawValue) }
        return .object(object)
    }

    /// What the audit log keeps of a person's decision on the request (`approval_decided`): the request with
    /// `decision` as taken (`approved`, `denied`), whatever the request became since (used, expired).
    public var decisionRecord: JSONValue {
        guard case .object(var record) = json else { return json }
        record["decision"] = .string(status == .denied ? "denied" : "approved")
        return .object(record)
    }

    /// The digest an approval binds: the arguments with object keys sorted, serialized compactly.
    public static func digest(of arguments: JSONObject) -> String {
        let canonical = Self.canonical(.object(arguments)).serialized()
        return Hex.encode(SHA256.hash(data: Array(canonical.utf8)))
    }

    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.sorted { $0.key < $1.key }.map { ($0.key, canonical($0.value)) }))
        case .array(let items): return .array(items.map(canonical))
        default: return value
        }
    }
}

/// Why an approval could not be decided.
public struct ApprovalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem, for callers that answer differently (an HTTP API's status).
    public enum Kind: Sendable, Hashable {
        /// No request has that id.
        case unknownRequest
        /// The request was decided already, used or expired.
        case notPending
        /// What was given is not acceptable (no name of who decides).
        case invalid
        /// Another process holds the approvals database longer than the wait allowed: try again.
        case busy
        /// The approvals database failed.
        case other
    }

    public var description: String
    public var kind: Kind

    public init(_ description: String, kind: Kind = .other) {
        self.description = description
        self.kind = kind
    }
}
