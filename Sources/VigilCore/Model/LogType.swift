/// A log type by its conventional name (`AWS.CloudTrail`, `Okta.SystemLog`, `Crowdstrike.FDREvent`).
public struct LogType: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static let cloudTrail: LogType = "AWS.CloudTrail"
    public static let oktaSystemLog: LogType = "Okta.SystemLog"
    public static let crowdstrikeFDR: LogType = "Crowdstrike.FDREvent"
    public static let guardDuty: LogType = "AWS.GuardDuty"
    public static let gsuiteActivity: LogType = "GSuite.ActivityEvent"
    public static let ocsf: LogType = "OCSF"

    /// The log types Vigil reads natively.
    public static let known: [LogType] = [.cloudTrail, .oktaSystemLog, .crowdstrikeFDR]

    /// A known log type from its name, case-insensitively, or a common alias (`cloudtrail`, `okta`, `fdr`).
    public init?(named name: String) {
        let key = name.lowercased()
        if let match = Self.known.first(where: { $0.rawValue.lowercased() == key }) {
            self = match
            return
        }
        switch key {
        case "cloudtrail", "aws": self = .cloudTrail
        case "okta": self = .oktaSystemLog
        case "fdr", "crowdstrike": self = .crowdstrikeFDR
        default: return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
