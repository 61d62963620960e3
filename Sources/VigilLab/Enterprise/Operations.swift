import VigilCore

/// A vulnerable or monitored asset and its open vulnerabilities.
public struct Asset: Sendable, Hashable, Codable {
    public var id: String
    public var hostname: String
    public var kind: String
    public var accountID: String?
    public var internetFacing: Bool
    public var owner: String
    public var vulnerabilities: [AssetVulnerability]

    enum CodingKeys: String, CodingKey {
        case id, hostname, kind, owner, vulnerabilities
        case accountID = "account_id"
        case internetFacing = "internet_facing"
    }
}

/// A CVE found on an asset.
public struct AssetVulnerability: Sendable, Hashable, Codable {
    public var cve: String
    public var firstFound: Timestamp
    public var status: String

    enum CodingKeys: String, CodingKey {
        case cve, status
        case firstFound = "first_found"
    }
}

/// A published vulnerability (real CVE ids; scores are NVD CVSS v3 base scores).
public struct CVERecord: Sendable, Hashable, Codable {
    public var id: String
    public var product: String
    public var summary: String
    public var cvss: Double
    /// Listed in CISA's Known Exploited Vulnerabilities catalog.
    public var knownExploited: Bool

    enum CodingKeys: String, CodingKey {
        case id, product, summary, cvss
        case knownExploited = "known_exploited"
    }

    public var severity: Severity {
        switch cvss {
        case 9...: .critical
        case 7..<9: .high
        case 4..<7: .medium
        default: .low
        }
    }
}

/// A ticket in the ticketing system.
public struct Ticket: Sendable, Hashable, Codable {
    public var key: String
    public var type: String
    public var summary: String
    public var description: String
    public var status: String
    public var reporter: String
    public var assignee: String?
    public var created: Timestamp
    public var updated: Timestamp
    public var labels: [String]
    /// Entities the ticket is about (logins, account ids, addresses, hosts).
    public var entities: [String]

    public init(
        key: String, type: String, summary: String, description: String, status: String, reporter: String,
        assignee: String?, created: Timestamp, updated: Timestamp, labels: [String], entities: [String]
    ) {
        self.key = key
        self.type = type
        self.summary = summary
        self.description = description
        self.status = status
        self.reporter = reporter
        self.assignee = assignee
        self.created = created
        self.updated = updated
        self.labels = labels
        self.entities = entities
    }

    /// The ticket as the ticketing server lists it (search results): every field but the description.
    public var summaryDocument: JSONObject {
        [
            "key": .string(key), "type": .string(type), "summary": .string(summary), "status": .string(status),
            "reporter": .string(reporter), "assignee": assignee.map(JSONValue.string) ?? .null,
            "created": .string(created.description), "updated": .string(updated.description),
            "labels": .array(labels.map(JSONValue.string)), "entities": .array(entities.map(JSONValue.string)),
        ]
    }

    /// The ticket as the ticketing server returns it by key: the summary, the description and the comments.
    public func document(comments: [JSONValue]) -> JSONObject {
        var document = summaryDocument
        document["description"] = .string(description)
        document["comments"] = .array(comments)
        return document
    }
}

/// A chat channel and its members.
public struct ChatChannel: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var purpose: String
    public var members: [String]
}

/// A weekly on-call rotation.
public struct OnCallRotation: Sendable, Hashable, Codable {
    public var team: String
    public var channel: String
    /// Logins in rotation order; week `n` (counted from the lab epoch) is covered by `members[n % count]`.
    public var members: [String]

    public func onCall(at time: Timestamp, epoch: Timestamp) -> String {
        let weeks = max(0, (time.millisecondsSinceEpoch - epoch.millisecondsSinceEpoch) / 604_800_000)
        return members[Int(weeks) % members.count]
    }
}

/// What is normal for an entity: where it comes from, when, what it does.
public struct Baseline: Sendable, Hashable, Codable {
    /// `user:ana.silva@meridian.example`, `principal:arn:aws:iam::…`.
    public var entity: String
    public var countries: [String]
    public var asns: [Int]
    public var ips: [String]
    public var activeHoursUTC: [Int]
    public var userAgents: [String]
    public var regions: [String]
    public var accounts: [String]
    public var usualActions: [String]
    public var dailyEvents: Int

    enum CodingKeys: String, CodingKey {
        case entity, countries, asns, ips, regions, accounts
        case activeHoursUTC = "active_hours_utc"
        case userAgents = "user_agents"
        case usualActions = "usual_actions"
        case dailyEvents = "daily_events"
    }
}
