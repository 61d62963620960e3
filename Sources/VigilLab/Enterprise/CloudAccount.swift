import VigilCore

/// An AWS account with its IAM users, roles, policies and resources.
public struct CloudAccount: Sendable, Hashable, Codable {
    public enum Environment: String, Sendable, Hashable, Codable {
        case production, staging, development, security, shared
    }

    /// Twelve digits.
    public var id: String
    public var alias: String
    public var environment: Environment
    /// The owning team's e-mail.
    public var owner: String
    /// `critical`, `high`, `medium`, `low`.
    public var criticality: String
    /// Regions the account normally uses; activity elsewhere is unusual.
    public var regions: [String]
    public var users: [IAMUser]
    public var roles: [IAMRole]
    public var resources: [CloudResource]

    public func role(named name: String) -> IAMRole? { roles.first { $0.name == name } }
    public func user(named name: String) -> IAMUser? { users.first { $0.name == name } }
}

/// An IAM user (a person's legacy user or a service user) with its keys.
public struct IAMUser: Sendable, Hashable, Codable {
    public var name: String
    public var arn: String
    /// `AIDA…`
    public var principalID: String
    public var created: Timestamp
    public var policies: [String]
    public var accessKeys: [AccessKey]
    public var consoleAccess: Bool
    public var mfaEnabled: Bool
    /// The person (login) or automation that owns the user.
    public var owner: String

    enum CodingKeys: String, CodingKey {
        case name, arn, created, policies, owner
        case principalID = "principal_id"
        case accessKeys = "access_keys"
        case consoleAccess = "console_access"
        case mfaEnabled = "mfa_enabled"
    }
}

/// An IAM access key and where it was last used.
public struct AccessKey: Sendable, Hashable, Codable {
    /// `AKIA…` (20 characters).
    public var id: String
    public var status: String
    public var created: Timestamp
    public var lastUsed: Timestamp?
    public var lastUsedService: String?
    public var lastUsedRegion: String?

    enum CodingKeys: String, CodingKey {
        case id, status, created
        case lastUsed = "last_used"
        case lastUsedService = "last_used_service"
        case lastUsedRegion = "last_used_region"
    }
}

/// An IAM role, who may assume it, and what it may do.
public struct IAMRole: Sendable, Hashable, Codable {
    public var name: String
    public var arn: String
    /// `AROA…`
    public var principalID: String
    public var created: Timestamp
    public var policies: [String]
    /// Who may assume the role: an SSO permission set, a service, a CI identity provider, another role.
    public var trustedBy: [String]
    public var description: String

    enum CodingKeys: String, CodingKey {
        case name, arn, created, policies, description
        case principalID = "principal_id"
        case trustedBy = "trusted_by"
    }
}

/// A cloud resource: bucket, instance, database, key, function, trail.
public struct CloudResource: Sendable, Hashable, Codable {
    public var arn: String
    public var type: String
    public var name: String
    public var region: String
    public var tags: [String: String]
    public var internetFacing: Bool

    enum CodingKeys: String, CodingKey {
        case arn, type, name, region, tags
        case internetFacing = "internet_facing"
    }
}
