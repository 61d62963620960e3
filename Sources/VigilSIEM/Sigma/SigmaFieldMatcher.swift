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
            // Keywords: each value may appear in any string of the event (all of them with `|all`).
            let test = { (pattern: SigmaValuePattern) in
                Self.anyString(in: record) { pattern.matches(.string($0), in: record) }
            }
            return requireAll ? patterns.allSatisfy(test) : patterns.contains(where: test)
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

    /// Modifiers that decide how a value is compared; at most one per field.
    private static let comparisons: Set<String> = [
        "contains", "startswith", "endswith", "re", "cidr", "gt", "gte", "lt", "lte", "fieldref", "exists",
    ]

    /// Compiles `field|mod1|mod2` with its value or list of values. `logType` selects the field mapping
    /// (Panther's copies of FDR events nest the sensor's fields under `event`). Modifiers that do not
    /// combine are rejected rather than half-applied.
    static func compile(
        field: String?, modifiers: [String], values: [SigmaRawValue], logType: LogType? = nil
    )
        throws(SigmaError) -> SigmaFieldMatcher
    {
        var comparison: String?
        var requireAll = false
        var caseSensitive = false
        var encoding: String?  // utf16le, utf16be, utf16
        var base64: String?  // base64, base64offset
        var windash = false
        var regexFlags: NSRegularExpression.Options = []
        for modifier in modifiers.map({ $0.lowercased() }) {
            switch modifier {
            case _ where comparisons.contains(modifier):
                if let existing = comparison {
                    throw .invalid("modifiers '\(existing)' and '\(modifier)' cannot be combined")
                }
                comparison = modifier
            case "all": requireAll = true
            case "cased": caseSensitive = true
            case "wide", "utf16le", "utf16be", "utf16":
                guard base64 == nil else {
                    throw .invalid(
                        "'\(modifier)' must come before base64/base64offset (it encodes the text they encode)")
                }
                encoding = modifier == "wide" ? "utf16le" : modifier
            case "base64", "base64offset": base64 = modifier
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
        if field == nil {
            // Keywords match anywhere in a string of the event.
            guard comparison == nil || comparison == "contains" else {
                throw .unsupported("keyword searches with '\(comparison ?? "")'")
            }
            comparison = "contains"
        }
        let transforms = encoding != nil || base64 != nil || windash
        if let encoding, base64 == nil {
            throw .invalid("modifier '\(encoding)' must be followed by base64 or base64offset")
        }
        if !regexFlags.isEmpty && comparison != "re" {
            throw .invalid("regular-expression flags i/m/s need the 're' modifier")
        }
        if let comparison, ["re", "cidr", "gt", "gte", "lt", "lte", "fieldref", "exists"].contains(comparison) {
            if transforms || caseSensitive || (requireAll && comparison != "re") {
                throw .invalid("'\(comparison)' cannot be combined with value transformations, 'cased' or 'all'")
            }
        }
        let path = field.map { SigmaField($0, logType: logType) }
        if comparison == "exists" {
            guard values.count == 1, let flag = values[0].bool else { throw .invalid("'exists' takes true or false") }
            return SigmaFieldMatcher(path: path, patterns: [], requireAll: false, exists: flag)
        }
        var patterns: [SigmaValuePattern] = []
        for value in values {
            guard let text = value.text else {
                if (comparison != nil && field != nil) || transforms {
                    throw .invalid("null cannot be combined with modifiers")
                }
                patterns.append(.null)
                continue
            }
            switch comparison {
            case "re":
                let expression: NSRegularExpression
                do {
                    expression = try NSRegularExpression(pattern: text, options: regexFlags)
                } catch {
                    throw .invalid("regular expression '\(text)' does not compile")
                }
                let literal = SigmaRegexLiteral(pattern: text, caseInsensitive: regexFlags.contains(.caseInsensitive))
                patterns.append(.regex(expression, literal))
            case "cidr":
                patterns.append(.cidr(try SigmaCIDR(text)))
            case "gt", "gte", "lt", "lte":
                guard let number = Double(text) else {
                    throw .invalid("'\(comparison ?? "")' needs a number, got '\(text)'")
                }
                let op: SigmaValuePattern.NumericOperator =
                    switch comparison {
                    case "gt": .greater
                    case "gte": .greaterOrEqual
                    case "lt": .less
                    default: .lessOrEqual
                    }
                patterns.append(.numeric(op, number))
            case "fieldref":
                patterns.append(.fieldReference(SigmaField(text, logType: logType)))
            default:
                // Transformations first (windash variants, encodings, base64), then the comparison.
                var variants: [SigmaWildcard] = []
                if let base64 {
                    for variant in windash ? windashVariants(text) : [text] {
                        let bytes = encode(variant, encoding)
                        let encoded =
                            base64 == "base64" ? [Data(bytes).base64EncodedString()] : base64OffsetVariants(bytes)
                        // Base64 text is case-sensitive and holds no wildcards.
                        variants += encoded.map {
                            SigmaWildcard(
                                literal: $0, leadingAny: comparison == "contains" || comparison == "endswith",
                                trailingAny: comparison == "contains" || comparison == "startswith")
                        }
                    }
                } else {
                    for variant in windash ? windashVariants(text) : [text] {
                        variants.append(
                            SigmaWildcard(
                                variant, caseSensitive: caseSensitive,
                                leadingAny: comparison == "contains" || comparison == "endswith",
                                trailingAny: comparison == "contains" || comparison == "startswith"))
                    }
                }
                for wildcard in variants {
                    if let plain = wildcard.plainText {
                        patterns.append(.exact(plain, caseSensitive: !wildcard.foldsCase))
                    } else {
                        patterns.append(.text(wildcard, caseSensitive: !wildcard.foldsCase))
                    }
                }
            }
        }
        if requireAll && windash { throw .unsupported("'all' combined with 'windash'") }
        return SigmaFieldMatcher(path: path, patterns: patterns, requireAll: requireAll, exists: nil)
    }

    /// Windows command-line flags: every `-` or `/` that starts a word (pySigma's `\\B[-/]\\b`) in each of
    /// its spellings `-`, `/`, en dash, em dash and horizontal bar, in every combination.
    static func windashVariants(_ text: String) -> [String] {
        let characters = Array(text)
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        let positions = characters.indices.filter { i in
            (characters[i] == "-" || characters[i] == "/") && (i == 0 || !isWord(characters[i - 1]))
                && i + 1 < characters.count && isWord(characters[i + 1])
        }
        guard !positions.isEmpty else { return [text] }
        let dashes: [Character] = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}"]
        if positions.count > 3 {
            // Too many combinations: the same spelling everywhere.
            return dashes.map { dash in
                var copy = characters
                for i in positions { copy[i] = dash }
                return String(copy)
            }
        }
        var results: [[Character]] = [characters]
        for i in positions {
            results = results.flatMap { partial in
                dashes.map { dash -> [Character] in
                    var copy = partial
                    copy[i] = dash
                    return copy
                }
            }
        }
        return results.map { String($0) }
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
