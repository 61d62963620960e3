import Foundation
import VigilCore

/// One `field|modifiers: values` item of a search, compiled.
struct SigmaFieldMatcher: Sendable {
    /// nil for keyword searches (the value may appear in any field).
    let path: SigmaField?
    let patterns: [SigmaValuePattern]
    /// `|all`: every value must match (default: any).
    let requireAll: Bool
    /// `|exists`: only the field's presence is tested.
    let exists: Bool?

    /// The values this matcher accepts on `field`, folded to ASCII lower case, when it accepts only
    /// exact values of that field (used to index rules by a dispatch field such as `eventName`).
    func exactValues(of field: SigmaField) -> Set<String>? {
        guard let path, exists == nil, !requireAll, path.components.count == field.components.count,
            zip(path.components, field.components).allSatisfy({ $0.lowercased() == $1.lowercased() })
        else { return nil }
        var values = Set<String>()
        for pattern in patterns {
            guard case .exact(let bytes, _) = pattern else { return nil }
            values.insert(String(decoding: bytes.map(SigmaWildcard.fold), as: UTF8.self))
        }
        return values
    }

    func matches(_ record: JSONValue) -> Bool {
        guard let path else {
            return patterns.contains { pattern in
                Self.anyString(in: record) { pattern.matches(.string($0), in: record) }
            }
        }
        let value = path.resolve(in: record)
        if let exists { return (value != nil && value != .null) == exists }
        if requireAll { return patterns.allSatisfy { $0.matches(value, in: record) } }
        return patterns.contains { $0.matches(value, in: record) }
    }

    /// Calls `test` on every string value in the record until it returns true.
    private static func anyString(in value: JSONValue, _ test: (String) -> Bool) -> Bool {
        switch value {
        case .string(let s): return test(s)
        case .array(let elements): return elements.contains { anyString(in: $0, test) }
        case .object(let object): return object.values.contains { anyString(in: $0, test) }
        default: return false
        }
    }

    /// Compiles `field|mod1|mod2` with its value or list of values.
    static func compile(
        field: String?, modifiers: [String], values: [SigmaRawValue]
    ) throws(SigmaError)
        -> SigmaFieldMatcher
    {
        var match: String?  // contains | startswith | endswith | re | cidr | gt | gte | lt | lte | fieldref
        var requireAll = false
        var caseSensitive = false
        var exists: Bool?
        var encoding: String?  // wide/utf16le, utf16be, utf16
        var base64: String?  // base64 | base64offset
        var windash = false
        var regexFlags: NSRegularExpression.Options = []
        for modifier in modifiers {
            switch modifier.lowercased() {
            case "contains", "startswith", "endswith", "re", "cidr", "gt", "gte", "lt", "lte", "fieldref":
                guard match == nil else {
                    throw .invalid("modifiers '\(match!)' and '\(modifier)' cannot be combined")
                }
                match = modifier.lowercased()
            case "all": requireAll = true
            case "cased": caseSensitive = true
            case "exists": exists = true
            case "wide", "utf16le": encoding = "utf16le"
            case "utf16be": encoding = "utf16be"
            case "utf16": encoding = "utf16"
            case "base64", "base64offset": base64 = modifier.lowercased()
            case "windash": windash = true
            case "i": regexFlags.insert(.caseInsensitive)
            case "m": regexFlags.insert(.anchorsMatchLines)
            case "s": regexFlags.insert(.dotMatchesLineSeparators)
            case "expand":
                throw .unsupported("modifier 'expand' (placeholders need a placeholder configuration)")
            default:
                throw .unsupported("modifier '\(modifier)'")
            }
        }
        if encoding != nil && base64 == nil {
            throw .invalid("modifier '\(encoding!)' must be followed by base64 or base64offset")
        }
        if !regexFlags.isEmpty && match != "re" {
            throw .invalid("regular-expression flags i/m/s need the 're' modifier")
        }
        let path = field.map(SigmaField.init)
        if exists != nil {
            guard values.count == 1, let flag = values[0].bool else { throw .invalid("'exists' takes true or false") }
            return SigmaFieldMatcher(path: path, patterns: [], requireAll: false, exists: flag)
        }
        var patterns: [SigmaValuePattern] = []
        for value in values {
            guard let text = value.text else {
                if match != nil || base64 != nil { throw .invalid("null cannot be combined with modifiers") }
                patterns.append(.null)
                continue
            }
            switch match {
            case "re":
                do {
                    let expression = try NSRegularExpression(pattern: text, options: regexFlags)
                    let literal = SigmaRegexLiteral(
                        pattern: text, caseInsensitive: regexFlags.contains(.caseInsensitive))
                    patterns.append(.regex(expression, literal))
                } catch {
                    throw .invalid("regular expression '\(text)' does not compile")
                }
                continue
            case "cidr":
                patterns.append(.cidr(try SigmaCIDR(text)))
                continue
            case "gt", "gte", "lt", "lte":
                guard let number = Double(text) else { throw .invalid("'\(match!)' needs a number, got '\(text)'") }
                let op: SigmaValuePattern.NumericOperator =
                    switch match! {
                    case "gt": .greater
                    case "gte": .greaterOrEqual
                    case "lt": .less
                    default: .lessOrEqual
                    }
                patterns.append(.numeric(op, number))
                continue
            case "fieldref":
                patterns.append(.fieldReference(SigmaField(text)))
                continue
            default:
                break
            }
            // Transformations first (windash variants, encodings, base64), then the match type.
            var variants = windash ? windashVariants(text) : [text]
            if let base64 {
                variants = variants.flatMap { variant -> [String] in
                    let bytes = encode(variant, encoding)
                    return base64 == "base64" ? [Data(bytes).base64EncodedString()] : base64OffsetVariants(bytes)
                }
                caseSensitive = true  // base64 text is case-sensitive
            }
            for variant in variants {
                let escaped = base64 != nil ? escapeWildcards(variant) : variant
                let pattern: String =
                    switch match {
                    case "contains": "*" + escaped + "*"
                    case "startswith": escaped + "*"
                    case "endswith": "*" + escaped
                    default: escaped
                    }
                let wildcard = SigmaWildcard(pattern, caseSensitive: caseSensitive)
                if let plain = wildcard.plainText {
                    patterns.append(.exact(plain, caseSensitive: caseSensitive))
                } else {
                    patterns.append(.text(wildcard, caseSensitive: caseSensitive))
                }
            }
        }
        if requireAll && windash { throw .unsupported("'all' combined with 'windash'") }
        return SigmaFieldMatcher(path: path, patterns: patterns, requireAll: requireAll, exists: nil)
    }

    private static func escapeWildcards(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "*", with: "\\*")
            .replacingOccurrences(of: "?", with: "\\?")
    }

    private static func encode(_ text: String, _ encoding: String?) -> [UInt8] {
        switch encoding {
        case "utf16le": return text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        case "utf16be": return text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        case "utf16": return [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        default: return Array(text.utf8)
        }
    }

    /// The three encodings of `bytes` at offsets 0, 1 and 2 inside a longer base64 string, trimmed to
    /// the characters that do not depend on the surrounding bytes (Sigma's `base64offset`).
    private static func base64OffsetVariants(_ bytes: [UInt8]) -> [String] {
        let starts = [0, 2, 3]
        let ends = [0, 3, 2]
        return (0..<3).map { i in
            let encoded = Array(Data([UInt8](repeating: 0x20, count: i) + bytes).base64EncodedString().utf8)
            let end = encoded.count - ends[(bytes.count + i) % 3]
            return String(decoding: encoded[starts[i]..<max(starts[i], end)], as: UTF8.self)
        }
    }

    /// Windows command-line flags written with `-`, `/`, en dash, em dash or horizontal bar.
    private static func windashVariants(_ text: String) -> [String] {
        ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"].map { dash in
            var out = ""
            var previous: Character = " "
            for character in text {
                out.append(character == "-" && (previous == " " || out.isEmpty) ? Character(dash) : character)
                previous = character
            }
            return out
        }
    }
}

/// A Sigma value as written: its text, or nil for `null`.
struct SigmaRawValue: Sendable, Hashable {
    let text: String?

    var bool: Bool? {
        switch text?.lowercased() {
        case "true", "yes": true
        case "false", "no": false
        default: nil
        }
    }
}
