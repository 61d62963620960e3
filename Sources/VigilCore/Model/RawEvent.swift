/// A vendor record kept exactly as it arrived, with normalized accessors beside it.
///
/// The record is never rewritten: `normalized` reads the fields each vendor format carries
/// (CloudTrail, Okta System Log, CrowdStrike FDR) into one shape for search and reasoning.
public struct RawEvent: Sendable, Hashable, Codable {
    public var logType: LogType?
    public var record: JSONValue

    public init(logType: LogType?, record: JSONValue) {
        self.logType = logType
        self.record = record
    }

    /// The normalized view of the record, computed from the raw fields of its log type.
    public var normalized: NormalizedEvent { NormalizedEvent(self) }

    enum CodingKeys: String, CodingKey {
        case logType = "log_type"
        case record
    }
}
