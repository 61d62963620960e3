/// What the policy decided about one call, and the rule that decided it.
public struct PolicyDecision: Sendable, Hashable, CustomStringConvertible {
    public var decision: GuardPolicy.Decision
    /// The deciding rule: a rule or limit name from the policy, or one of the built-in ones —
    /// `default-deny`, `tier:NAME:CLASS` (the tier's allowlist), `destructive-needs-approval`,
    /// `taint:ARGUMENT`, `approval:ID`.
    public var rule: String
    /// Why, in a sentence.
    public var reason: String
    /// The tool's class under the policy.
    public var toolClass: ToolClass

    public init(decision: GuardPolicy.Decision, rule: String, reason: String, toolClass: ToolClass) {
        self.decision = decision
        self.rule = rule
        self.reason = reason
        self.toolClass = toolClass
    }

    public var description: String { "\(decision.rawValue) by \(rule): \(reason)" }
}

/// Who belongs to which group, for `member_of` conditions (the identity platform, or the lab's directory).
public protocol GroupDirectory: Sendable {
    /// The groups of `user` (a login), or nil if the directory does not know them.
    func groups(of user: String) -> Set<String>?
}

/// A directory held in memory.
public struct StaticGroupDirectory: GroupDirectory {
    private let groupsByUser: [String: Set<String>]

    public init(_ groupsByUser: [String: Set<String>]) {
        self.groupsByUser = Dictionary(
            groupsByUser.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $0.union($1) })
    }

    public func groups(of user: String) -> Set<String>? { groupsByUser[user.lowercased()] }
}
