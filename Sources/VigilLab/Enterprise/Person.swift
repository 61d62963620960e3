import VigilCore

/// An employee of the lab organisation, as the identity provider and HR know them.
public struct Person: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case active = "ACTIVE"
        case suspended = "SUSPENDED"
        case deprovisioned = "DEPROVISIONED"
    }

    /// Okta user id (`00u…`).
    public var id: String
    /// Login and e-mail (`ana.silva@meridian.example`).
    public var login: String
    public var firstName: String
    public var lastName: String
    public var department: String
    public var title: String
    /// The manager's login; `nil` for the chief executive.
    public var manager: String?
    public var office: String
    public var status: Status
    public var created: Timestamp
    public var groups: [String]
    public var mfaFactors: [MFAFactor]
    /// Device ids (endpoint agent ids) the person uses.
    public var devices: [String]
    /// Local working hours (start inclusive, end exclusive) in the person's office time zone.
    public var workStartHour: Int
    public var workEndHour: Int
    public var utcOffsetHours: Int
    /// The home connection the person works from when not in the office.
    public var homeNetwork: NetworkLocation
    public var homeIP: String
    /// Travels for work more than most (sales, executives).
    public var frequentTraveller: Bool
    public var phone: String
    public var slackHandle: String

    public var displayName: String { "\(firstName) \(lastName)" }

    enum CodingKeys: String, CodingKey {
        case id, login, department, title, manager, office, status, created, groups, devices, phone
        case firstName = "first_name"
        case lastName = "last_name"
        case mfaFactors = "mfa_factors"
        case workStartHour = "work_start_hour"
        case workEndHour = "work_end_hour"
        case utcOffsetHours = "utc_offset_hours"
        case homeNetwork = "home_network"
        case homeIP = "home_ip"
        case frequentTraveller = "frequent_traveller"
        case slackHandle = "slack_handle"
    }
}

/// An MFA factor enrolled with the identity provider.
public struct MFAFactor: Sendable, Hashable, Codable {
    /// Okta factor id (`opf…`, `mbl…`).
    public var id: String
    /// Okta factor type: `push`, `token:software:totp`, `webauthn`, `sms`.
    public var type: String
    public var provider: String
    public var status: String
    public var enrolled: Timestamp
    /// The phone or authenticator the factor lives on.
    public var deviceName: String?

    enum CodingKeys: String, CodingKey {
        case id, type, provider, status, enrolled
        case deviceName = "device_name"
    }
}

/// An office: its place, time zone and the network its traffic leaves from.
public struct Office: Sendable, Hashable, Codable {
    public var name: String
    public var network: NetworkLocation
    public var utcOffsetHours: Int
    /// The corporate VPN egress for people working from this region.
    public var vpnNetwork: NetworkLocation

    enum CodingKeys: String, CodingKey {
        case name, network
        case utcOffsetHours = "utc_offset_hours"
        case vpnNetwork = "vpn_network"
    }
}
