/// Makes identifiers. Inject it so that tests and the seeded lab produce the same ids every run.
public protocol IDGenerator: Sendable {
    func next(prefix: String) -> String
}

/// Random UUID-based identifiers for production use.
public struct RandomIDGenerator: IDGenerator {
    public init() {}
    public func next(prefix: String) -> String {
        var g = SystemRandomNumberGenerator()
        return prefix + UUIDText.format(high: g.next(), low: g.next())
    }
}

/// Formats 128 bits as a lower-case RFC 9562 version-4 UUID string.
public enum UUIDText {
    public static func format(high: UInt64, low: UInt64) -> String {
        let h = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let l = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var hex = [UInt8]()
        hex.reserveCapacity(36)
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        for (i, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if i == 8 || i == 12 { hex.append(UInt8(ascii: "-")) }
            hex.append(digits[Int((h >> UInt64(shift)) & 0xF)])
        }
        for (i, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if i == 0 || i == 4 { hex.append(UInt8(ascii: "-")) }
            hex.append(digits[Int((l >> UInt64(shift)) & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
