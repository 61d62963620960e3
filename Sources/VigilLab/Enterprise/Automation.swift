import VigilCore

/// A non-human identity that acts on the cloud: Terraform, CI/CD deploys, backups, monitoring.
public struct AutomationPrincipal: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case terraform, ciDeploy = "ci_deploy", backup, monitoring, keyRotation = "key_rotation"
    }

    public var name: String
    public var kind: Kind
    public var accountID: String
    public var roleARN: String
    /// The role session name the automation uses.
    public var sessionName: String
    /// The networks its calls come from.
    public var sourceNetworks: [NetworkLocation]
    public var userAgent: String
    /// UTC hours at which it usually runs; empty means any time.
    public var scheduleHoursUTC: [Int]
    /// API calls it usually makes.
    public var usualActions: [String]
    /// The team that owns it.
    public var owner: String

    enum CodingKeys: String, CodingKey {
        case name, kind, owner
        case accountID = "account_id"
        case roleARN = "role_arn"
        case sessionName = "session_name"
        case sourceNetworks = "source_networks"
        case userAgent = "user_agent"
        case scheduleHoursUTC = "schedule_hours_utc"
        case usualActions = "usual_actions"
    }
}
