import Foundation
import VigilCore
import Yams

/// Why a policy file was refused: the key path, the line, what was wrong.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

extension GuardPolicy {
    /// Reads a policy document (YAML). Every key is checked; anything unknown or ill-typed is refused
    /// with its path and line, so a typo never silently weakens the policy.
    public static func parse(yaml text: String) throws(PolicyError) -> GuardPolicy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw PolicyError("not valid YAML: \(YAMLErrorText.describe(error))")
        }
        guard let root else { throw PolicyError("the policy is empty (it must list at least one tier)") }
        let reader = PolicyReader()
        return try reader.policy(root)
    }
}

private struct PolicyReader: YAMLReading {
    func failure(_ message: String) -> PolicyError { PolicyError(message) }

    func policy(_ root: Node) throws(PolicyError) -> GuardPolicy {
        var tiers: [String: GuardPolicy.Tier] = [:]
        var classes: [GuardPolicy.ClassOverride] = []
        var rules: [GuardPolicy.Rule] = []
        var limits: [GuardPolicy.Limit] = []
        var taint = GuardPolicy.Taint(untrusted: [GlobPattern("alert")])
        for (key, value) in try mapping(root, "") {
            switch key {
            case "version":
                guard try scalar(value, key) == "1" else { throw error(key, value, "only version 1 is supported") }
            case "tiers":
                for (name, node) in try mapping(value, key) {
                    tiers[name] = try tier(name, node, "tiers.\(name)")
                }
            case "classes":
                for (pattern, node) in try mapping(value, key) {
                    classes.append(
                        GuardPolicy.ClassOverride(GlobPattern(pattern), try toolClass(node, "classes.\(pattern)")))
                }
            case "rules":
                var names = Set<String>()
                for (index, node) in try sequence(value, key).enumerated() {
                    let rule = try rule(node, "rules[\(index)]")
                    guard names.insert(rule.name).inserted else {
                        throw error("rules[\(index)].name", node, "'\(rule.name)' is used by an earlier rule")
                    }
                    rules.append(rule)
                }
            case "limits":
                for (index, node) in try sequence(value, key).enumerated() {
                    limits.append(try limit(node, "limits[\(index)]"))
                }
            case "taint":
                for (taintKey, node) in try mapping(value, key) {
                    switch taintKey {
                    case "untrusted": taint.untrusted = try patterns(node, "taint.untrusted", emptyAllowed: true)
                    case "trusted": taint.trusted = try patterns(node, "taint.trusted", emptyAllowed: true)
                    default: throw unknown("taint.\(taintKey)", node)
                    }
                }
            default: throw unknown(key, value)
            }
        }
        guard !tiers.isEmpty else { throw PolicyError("tiers: the policy must define at least one tier") }
        return GuardPolicy(tiers: tiers, classes: classes, rules: rules, limits: limits, taint: taint)
    }

    private func tier(_ name: String, _ node: Node, _ path: String) throws(PolicyError) -> GuardPolicy.Tier {
        var allowed: [ToolClass: [GlobPattern]] = [:]
        for (key, value) in try mapping(node, path) {
            guard let toolClass = ToolClass(rawValue: key) else {
                throw error(
                    "\(path).\(key)", value, "unknown key: a tier lists tools under read, write and destructive")
            }
            allowed[toolClass] = try patterns(value, "\(path).\(key)", emptyAllowed: true)
        }
        return GuardPolicy.Tier(name: name, allowed: allowed)
    }

    private func rule(_ node: Node, _ path: String) throws(PolicyError) -> GuardPolicy.Rule {
        var name: String?
        var description = ""
        var tools: [GlobPattern]?
        var classes = Set(ToolClass.allCases)
        var tiers = Set<String>()
        var conditions: [GuardPolicy.Condition] = []
        var decision: GuardPolicy.Decision?
        for (key, value) in try mapping(node, path) {
            let here = "\(path).\(key)"
            switch key {
            case "name": name = try nonEmpty(value, here)
            case "description": description = try scalar(value, here)
            case "tools": tools = try patterns(value, here)
            case "classes":
                classes = []
                for item in try strings(value, here) {
                    guard let c = ToolClass(rawValue: item) else {
                        throw error(here, value, "'\(item)' is not read, write or destructive")
                    }
                    classes.insert(c)
                }
            case "tiers": tiers = Set(try strings(value, here))
            case "when":
                for (index, item) in try sequence(value, here).enumerated() {
                    conditions.append(try condition(item, "\(here)[\(index)]"))
                }
            case "decision": decision = try self.decision(value, here)
            default: throw unknown(here, value)
            }
        }
        guard let name else { throw error(path, node, "a rule needs a name (decisions cite it)") }
        guard let tools else { throw error(path, node, "rule '\(name)' needs tools (patterns such as identity.*)") }
        guard let decision else { throw error(path, node, "rule '\(name)' needs a decision: allow, deny or approve") }
        return GuardPolicy.Rule(
            name: name, description: description, tools: tools, classes: classes, tiers: tiers, conditions: conditions,
            decision: decision)
    }

    private func condition(_ node: Node, _ path: String) throws(PolicyError) -> GuardPolicy.Condition {
        var argument: String??
        var test: GuardPolicy.Condition.Test?
        var negated = false
        for (key, value) in try mapping(node, path) {
            let here = "\(path).\(key)"
            func set(_ t: GuardPolicy.Condition.Test) throws(PolicyError) {
                guard test == nil else {
                    throw error(
                        here, value, "a condition has one test (equals, matches, contains, member_of or in_account)")
                }
                test = t
            }
            switch key {
            case "argument":
                let name = try nonEmpty(value, here)
                argument = .some(name == "*" ? nil : name)
            case "equals": try set(.equals(try strings(value, here).map { $0.lowercased() }))
            case "matches": try set(.matches(try patterns(value, here)))
            case "contains": try set(.contains(try strings(value, here).map { $0.lowercased() }))
            case "member_of": try set(.memberOf(try strings(value, here)))
            case "in_account": try set(.inAccount(try strings(value, here).map { $0.lowercased() }))
            case "not": negated = try bool(value, here)
            default: throw unknown(here, value)
            }
        }
        guard let argument else { throw error(path, node, "a condition needs argument: NAME (or \"*\" for any)") }
        guard let test else {
            throw error(path, node, "a condition needs a test: equals, matches, contains, member_of or in_account")
        }
        return GuardPolicy.Condition(argument: argument, test: test, negated: negated)
    }

    private func limit(_ node: Node, _ path: String) throws(PolicyError) -> GuardPolicy.Limit {
        var name: String?
        var tools: [GlobPattern]?
        var per: String?
        var max: Int?
        var window: Int64?
        var decision = GuardPolicy.Decision.approve
        for (key, value) in try mapping(node, path) {
            let here = "\(path).\(key)"
            switch key {
            case "name": name = try nonEmpty(value, here)
            case "tools": tools = try patterns(value, here)
            case "per": per = try nonEmpty(value, here)
            case "max":
                guard let n = Int(try scalar(value, here)), n >= 0 else {
                    throw error(here, value, "expected a count of 0 or more")
                }
                max = n
            case "window": window = try duration(value, here)
            case "decision":
                decision = try self.decision(value, here)
                guard decision != .allow else {
                    throw error(here, value, "a limit decides deny or approve when exceeded, not allow")
                }
            default: throw unknown(here, value)
            }
        }
        guard let name else { throw error(path, node, "a limit needs a name") }
        guard let tools else { throw error(path, node, "limit '\(name)' needs tools") }
        guard let max else { throw error(path, node, "limit '\(name)' needs max") }
        guard let window else { throw error(path, node, "limit '\(name)' needs a window (e.g. 1h, 24h)") }
        return GuardPolicy.Limit(
            name: name, tools: tools, per: per, max: max, windowSeconds: window, decision: decision)
    }

    // MARK: - Values

    private func decision(_ node: Node, _ path: String) throws(PolicyError) -> GuardPolicy.Decision {
        let text = try scalar(node, path)
        guard let d = GuardPolicy.Decision(rawValue: text) else {
            throw error(path, node, "'\(text)' is not allow, deny or approve")
        }
        return d
    }

    private func toolClass(_ node: Node, _ path: String) throws(PolicyError) -> ToolClass {
        let text = try scalar(node, path)
        guard let c = ToolClass(rawValue: text) else {
            throw error(path, node, "'\(text)' is not read, write or destructive")
        }
        return c
    }

    /// `90s`, `30m`, `1h`, `24h`, `7d`, or a number of seconds.
    private func duration(_ node: Node, _ path: String) throws(PolicyError) -> Int64 {
        let text = try scalar(node, path).trimmingCharacters(in: .whitespaces)
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var seconds: Int64?
        if let n = Int64(text) {
            seconds = n
        } else if let unit = text.last, let factor = units[unit], let n = Int64(text.dropLast()) {
            let (product, overflow) = n.multipliedReportingOverflow(by: factor)
            seconds = overflow ? nil : product
        }
        guard let seconds, seconds > 0, seconds <= 366 * 86_400 else {
            throw error(path, node, "'\(text)' is not a duration such as 90s, 30m, 1h, 24h or 7d (at most a year)")
        }
        return seconds
    }

    private func patterns(
        _ node: Node, _ path: String, emptyAllowed: Bool = false
    ) throws(PolicyError)
        -> [GlobPattern]
    {
        try strings(node, path, emptyAllowed: emptyAllowed).map(GlobPattern.init)
    }

    /// A string or a list of strings. An empty list only where `emptyAllowed` (a tier's list, taint's): in a rule or
    /// a limit it would match nothing, so the rule would never apply, or would apply to every tier.
    private func strings(_ node: Node, _ path: String, emptyAllowed: Bool = false) throws(PolicyError) -> [String] {
        if case .scalar(let s) = node, !s.string.isEmpty { return [s.string] }
        var result: [String] = []
        for item in try sequence(node, path) { result.append(try nonEmpty(item, path)) }
        guard !result.isEmpty || emptyAllowed else {
            throw error(
                path, node,
                "an empty list matches nothing, so what it is in would never apply (leave the key out, or list what it names)"
            )
        }
        return result
    }

    private func bool(_ node: Node, _ path: String) throws(PolicyError) -> Bool {
        switch try scalar(node, path).lowercased() {
        case "true": return true
        case "false": return false
        default: throw error(path, node, "expected true or false")
        }
    }

    private func nonEmpty(_ node: Node, _ path: String) throws(PolicyError) -> String {
        let text = try scalar(node, path)
        guard !text.isEmpty else { throw error(path, node, "must not be empty") }
        return text
    }

}
