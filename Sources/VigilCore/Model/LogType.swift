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

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
