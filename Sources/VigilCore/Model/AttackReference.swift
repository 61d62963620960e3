/// An ATT&CK mapping as alerts carry it: `TA0003:T1098` (tactic and technique) or `T1098.001` alone.
public struct AttackReference: Sendable, Hashable, Codable, CustomStringConvertible, LosslessStringConvertible {
    public var tactic: String?
    public var technique: String

    public init(tactic: String? = nil, technique: String) {
        self.tactic = tactic
        self.technique = technique
    }

    /// Parses `TA0003:T1098`, `T1098` or `T1098.001`; `nil` if the text is not of that shape.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard Self.isTechniqueID(parts[0]) else { return nil }
            self.init(technique: String(parts[0]))
        case 2:
            guard Self.isTacticID(parts[0]), Self.isTechniqueID(parts[1]) else { return nil }
            self.init(tactic: String(parts[0]), technique: String(parts[1]))
        default:
            return nil
        }
    }

    public var description: String { tactic.map { "\($0):\(technique)" } ?? technique }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = AttackReference(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an ATT&CK reference like TA0003:T1098")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// `TA` followed by four digits.
    public static func isTacticID(_ text: some StringProtocol) -> Bool {
        let u = Array(text.utf8)
        return u.count == 6 && u[0] == UInt8(ascii: "T") && u[1] == UInt8(ascii: "A") && u[2...].allSatisfy(isDigit)
    }

    /// `T` followed by four digits, optionally `.` and three more.
    public static func isTechniqueID(_ text: some StringProtocol) -> Bool {
        let u = Array(text.utf8)
        guard u.count == 5 || u.count == 9, u[0] == UInt8(ascii: "T"), u[1..<5].allSatisfy(isDigit) else {
            return false
        }
        return u.count == 5 || (u[5] == UInt8(ascii: ".") && u[6...].allSatisfy(isDigit))
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}
