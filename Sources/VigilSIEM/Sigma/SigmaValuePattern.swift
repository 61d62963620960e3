import Foundation
import VigilCore

/// One compiled Sigma value: how a field's value is tested.
enum SigmaValuePattern: @unchecked Sendable {
    /// Whole-value comparison with wildcards (`contains`, `startswith`, `endswith` add them).
    case text(SigmaWildcard, caseSensitive: Bool)
    /// An exact value with no wildcard: a byte comparison.
    case exact([UInt8], caseSensitive: Bool)
    /// `|re`: a regular expression searched anywhere in the value, after a cheap check for a literal
    /// that every match must contain.
    case regex(NSRegularExpression, SigmaRegexLiteral?)
    /// `|cidr`: the value is an IP address inside the network.
    case cidr(SigmaCIDR)
    /// `|gt`, `|gte`, `|lt`, `|lte`: numeric comparison.
    case numeric(NumericOperator, Double)
    /// A `null` value: the field is missing or null.
    case null
    /// `|fieldref`: equal to the value of another field of the same event.
    case fieldReference(SigmaField)

    enum NumericOperator: Sendable {
        case greater, greaterOrEqual, less, lessOrEqual
    }

    /// Tests one scalar value (strings, numbers and booleans are compared by their text).
    func matches(_ value: JSONValue?, in record: JSONValue) -> Bool {
        switch self {
        case .null:
            return value == nil || value == .null
        case .fieldReference(let path):
            guard let value, let other = path.resolve(in: record) else { return false }
            return Self.text(of: value)?.lowercased() == Self.text(of: other)?.lowercased()
        default:
            break
        }
        guard let value else { return false }
        if case .array(let elements) = value {
            return elements.contains { matches($0, in: record) }
        }
        guard var text = Self.text(of: value) else { return false }
        switch self {
        case .exact(let bytes, let caseSensitive):
            return text.withUTF8 { utf8 in
                utf8.count == bytes.count && SigmaWildcard.equal(bytes, utf8, at: 0, folding: !caseSensitive)
            }
        case .text(let wildcard, _):
            return text.withUTF8 { wildcard.matches($0) }
        case .regex(let expression, let literal):
            if let literal, !(text.withUTF8 { literal.occurs(in: $0) }) { return false }
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

/// A dotted field path (`requestParameters.userName`), resolved exactly first and then ignoring ASCII
/// case, so that a rule's `eventtype` finds Okta's `eventType`. A key that itself contains dots is
/// tried last.
struct SigmaField: Sendable, Hashable {
    let components: [String]
    private let foldedComponents: [[UInt8]]
    private let joined: String
    /// Where else the field may be: Panther's copies of FDR events nest the sensor's fields under `event`.
    private let nestedUnder: String?

    init(_ field: String, logType: LogType? = nil) {
        components = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        foldedComponents = components.map(SigmaWildcard.asciiLowercased)
        joined = field
        nestedUnder = logType == .crowdstrikeFDR ? "event" : nil
    }

    func resolve(in record: JSONValue) -> JSONValue? {
        if let value = resolve(record, from: 0) { return value }
        if let nestedUnder, let inner = record[nestedUnder], let value = resolve(inner, from: 0) { return value }
        return dottedKey(in: record)
    }

    /// Follows the path from `index`; through an array, the rest of the path applies to each element
    /// and the values found come back as an array (a matcher tests any of them).
    private func resolve(_ value: JSONValue, from index: Int) -> JSONValue? {
        guard index < components.count else { return value }
        switch value {
        case .object(let object):
            if let next = object[components[index]] { return resolve(next, from: index + 1) }
            let folded = foldedComponents[index]
            guard let position = object.keys.firstIndex(where: { Self.equalIgnoringASCIICase($0, folded) }) else {
                return nil
            }
            return resolve(object.values[position], from: index + 1)
        case .array(let elements):
            let found = elements.compactMap { resolve($0, from: index) }
            return found.isEmpty ? nil : .array(found)
        default:
            return nil
        }
    }

    private func dottedKey(in record: JSONValue) -> JSONValue? {
        guard components.count > 1, case .object(let object) = record else { return nil }
        return object[joined]
    }

    private static func equalIgnoringASCIICase(_ key: String, _ folded: [UInt8]) -> Bool {
        var key = key
        return key.withUTF8 { utf8 in
            utf8.count == folded.count && SigmaWildcard.equal(folded, utf8, at: 0, folding: true)
        }
    }
}

/// A literal that every match of a regular expression contains: the longest run of plain characters
/// outside groups, classes and alternation, none of them made optional by a quantifier. Searching for it
/// first skips the regular-expression engine for almost every value that cannot match.
struct SigmaRegexLiteral: Sendable, Hashable {
    let bytes: [UInt8]
    let foldsCase: Bool

    init?(pattern: String, caseInsensitive: Bool) {
        // Inline options such as `(?i)` or `(?x)` change what a literal means: take no shortcut.
        if pattern.contains("(?") { return nil }
        let characters = Array(pattern)
        var best: [Character] = []
        var run: [Character] = []
        var depth = 0
        var i = 0
        func endRun() {
            if run.count > best.count { best = run }
            run = []
        }
        while i < characters.count {
            let c = characters[i]
            let next: Character? = i + 1 < characters.count ? characters[i + 1] : nil
            switch c {
            case "|":
                if depth == 0 { return nil }  // top-level alternation: no literal is required
                endRun()
            case "(", ")":
                depth += c == "(" ? 1 : -1
                endRun()
            case "[":
                endRun()
                while i < characters.count && characters[i] != "]" { i += characters[i] == "\\" ? 2 : 1 }
            case "\\":
                guard let escaped = next, !escaped.isLetter, !escaped.isNumber else {
                    endRun()  // \d, \w, \b, \1 …: not literals
                    i += 2
                    continue
                }
                i += 1
                if depth == 0 { run.append(escaped) } else { endRun() }
            case ".", "^", "$":
                endRun()
            case "?", "*", "+", "{":
                // The quantified character is optional or repeated: it cannot end a required run.
                if c != "+" { _ = run.popLast() }
                endRun()
                if c == "{" { while i < characters.count && characters[i] != "}" { i += 1 } }
            default:
                if depth == 0 { run.append(c) } else { endRun() }
            }
            i += 1
        }
        endRun()
        guard best.count >= 3 else { return nil }
        let text = String(best)
        // ICU folds case beyond ASCII (K KELVIN SIGN matches k, ſ matches s): keep the prefilter exact.
        if caseInsensitive && text.unicodeScalars.contains(where: { !$0.isASCII || "kKsS".unicodeScalars.contains($0) })
        {
            return nil
        }
        foldsCase = caseInsensitive
        bytes = caseInsensitive ? SigmaWildcard.asciiLowercased(text) : Array(text.utf8)
    }

    func occurs(in value: UnsafeBufferPointer<UInt8>) -> Bool {
        SigmaWildcard.contains(bytes, in: value, folding: foldsCase)
    }

}
