/// A parsed Sigma `condition`: search identifiers combined with `and`, `or`, `not`, parentheses and
/// the quantifiers `1 of`, `any of`, `all of` over identifier patterns or `them`.
public indirect enum SigmaCondition: Sendable, Hashable {
    case search(String)
    case not(SigmaCondition)
    case and([SigmaCondition])
    case or([SigmaCondition])

    /// Parses a condition against the rule's search identifiers (patterns expand to the ones they match).
    public static func parse(_ text: String, identifiers: [String]) throws(SigmaError) -> SigmaCondition {
        if text.contains("|") {
            throw .unsupported(
                "aggregation in condition '\(text)' (the deprecated `| count()` form; use Sigma correlation rules)")
        }
        var parser = ConditionParser(tokens: try tokenize(text), identifiers: identifiers, text: text)
        let condition = try parser.parseOr()
        if parser.position < parser.tokens.count {
            throw .invalid("unexpected '\(parser.tokens[parser.position])' in condition '\(text)'")
        }
        return condition
    }

    /// The search identifiers the condition refers to.
    public var searches: Set<String> {
        switch self {
        case .search(let name): [name]
        case .not(let inner): inner.searches
        case .and(let parts), .or(let parts): parts.reduce(into: Set<String>()) { $0.formUnion($1.searches) }
        }
    }

    private static func tokenize(_ text: String) throws(SigmaError) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character == "(" || character == ")" {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                tokens.append(String(character))
            } else if character.isWhitespace {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        guard !tokens.isEmpty else { throw .invalid("empty condition") }
        return tokens
    }
}

private struct ConditionParser {
    let tokens: [String]
    let identifiers: [String]
    let text: String
    var position = 0

    init(tokens: [String], identifiers: [String], text: String) {
        self.tokens = tokens
        self.identifiers = identifiers
        self.text = text
    }

    private var current: String? { position < tokens.count ? tokens[position] : nil }
    private var lowered: String? { current?.lowercased() }

    mutating func parseOr() throws(SigmaError) -> SigmaCondition {
        var parts = [try parseAnd()]
        while lowered == "or" {
            position += 1
            parts.append(try parseAnd())
        }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    mutating func parseAnd() throws(SigmaError) -> SigmaCondition {
        var parts = [try parseNot()]
        while lowered == "and" {
            position += 1
            parts.append(try parseNot())
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    mutating func parseNot() throws(SigmaError) -> SigmaCondition {
        if lowered == "not" {
            position += 1
            return .not(try parseNot())
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(SigmaError) -> SigmaCondition {
        guard let token = current else { throw .invalid("condition '\(text)' ends where an identifier was expected") }
        switch token.lowercased() {
        case "(":
            position += 1
            let inner = try parseOr()
            guard current == ")" else { throw .invalid("missing ')' in condition '\(text)'") }
            position += 1
            return inner
        case ")", "and", "or":
            throw .invalid("unexpected '\(token)' in condition '\(text)'")
        case "1", "any", "all":
            guard position + 2 < tokens.count, tokens[position + 1].lowercased() == "of" else {
                throw .invalid("'\(token)' must be followed by 'of' and an identifier pattern in condition '\(text)'")
            }
            let pattern = tokens[position + 2]
            position += 3
            let matched =
                pattern.lowercased() == "them"
                ? identifiers.filter { !$0.hasPrefix("_") }
                : identifiers.filter { SigmaWildcard.matchesIdentifier(pattern, $0) }
            guard !matched.isEmpty else {
                throw .invalid("'\(pattern)' matches no search identifier in condition '\(text)'")
            }
            let searches = matched.map(SigmaCondition.search)
            if searches.count == 1 { return searches[0] }
            return token.lowercased() == "all" ? .and(searches) : .or(searches)
        default:
            position += 1
            if token.contains("*") {
                let matched = identifiers.filter { SigmaWildcard.matchesIdentifier(token, $0) }
                guard !matched.isEmpty else {
                    throw .invalid("'\(token)' matches no search identifier in condition '\(text)'")
                }
                return matched.count == 1 ? .search(matched[0]) : .or(matched.map(SigmaCondition.search))
            }
            guard identifiers.contains(token) else {
                throw .invalid("condition '\(text)' names '\(token)', which is not a search identifier of the rule")
            }
            return .search(token)
        }
    }
}
