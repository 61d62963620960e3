import VigilCore

/// A loaded, compiled Sigma rule.
public struct SigmaRule: Sendable {
    public var id: String?
    public var title: String
    public var status: String?
    public var level: Severity
    public var description: String?
    /// Kept on every alert the rule raises: the Detection Rule License requires the attribution.
    public var author: String?
    public var references: [String]
    /// ATT&CK references from the rule's `attack.*` tags.
    public var attack: [AttackReference]
    public var tags: [String]
    public var falsePositives: [String]
    /// Panther detections covering the same behaviour (`panther_rules`, a custom attribute of Vigil's
    /// rule pack), for measuring agreement with Panther's rule tests.
    public var pantherRules: [String]
    /// What the rule's alerts are about (`group_by`, a custom attribute of Vigil's rule pack): matches
    /// are deduplicated per value of this field. Default: the actor, else the source address, else the host.
    public var groupBy: GroupBy?

    public enum GroupBy: String, Sendable, Hashable {
        case actor
        case sourceIP = "source_ip"
        case host
    }
    public var logsource: Logsource
    /// The log type the rule applies to.
    public var logType: LogType
    public var condition: SigmaCondition
    /// Where the rule came from (a file path), for messages.
    public var origin: String

    let searches: [String: SigmaSearch]
    /// The detection compiled for matching: searches by position, so evaluating hashes nothing.
    let matcher: SigmaMatcher

    public struct Logsource: Sendable, Hashable {
        public var product: String?
        public var service: String?
        public var category: String?
    }

    /// The values of `field` (folded to ASCII lower case) without which the rule cannot match, or nil if
    /// the rule can match whatever the field holds. Used to run only the rules an event can trigger.
    public func requiredValues(of field: String) -> Set<String>? {
        required(condition, SigmaField(field))
    }

    private func required(_ condition: SigmaCondition, _ field: SigmaField) -> Set<String>? {
        switch condition {
        case .search(let name):
            guard let search = searches[name] else { return nil }
            var union = Set<String>()
            for alternative in search.alternatives {
                guard let values = alternative.lazy.compactMap({ $0.exactValues(of: field) }).first else { return nil }
                union.formUnion(values)
            }
            return union
        case .not:
            return nil
        case .and(let parts):
            return parts.lazy.compactMap { self.required($0, field) }.first
        case .or(let parts):
            var union = Set<String>()
            for part in parts {
                guard let values = required(part, field) else { return nil }
                union.formUnion(values)
            }
            return union
        }
    }

    /// Whether the event matches the rule's detection.
    public func matches(_ record: JSONValue) -> Bool { matcher.matches(record) }
}

/// A rule's detection ready to run: the condition refers to searches by index. A class, so that the
/// detector's loop holds one reference per rule instead of copying the rule's metadata.
final class SigmaMatcher: Sendable {
    indirect enum Node: Sendable {
        case search(Int)
        case not(Node)
        case and([Node])
        case or([Node])
    }

    let searches: [SigmaSearch]
    let root: Node

    init(condition: SigmaCondition, searches named: [String: SigmaSearch]) {
        let names = Array(named.keys).sorted()
        searches = names.map { named[$0]! }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
        func compile(_ condition: SigmaCondition) -> Node {
            switch condition {
            case .search(let name): .search(index[name] ?? -1)
            case .not(let inner): .not(compile(inner))
            case .and(let parts): .and(parts.map(compile))
            case .or(let parts): .or(parts.map(compile))
            }
        }
        root = compile(condition)
    }

    func matches(_ record: JSONValue) -> Bool { evaluate(root, record) }

    private func evaluate(_ node: Node, _ record: JSONValue) -> Bool {
        switch node {
        case .search(let i): i >= 0 && searches[i].matches(record)
        case .not(let inner): !evaluate(inner, record)
        case .and(let parts): parts.allSatisfy { evaluate($0, record) }
        case .or(let parts): parts.contains { evaluate($0, record) }
        }
    }
}

/// A search identifier's body: a map of field conditions (all must hold), a list of such maps (any),
/// or a list of keywords.
struct SigmaSearch: Sendable {
    /// Alternatives; each is a conjunction of field matchers.
    let alternatives: [[SigmaFieldMatcher]]

    func matches(_ record: JSONValue) -> Bool {
        alternatives.contains { all in all.allSatisfy { $0.matches(record) } }
    }
}
