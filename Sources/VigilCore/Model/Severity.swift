/// How bad an alert is. Ordered: `info < low < medium < high < critical`.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// Accepts the spellings vendors use: `info`, `Informational`, `MEDIUM`, `Critical`, …
    public init?(lenient text: String) {
        switch text.lowercased() {
        case "info", "informational", "information": self = .info
        case "low": self = .low
        case "medium", "moderate": self = .medium
        case "high": self = .high
        case "critical", "fatal": self = .critical
        default: return nil
        }
    }
}
