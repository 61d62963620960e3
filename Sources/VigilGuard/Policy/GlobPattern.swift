/// A name pattern of a policy: literal text with `*` matching any run of characters (including none),
/// compared case-insensitively, e.g. `identity.*`, `*.get_*`, `arn:aws:iam::111122223333:*`.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    private let parts: [[UInt8]]
    private let anchoredStart: Bool
    private let anchoredEnd: Bool

    public init(_ text: String) {
        self.text = text
        parts = Self.lowered(text).split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false).map {
            Array($0)
        }
        anchoredStart = !text.hasPrefix("*")
        anchoredEnd = !text.hasSuffix("*")
    }

    public var description: String { text }

    /// Whether `candidate` matches the whole pattern.
    public func matches(_ candidate: String) -> Bool {
        let bytes = Self.lowered(candidate)
        if parts.count == 1 { return bytes == parts[0] }
        var position = 0
        let literal = parts.filter { !$0.isEmpty }
        if literal.isEmpty { return true }
        for (index, part) in parts.enumerated() where !part.isEmpty {
            if index == 0 && anchoredStart {
                guard bytes.starts(with: part) else { return false }
                position = part.count
            } else if index == parts.count - 1 && anchoredEnd {
                guard bytes.count - position >= part.count,
                    bytes[(bytes.count - part.count)...].elementsEqual(part)
                else { return false }
                position = bytes.count
            } else {
                guard let found = Self.find(part, in: bytes, from: position) else { return false }
                position = found + part.count
            }
        }
        return true
    }

    private static func lowered(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        for i in bytes.indices where bytes[i] >= 0x41 && bytes[i] <= 0x5A { bytes[i] += 0x20 }
        return bytes
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count - start else { return nil }
        var i = start
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
