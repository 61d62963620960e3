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
    /// The cloud accounts that `value` names or that hold what it names (an account alias, an IAM user or role,
    /// an access key id, a resource's name or ARN; a role name can be in every account), empty if none is known.
    func accounts(of value: String) -> Set<String>
}

extension GroupDirectory {
    public func accounts(of value: String) -> Set<String> { [] }
}

/// A directory held in memory.
public struct StaticGroupDirectory: GroupDirectory {
    private let groupsByUser: [String: Set<String>]
    private let accountsByName: [String: Set<String>]

    /// `accounts`: the accounts of each name (alias, user, role, access key id, resource name or ARN).
    public init(_ groupsByUser: [String: Set<String>], accounts: [String: Set<String>] = [:]) {
        self.groupsByUser = Dictionary(
            groupsByUser.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $0.union($1) })
        self.accountsByName = Dictionary(
            accounts.map { ($0.key.lowercased(), Set($0.value.map { $0.lowercased() })) },
            uniquingKeysWith: { $0.union($1) })
    }

    public func groups(of user: String) -> Set<String>? { groupsByUser[user.lowercased()] }

    /// Every group someone belongs to.
    public var allGroups: Set<String> { groupsByUser.values.reduce(into: []) { $0.formUnion($1) } }

    public func accounts(of value: String) -> Set<String> { accountsByName[value.lowercased()] ?? [] }

    /// Every account id something is placed in: what an `in_account` condition may list (it compares ids).
    public var allAccountIDs: Set<String> {
        accountsByName.values.reduce(into: Set<String>()) { $0.formUnion($1) }
    }
}
