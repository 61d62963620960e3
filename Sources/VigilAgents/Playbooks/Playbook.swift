import VigilCore
import VigilGuard

/// How to investigate one family of alerts: which facts to establish with which tools, which facts
/// make it benign and which make it an incident. Model tiers receive it as guidance; the offline
/// reasoner executes it.
///
/// ```yaml
/// id: iam-privilege-change
/// title: IAM privilege change
/// matches: [AWS.IAM.PrivilegeChange]
/// attack: [T1098.003]
/// steps:
///   - id: principal
///     tool: cloud.get_principal
///     arguments: {principal: "{{entity.cloud_principal}}"}
/// facts:
///   - id: automation
///     claim: "The principal is run by automation: {{value}}"
///     step: principal
///     path: principal.automation
///     test: present
/// benign:
///   - [automation, change_ticket]
/// escalate: [unusual_network]
/// on_close:                     # after a close, where the write is granted
///   - id: learn
///     tool: cloud.learn_ip_baseline
///     arguments: {entity: "{{entity.user}}", ip: "{{entity.ip}}", reason: "{{alert.title}}"}
/// ```
public struct Playbook: Sendable, Hashable {
    /// One tool call. A step whose arguments cannot be filled (the alert names no such entity) is
    /// skipped, and the facts that read it are unknown.
    public struct Step: Sendable, Hashable {
        public var id: String
        public var server: String
        public var tool: String
        public var arguments: [(String, Template)]

        public static func == (a: Step, b: Step) -> Bool {
            a.id == b.id && a.server == b.server && a.tool == b.tool && a.arguments.map(\.0) == b.arguments.map(\.0)
                && a.arguments.map(\.1) == b.arguments.map(\.1)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(id)
            hasher.combine(server)
            hasher.combine(tool)
        }
    }

    /// A question answered from a step's result: the values at `path`, tested.
    public struct Fact: Sendable, Hashable {
        public var id: String
        /// What the fact means when it holds; `{{value}}` is the first value found.
        public var claim: Template
        public var step: String
        public var path: ValuePath
        public var test: FactTest
    }

    public var id: String
    public var title: String
    /// Rule ids this playbook handles (`*` wildcards allowed).
    public var matches: [GlobPattern]
    public var attack: [String]
    public var steps: [Step]
    public var facts: [Fact]
    /// Sets of facts that together make the alert benign (any one set suffices).
    public var benign: [[String]]
    /// Facts any one of which makes the alert an incident.
    public var escalate: [String]
    /// Calls made after the alert was closed as a false positive, e.g. learning a new office address
    /// into the entity's baseline. Each runs only where the tier is offered the tool (its server's
    /// writes granted, the policy allowing it), through the Guard; none changes the verdict.
    public var onClose: [Step] = []
    /// Where it was read from.
    public var source: String

    public var isGeneric: Bool { matches.contains { $0.description == "*" } }
}

/// How a fact tests the values found at its path.
public enum FactTest: Sendable, Hashable {
    /// At least one non-null value.
    case present
    /// No value, or only nulls.
    case absent
    /// Some value equals this one.
    case equals(JSONValue)
    /// Some value equals one of these.
    case oneOf([JSONValue])
    /// Some string value contains this text (case-insensitive).
    case contains(String)
    /// Some number is at least this.
    case atLeast(Double)
    /// Some number is at most this.
    case atMost(Double)
    /// There are at least this many values.
    case countAtLeast(Int)

    func holds(for values: [JSONValue]) -> Bool {
        let present = values.filter { $0 != .null }
        switch self {
        case .present: return !present.isEmpty
        case .absent: return present.isEmpty
        case .equals(let expected): return present.contains(expected)
        case .oneOf(let options): return present.contains { options.contains($0) }
        case .contains(let text):
            let needle = text.lowercased()
            return present.contains { $0.stringValue?.lowercased().contains(needle) ?? false }
        case .atLeast(let bound): return present.contains { ($0.doubleValue ?? -.infinity) >= bound }
        case .atMost(let bound): return present.contains { ($0.doubleValue ?? .infinity) <= bound }
        case .countAtLeast(let count): return present.count >= count
        }
    }
}
