import Foundation
import VigilCore
import VigilGuard
import Yams

/// Why a playbook was refused: the file, the key path, the line, what was wrong.
public struct PlaybookError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

extension Playbook {
    /// Reads one playbook (YAML). Every key is checked, every reference (a fact's step, the facts
    /// named by `benign` and `escalate`, each template's placeholders) resolved, so a typo is refused
    /// with its path and line rather than silently weakening an investigation.
    public static func parse(yaml text: String, source: String) throws(PlaybookError) -> Playbook {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw PlaybookError("\(source): not valid YAML: \(YAMLErrorText.describe(error))")
        }
        guard let root else { throw PlaybookError("\(source): the playbook is empty") }
        do throws(PlaybookError) {
            return try PlaybookReader().playbook(root, source: source)
        } catch {
            throw PlaybookError("\(source): \(error.description)")
        }
    }
}

private struct PlaybookReader: YAMLReading {
    func failure(_ message: String) -> PlaybookError { PlaybookError(message) }

    func playbook(_ root: Node, source: String) throws(PlaybookError) -> Playbook {
        var id: String?
        var title: String?
        var matches: [GlobPattern] = []
        var attack: [String] = []
        var steps: [Playbook.Step] = []
        var facts: [Playbook.Fact] = []
        var benign: [([String], Node)] = []
        var escalate: [(String, Node)] = []
        var onClose: [Playbook.Step] = []
        for (key, value) in try mapping(root, "") {
            switch key {
            case "id": id = try scalar(value, key)
            case "title": title = try scalar(value, key)
            case "matches": matches = try strings(value, key).map(GlobPattern.init)
            case "attack":
                attack = try strings(value, key)
                for (index, technique) in attack.enumerated()
                where AttackCatalog.enterprise.technique(id: technique) == nil {
                    throw error("attack[\(index)]", value, "\(technique) is not an ATT&CK technique in the catalog")
                }
            case "steps":
                for (index, node) in try sequence(value, key).enumerated() {
                    let step = try step(node, "steps[\(index)]")
                    guard !steps.contains(where: { $0.id == step.id }) else {
                        throw error("steps[\(index)].id", node, "'\(step.id)' is used by an earlier step")
                    }
                    steps.append(step)
                }
            case "facts":
                for (index, node) in try sequence(value, key).enumerated() {
                    let fact = try fact(node, "facts[\(index)]")
                    guard !facts.contains(where: { $0.id == fact.id }) else {
                        throw error("facts[\(index)].id", node, "'\(fact.id)' is used by an earlier fact")
                    }
                    facts.append(fact)
                }
            case "benign":
                for (index, node) in try sequence(value, key).enumerated() {
                    benign.append((try strings(node, "benign[\(index)]"), node))
                }
            case "escalate":
                for (index, node) in try sequence(value, key).enumerated() {
                    escalate.append((try scalar(node, "escalate[\(index)]"), node))
                }
            case "on_close":
                for (index, node) in try sequence(value, key).enumerated() {
                    onClose.append(try step(node, "on_close[\(index)]"))
                }
            default: throw unknown(key, value)
            }
        }
        guard let id, !id.isEmpty else { throw PlaybookError("id: missing") }
        guard let title, !title.isEmpty else { throw PlaybookError("title: missing") }
        guard !matches.isEmpty else {
            throw PlaybookError("matches: list at least one rule id (or * for the generic playbook)")
        }
        // References.
        let stepIDs = Set(steps.map(\.id))
        let factIDs = Set(facts.map(\.id))
        for (index, fact) in facts.enumerated() where !stepIDs.contains(fact.step) && fact.step != "alert" {
            throw PlaybookError("facts[\(index)].step: no step '\(fact.step)' (nor 'alert', the alert itself)")
        }
        if stepIDs.contains("alert") {
            throw PlaybookError("steps: 'alert' is reserved for facts about the alert itself")
        }
        for (index, step) in steps.enumerated() {
            for (name, template) in step.arguments {
                for path in template.placeholders {
                    guard let (head, rest) = path.split, head == "steps" else { continue }
                    let earlier = Set(steps.prefix(index).map(\.id))
                    guard let target = rest?.split?.head, earlier.contains(target) else {
                        throw PlaybookError(
                            "steps[\(index)].arguments.\(name): '{{\(path)}}' must name an earlier step")
                    }
                }
            }
        }
        for (index, step) in onClose.enumerated() {
            for (name, template) in step.arguments {
                for path in template.placeholders {
                    guard let (head, rest) = path.split, head == "steps" else { continue }
                    guard let target = rest?.split?.head, stepIDs.contains(target) else {
                        throw PlaybookError("on_close[\(index)].arguments.\(name): '{{\(path)}}' must name a step")
                    }
                }
            }
        }
        for (index, (set, node)) in benign.enumerated() {
            for name in set where !factIDs.contains(name) {
                throw error("benign[\(index)]", node, "no fact '\(name)'")
            }
            if set.isEmpty { throw error("benign[\(index)]", node, "an empty set would close every alert") }
        }
        for (index, (name, node)) in escalate.enumerated() where !factIDs.contains(name) {
            throw error("escalate[\(index)]", node, "no fact '\(name)'")
        }
        return Playbook(
            id: id, title: title, matches: matches, attack: attack, steps: steps, facts: facts,
            benign: benign.map(\.0), escalate: escalate.map(\.0), onClose: onClose, source: "")
    }

    private func step(_ node: Node, _ path: String) throws(PlaybookError) -> Playbook.Step {
        var id: String?
        var tool: String?
        var toolNode = node
        var arguments: [(String, Template)] = []
        for (key, value) in try mapping(node, path) {
            switch key {
            case "id": id = try scalar(value, "\(path).id")
            case "tool":
                tool = try scalar(value, "\(path).tool")
                toolNode = value
            case "arguments":
                for (name, argument) in try mapping(value, "\(path).arguments") {
                    do throws(PlaybookError) {
                        arguments.append((name, try Template(try scalar(argument, "\(path).arguments.\(name)"))))
                    } catch {
                        throw self.error("\(path).arguments.\(name)", argument, error.description)
                    }
                }
            default: throw unknown("\(path).\(key)", value)
            }
        }
        guard let id, !id.isEmpty else { throw error("\(path).id", node, "missing") }
        guard let tool else { throw error("\(path).tool", node, "missing") }
        let parts = tool.split(separator: ".")
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw error("\(path).tool", toolNode, "'\(tool)' is not SERVER.TOOL")
        }
        return Playbook.Step(id: id, server: String(parts[0]), tool: String(parts[1]), arguments: arguments)
    }

    private func fact(_ node: Node, _ path: String) throws(PlaybookError) -> Playbook.Fact {
        var id: String?
        var claim: Template?
        var step: String?
        var valuePath: ValuePath?
        var test: FactTest?
        for (key, value) in try mapping(node, path) {
            do throws(PlaybookError) {
                switch key {
                case "id": id = try scalar(value, "\(path).id")
                case "claim": claim = try Template(try scalar(value, "\(path).claim"))
                case "step": step = try scalar(value, "\(path).step")
                case "path": valuePath = try ValuePath(try scalar(value, "\(path).path"))
                case "test": test = try self.test(value, "\(path).test")
                default: throw unknown("\(path).\(key)", value)
                }
            } catch {
                if error.description.hasPrefix(path) { throw error }
                throw self.error("\(path).\(key)", value, error.description)
            }
        }
        guard let id, !id.isEmpty else { throw error("\(path).id", node, "missing") }
        guard let claim else { throw error("\(path).claim", node, "missing") }
        guard let step else { throw error("\(path).step", node, "missing") }
        guard let valuePath else { throw error("\(path).path", node, "missing") }
        return Playbook.Fact(id: id, claim: claim, step: step, path: valuePath, test: test ?? .present)
    }

    private func test(_ node: Node, _ path: String) throws(PlaybookError) -> FactTest {
        if case .scalar(let s) = node {
            switch s.string {
            case "present": return .present
            case "absent": return .absent
            default: throw error(path, node, "'\(s.string)' is not a test: present, absent, or a mapping")
            }
        }
        let entries = try mapping(node, path)
        guard entries.count == 1, let (kind, value) = entries.first else {
            throw error(path, node, "give exactly one of equals, one_of, contains, at_least, at_most, count_at_least")
        }
        switch kind {
        case "equals": return .equals(json(value))
        case "one_of": return .oneOf(try sequence(value, "\(path).one_of").map(json))
        case "contains": return .contains(try scalar(value, "\(path).contains"))
        case "at_least", "at_most", "count_at_least":
            guard let number = Double(try scalar(value, "\(path).\(kind)")) else {
                throw error("\(path).\(kind)", value, "expected a number")
            }
            if kind == "count_at_least" { return .countAtLeast(Int(number)) }
            return kind == "at_least" ? .atLeast(number) : .atMost(number)
        default:
            throw error(
                "\(path).\(kind)", value,
                "unknown test: equals, one_of, contains, at_least, at_most, count_at_least, present, absent")
        }
    }

    /// A scalar as JSON: booleans, numbers and null keep their types; anything else is a string.
    private func json(_ node: Node) -> JSONValue {
        guard case .scalar(let s) = node else { return .string(node.string ?? "") }
        if s.style == .plain {
            switch s.string {
            case "true": return true
            case "false": return false
            case "null", "~": return .null
            default:
                if let int = Int64(s.string) { return .int(int) }
                if let double = Double(s.string) { return .double(double) }
            }
        }
        return .string(s.string)
    }

    private func strings(_ node: Node, _ path: String) throws(PlaybookError) -> [String] {
        if case .scalar(let s) = node { return [s.string] }
        var result: [String] = []
        for (index, item) in try sequence(node, path).enumerated() {
            result.append(try scalar(item, "\(path)[\(index)]"))
        }
        return result
    }

}
