/// The Guard's policy (`policies/guard.yaml`): which tier may call which tool, which calls are
/// denied outright, which need a human approval, how many actions a window allows, and what counts
/// as untrusted content. Deny by default: a call no tier list names is refused.
public struct GuardPolicy: Sendable, Hashable {
    /// The tools a tier may call, by class. A pattern in `destructive` lets the tier *ask*: destructive
    /// calls still need an approval unless a rule with decision `allow` names them.
    public struct Tier: Sendable, Hashable {
        public var name: String
        public var allowed: [ToolClass: [GlobPattern]]

        public init(name: String, allowed: [ToolClass: [GlobPattern]]) {
            self.name = name
            self.allowed = allowed
        }

        public func allows(_ profile: ToolProfile) -> Bool {
            allowed[profile.toolClass, default: []].contains { $0.matches(profile.qualifiedName) }
        }
    }

    /// What a rule or an exceeded limit decides.
    public enum Decision: String, Sendable, Hashable, CaseIterable {
        /// Let the call through (for destructive tools: without asking a human).
        case allow
        /// Refuse, whatever else says; an approval does not override it.
        case deny
        /// Hold the call until a human approves it.
        case approve
    }

    /// A test on one argument (or, with `argument: "*"`, on any string argument).
    public struct Condition: Sendable, Hashable {
        public enum Test: Sendable, Hashable {
            /// Equal (case-insensitive) to one of the values.
            case equals([String])
            /// Matches one of the glob patterns.
            case matches([GlobPattern])
            /// Contains one of the values (case-insensitive).
            case contains([String])
            /// Names a user who belongs to one of the groups (asked of the directory).
            case memberOf([String])
            /// Names one of the cloud accounts (contains its id, as an ARN does) or something the directory
            /// places in one of them: a user, role, access key or resource named without its account.
            case inAccount([String])
        }

        /// The argument's name, or nil for "any string argument".
        public var argument: String?
        public var test: Test
        /// Inverts the test (`not: true`).
        public var negated: Bool

        public init(argument: String?, test: Test, negated: Bool = false) {
            self.argument = argument
            self.test = test
            self.negated = negated
        }
    }

    /// A named rule: when a call to one of `tools` (of one of `classes`, by one of `tiers`) meets every
    /// condition, the rule decides.
    public struct Rule: Sendable, Hashable {
        public var name: String
        public var description: String
        public var tools: [GlobPattern]
        public var classes: Set<ToolClass>
        public var tiers: Set<String>
        public var conditions: [Condition]
        public var decision: Decision

        public init(
            name: String, description: String = "", tools: [GlobPattern],
            classes: Set<ToolClass> = Set(ToolClass.allCases),
            tiers: Set<String> = [], conditions: [Condition] = [], decision: Decision
        ) {
            self.name = name
            self.description = description
            self.tools = tools
            self.classes = classes
            self.tiers = tiers
            self.conditions = conditions
            self.decision = decision
        }
    }

    /// At most `max` allowed calls to `tools` within `windowSeconds` — overall, or per value of the
    /// argument `per` (e.g. per login). The call that would exceed it gets `decision`.
    public struct Limit: Sendable, Hashable {
        public var name: String
        public var tools: [GlobPattern]
        public var per: String?
        public var max: Int
        public var windowSeconds: Int64
        public var decision: Decision

        public init(
            name: String, tools: [GlobPattern], per: String? = nil, max: Int, windowSeconds: Int64, decision: Decision
        ) {
            self.name = name
            self.tools = tools
            self.per = per
            self.max = max
            self.windowSeconds = windowSeconds
            self.decision = decision
        }
    }

    /// Where untrusted content comes from: `alert` (its title, description, context and raw events), the
    /// tools (patterns) whose results an attacker can write into (logs, tickets, chat), and every tool of a
    /// third-party server unless `trusted` names it (someone vouches for what that server returns).
    public struct Taint: Sendable, Hashable {
        public var untrusted: [GlobPattern]
        public var trusted: [GlobPattern]

        public init(untrusted: [GlobPattern], trusted: [GlobPattern] = []) {
            self.untrusted = untrusted
            self.trusted = trusted
        }

        /// `external`: the source is a tool of a third-party server.
        public func isUntrusted(_ source: String, external: Bool = false) -> Bool {
            untrusted.contains { $0.matches(source) } || (external && !trusted.contains { $0.matches(source) })
        }
    }

    /// A class that overrides what the tools matching `pattern` declare.
    public struct ClassOverride: Sendable, Hashable {
        public var pattern: GlobPattern
        public var toolClass: ToolClass

        public init(_ pattern: GlobPattern, _ toolClass: ToolClass) {
            self.pattern = pattern
            self.toolClass = toolClass
        }
    }

    public var tiers: [String: Tier]
    /// Classes that override what tools declare, by pattern (first match wins).
    public var classes: [ClassOverride]
    public var rules: [Rule]
    public var limits: [Limit]
    public var taint: Taint

    public init(
        tiers: [String: Tier], classes: [ClassOverride] = [], rules: [Rule] = [],
        limits: [Limit] = [], taint: Taint = Taint(untrusted: [GlobPattern("alert")])
    ) {
        self.tiers = tiers
        self.classes = classes
        self.rules = rules
        self.limits = limits
        self.taint = taint
    }

    /// The class a tool has under this policy: an override, else what the tool declares.
    public func toolClass(of profile: ToolProfile) -> ToolClass {
        classes.first { $0.pattern.matches(profile.qualifiedName) }?.toolClass ?? profile.toolClass
    }
}
