import Foundation
import VigilCore

/// One compiled Sigma value: how a field's value is tested.
enum SigmaValuePattern: @unchecked Sendable {
    /// Whole-value comparison with wildcards (`contains`, `startswith`, `endswith` add them).
    case text(SigmaWildcard, caseSensitive: Bool)
    /// An exact value with no wildcard: a byte comparison.
    case exact([UInt8], caseSensitive: Bool)
    /// `|re`: a regular expression searched anywhere in the value.
    case regex(NSRegularExpression)
    /// `|cidr`: the value is an IP address inside the network.
    case cidr(SigmaCIDR)
    /// `|gt`, `|gte`, `|lt`, `|lte`: numeric comparison.
    case numeric(NumericOperator, Double)
    /// A `null` value: the field is missing or null.
    case null
    /// `|fieldref`: equal to the value of another field of the same event.
    case fieldReference([String])

    enum NumericOperator: Sendable {
        case greater, greaterOrEqual, less, lessOrEqual
    }

    /// Tests one scalar value (strings, numbers and booleans are compared by their text).
    func matches(_ value: JSONValue?, in record: JSONValue) -> Bool {
        switch self {
        case .null:
            return value == nil || value == .null
        case .fieldReference(let path):
            guard let value, let other = SigmaFieldPath.resolve(path, in: record) else { return false }
            return Self.text(of: value)?.lowercased() == Self.text(of: other)?.lowercased()
        default:
            break
        }
        guard let value else { return false }
        if case .array(let elements) = value {
            return elements.contains { matches($0, in: record) }
        }
        guard let text = Self.text(of: value) else { return false }
        switch self {
        case .exact(let bytes, let caseSensitive):
            return Array((caseSensitive ? text : text.lowercased()).utf8) == bytes
        case .text(let wildcard, let caseSensitive):
            return wildcard.matches(Array((caseSensitive ? text : text.lowercased()).utf8))
        case .regex(let expression):
            return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        case .cidr(let network):
            return network.contains(text)
        case .numeric(let op, let bound):
            guard let number = value.doubleValue ?? Double(text) else { return false }
            switch op {
            case .greater: return number > bound
            case .greaterOrEqual: return number >= bound
            case .less: return number < bound
            case .lessOrEqual: return number <= bound
            }
        case .null, .fieldReference:
            return false
        }
    }

    static func text(of value: JSONValue) -> String? {
        switch value {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }
}

/// An IPv4 or IPv6 network for `|cidr`.
struct SigmaCIDR: Sendable, Hashable {
    let network: [UInt8]
    let prefixLength: Int

    init(_ text: String) throws(SigmaError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = Self.parse(String(parts[0])) else {
            throw .invalid("'\(text)' is not a CIDR network")
        }
        let length = parts.count == 2 ? Int(parts[1]) : address.count * 8
        guard let length, (0...(address.count * 8)).contains(length) else {
            throw .invalid("'\(text)' has an invalid prefix length")
        }
        network = address
        prefixLength = length
    }

    func contains(_ text: String) -> Bool {
        guard let address = Self.parse(text), address.count == network.count else { return false }
        var bits = prefixLength
        for i in 0..<address.count where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : ~UInt8(0xFF >> bits)
            if address[i] & mask != network[i] & mask { return false }
            bits -= 8
        }
        return true
    }

    /// The address bytes (4 for IPv4, 16 for IPv6), or nil.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// Dotted field paths, resolved exactly first and then case-insensitively, so that a rule's
/// `eventtype` finds Okta's `eventType`.
enum SigmaFieldPath {
    static func components(_ field: String) -> [String] {
        field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    static func resolve(_ path: [String], in record: JSONValue) -> JSONValue? {
        // A key that itself contains dots (rare, but vendors do it) wins over the nested reading.
        if path.count > 1, case .object(let object) = record, let whole = object[path.joined(separator: ".")] {
            return whole
        }
        var current = record
        for component in path {
            guard case .object(let object) = current else { return nil }
            if let next = object[component] {
                current = next
            } else if let key = object.keys.first(where: { $0.caseInsensitiveCompare(component) == .orderedSame }) {
                current = object[key]!
            } else {
                return nil
            }
        }
        return current
    }
}
