import VigilCore
import Yams

/// Reads Sigma rules (YAML, per the Sigma specification) into compiled `SigmaRule`s.
public enum SigmaRuleParser {
    /// Log sources Vigil has normalizers for, by Sigma `product`/`service`.
    static func logType(for source: SigmaRule.Logsource) -> LogType? {
        switch (source.product?.lowercased(), source.service?.lowercased()) {
        case ("aws", "cloudtrail"?): .cloudTrail
        case ("okta", _): .oktaSystemLog
        case ("crowdstrike", "fdr"?): .crowdstrikeFDR
        default: nil
        }
    }

    public static func parse(
        _ yaml: String, origin: String = "rule", catalog: AttackCatalog = .enterprise
    ) throws(SigmaError)
        -> SigmaRule
    {
        let documents: [Node]
        do {
            documents = Array(try Yams.compose_all(yaml: yaml))
        } catch {
            throw .invalid("not valid YAML: \(YAMLErrorText.describe(error))")
        }
        guard documents.count == 1, let root = documents.first else {
            throw .unsupported("rule collections (\(documents.count) YAML documents in one file)")
        }
        guard case .mapping(let mapping) = root else { throw .invalid("a rule must be a YAML mapping") }
        func value(_ key: String) -> Node? { mapping[Node(key)] }
        func string(_ key: String) -> String? { value(key)?.string }
        func strings(_ key: String) -> [String] {
            guard let node = value(key) else { return [] }
            if case .sequence(let items) = node { return items.compactMap(\.string) }
            return node.string.map { [$0] } ?? []
        }

        guard let title = string("title"), !title.isEmpty else { throw .invalid("'title' is required") }
        if value("correlation") != nil { throw .unsupported("correlation rules") }
        guard case .mapping(let logsourceMap)? = value("logsource") else { throw .invalid("'logsource' is required") }
        let logsource = SigmaRule.Logsource(
            product: logsourceMap[Node("product")]?.string, service: logsourceMap[Node("service")]?.string,
            category: logsourceMap[Node("category")]?.string)
        guard let logType = logType(for: logsource) else {
            let described = [logsource.product, logsource.service, logsource.category].compactMap { $0 }.joined(
                separator: "/")
            throw .unsupported("log source '\(described)' (Vigil reads aws/cloudtrail, okta and crowdstrike/fdr)")
        }
        guard case .mapping(let detection)? = value("detection") else { throw .invalid("'detection' is required") }

        var searches: [String: SigmaSearch] = [:]
        var conditionTexts: [String] = []
        var identifiers: [String] = []
        for (keyNode, body) in detection {
            guard let name = keyNode.string else { throw .invalid("detection keys must be strings") }
            if name == "condition" {
                if case .sequence(let items) = body {
                    conditionTexts = items.compactMap(\.string)
                } else if let text = body.string {
                    conditionTexts = [text]
                }
                continue
            }
            if name == "timeframe" { throw .unsupported("'timeframe' (aggregations over time)") }
            identifiers.append(name)
            searches[name] = try search(name: name, body, logType: logType)
        }
        guard !conditionTexts.isEmpty else { throw .invalid("'detection.condition' is required") }
        let conditions = try conditionTexts.map { text throws(SigmaError) in
            try SigmaCondition.parse(text, identifiers: identifiers)
        }

        let condition = conditions.count == 1 ? conditions[0] : SigmaCondition.or(conditions)
        var groupBy: SigmaRule.GroupBy?
        if let text = string("group_by") {
            guard let value = SigmaRule.GroupBy(rawValue: text) else {
                throw .invalid("'group_by: \(text)' is not one of actor, source_ip, host")
            }
            groupBy = value
        }
        let tags = strings("tags")
        var attack: [AttackReference] = []
        var tactics: [String] = []
        for tag in tags where tag.lowercased().hasPrefix("attack.") {
            let name = String(tag.dropFirst(7))
            if name.lowercased().hasPrefix("t"), AttackReference.isTechniqueID(name.uppercased()) {
                attack.append(AttackReference(technique: name.uppercased()))
            } else if let tactic = catalog.tactic(name.replacingOccurrences(of: "_", with: "-")) {
                tactics.append(tactic.id)
            }
        }
        // Pair techniques with the rule's tactics where the catalog agrees.
        attack = attack.map { reference in
            let tactic = tactics.first {
                catalog.problem(with: AttackReference(tactic: $0, technique: reference.technique)) == nil
            }
            return AttackReference(tactic: tactic, technique: reference.technique)
        }

        return SigmaRule(
            id: string("id"), title: title, status: string("status"),
            level: string("level").flatMap(Severity.init(lenient:)) ?? .medium, description: string("description"),
            author: string("author"), references: strings("references"), attack: attack, tags: tags,
            falsePositives: strings("falsepositives"), pantherRules: strings("panther_rules"), groupBy: groupBy,
            logsource: logsource,
            logType: logType,
            condition: condition, origin: origin, searches: searches,
            matcher: SigmaMatcher(condition: condition, searches: searches))
    }

    private static func search(name: String, _ body: Node, logType: LogType) throws(SigmaError) -> SigmaSearch {
        switch body {
        case .mapping(let map):
            guard !map.isEmpty else { throw .invalid("search '\(name)' is empty") }
            return SigmaSearch(alternatives: [try fields(map, in: name, logType: logType)])
        case .sequence(let items):
            if items.allSatisfy({ if case .scalar = $0 { return true } else { return false } }) {
                guard !items.isEmpty else { throw .invalid("search '\(name)' is an empty list") }
                let keywords = try SigmaFieldMatcher.compile(field: nil, modifiers: [], values: items.map(rawValue))
                return SigmaSearch(alternatives: [[keywords]])
            }
            var alternatives: [[SigmaFieldMatcher]] = []
            for item in items {
                guard case .mapping(let map) = item else {
                    throw .invalid("search '\(name)' mixes keywords and field maps")
                }
                guard !map.isEmpty else { throw .invalid("search '\(name)' holds an empty map") }
                alternatives.append(try fields(map, in: name, logType: logType))
            }
            return SigmaSearch(alternatives: alternatives)
        case .scalar:
            let keywords = try SigmaFieldMatcher.compile(field: nil, modifiers: [], values: [rawValue(body)])
            return SigmaSearch(alternatives: [[keywords]])
        default:
            throw .invalid("search '\(name)' must be a map, a list of maps or a list of keywords")
        }
    }

    private static func fields(
        _ map: Node.Mapping, in name: String, logType: LogType
    ) throws(SigmaError)
        -> [SigmaFieldMatcher]
    {
        var matchers: [SigmaFieldMatcher] = []
        for (keyNode, valueNode) in map {
            guard let key = keyNode.string else { throw .invalid("field names in '\(name)' must be strings") }
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let field = parts[0]
            let values: [SigmaRawValue]
            switch valueNode {
            case .sequence(let items):
                values = try items.map { item throws(SigmaError) in
                    guard case .scalar = item else { throw .invalid("'\(key)' in '\(name)' holds a nested structure") }
                    return rawValue(item)
                }
                if values.isEmpty { throw .invalid("'\(key)' in '\(name)' has an empty list of values") }
            case .scalar:
                values = [rawValue(valueNode)]
            default:
                throw .invalid("'\(key)' in '\(name)' must be a value or a list of values")
            }
            do {
                matchers.append(
                    try SigmaFieldMatcher.compile(
                        field: field.isEmpty ? nil : field, modifiers: Array(parts.dropFirst()), values: values,
                        logType: logType))
            } catch {
                throw SigmaError(kind: error.kind, message: "\(error.message) (field '\(key)' in '\(name)')")
            }
        }
        return matchers
    }

    private static func rawValue(_ node: Node) -> SigmaRawValue {
        if case .scalar(let scalar) = node, scalar.style == .plain, node.null != nil { return SigmaRawValue(text: nil) }
        return SigmaRawValue(text: node.string ?? "")
    }
}
