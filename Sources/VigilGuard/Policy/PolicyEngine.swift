import VigilCore

/// Decides every tool call against the `GuardPolicy`, in this order:
///
/// 1. deny by default: the tier must exist and list the tool under its class (`default-deny`,
///    `tier:NAME:CLASS`);
/// 2. a matching rule with decision `deny`, or an exceeded limit with decision `deny`, refuses — an
///    approval does not override it;
/// 3. a valid approval for exactly this call allows it (`approval:ID`);
/// 4. otherwise the call is held for approval if a matching rule says `approve`, if a limit would be
///    exceeded, if a tainted value fills a target argument of a write (`taint:ARGUMENT`), or if the tool
///    is destructive and no rule explicitly allows it (`destructive-needs-approval`);
/// 5. otherwise it is allowed, citing the explicit `allow` rule or the tier's allowlist.
///
/// Allowed calls count against the limits at once (decision and count in one exclusive transaction of the
/// `LimitLedger`), so concurrent calls, in this process or another sharing the ledger, cannot both slip under a
/// limit. A call a limit covers is refused (rule `limit-ledger`) when the ledger cannot be read or written: a limit
/// that cannot be counted is not let go.
public final class PolicyEngine: Sendable {
    public let policy: GuardPolicy
    private let directory: any GroupDirectory
    private let clock: any WallClock
    private let ledger: any LimitLedger

    public init(
        policy: GuardPolicy, directory: any GroupDirectory = StaticGroupDirectory([:]),
        clock: any WallClock = SystemWallClock(), ledger: any LimitLedger = InMemoryLimitLedger()
    ) {
        self.policy = policy
        self.directory = directory
        self.clock = clock
        self.ledger = ledger
    }

    /// One call to decide.
    public struct Request: Sendable {
        public var tier: String
        public var profile: ToolProfile
        public var arguments: JSONObject
        /// The id of an approval that has been checked to match this very call (tool and arguments).
        public var approval: String?

        public init(tier: String, profile: ToolProfile, arguments: JSONObject, approval: String? = nil) {
            self.tier = tier
            self.profile = profile
            self.arguments = arguments
            self.approval = approval
        }
    }

    /// Decides `request`; an allowed call is counted against the limits, unless `counting` is false (a dry run, a
    /// proposal that is not executed).
    public func evaluate(_ request: Request, taint: TaintLedger, counting: Bool = true) -> PolicyDecision {
        let toolClass = policy.toolClass(of: request.profile)
        var profile = request.profile
        profile.toolClass = toolClass
        let name = profile.qualifiedName
        func decide(_ d: GuardPolicy.Decision, _ rule: String, _ reason: String) -> PolicyDecision {
            PolicyDecision(decision: d, rule: rule, reason: reason, toolClass: toolClass)
        }

        // 1. Deny by default.
        guard let tier = policy.tiers[request.tier] else {
            return decide(.deny, "default-deny", "'\(request.tier)' is not a tier of the policy")
        }
        guard tier.allows(profile) else {
            return decide(.deny, "default-deny", "tier \(request.tier) may not call \(name) (\(toolClass.rawValue))")
        }

        // 2. Rules, in order: a deny wins outright; approve and allow are remembered.
        var needsApproval: PolicyDecision?
        var explicitAllow: GuardPolicy.Rule?
        for rule in policy.rules where applies(rule, to: profile, tier: request.tier, arguments: request.arguments) {
            switch rule.decision {
            case .deny: return decide(.deny, rule.name, ruleReason(rule, "refuses \(name)"))
            case .approve:
                if needsApproval == nil {
                    needsApproval = decide(.approve, rule.name, ruleReason(rule, "needs approval for \(name)"))
                }
            case .allow:
                if explicitAllow == nil { explicitAllow = rule }
            }
        }

        // Taint: a write's target filled by a value from untrusted content (or from nowhere).
        if toolClass != .read, needsApproval == nil {
            for (argument, value) in targets(of: profile, in: request.arguments) {
                let provenance = taint.provenance(of: value)
                guard provenance.isTainted else { continue }
                let origin: String
                switch provenance {
                case .untrusted(let source): origin = "first seen in untrusted content (\(source))"
                default: origin = "not seen in any trusted source"
                }
                needsApproval = decide(
                    .approve, "taint:\(argument)", "argument '\(argument)' = \"\(value.prefix(80))\" is \(origin)")
                break
            }
        }

        if toolClass == .destructive, needsApproval == nil, explicitAllow == nil {
            needsApproval = decide(
                .approve, "destructive-needs-approval", "\(name) is destructive and no rule allows it without approval")
        }

        // 3–5 in one exclusive transaction of the limits' ledger: check, decide, count. A call no limit covers
        // does not touch the ledger.
        let now = clock.now().millisecondsSinceEpoch
        let matching = policy.limits.filter { limit in limit.tools.contains { $0.matches(name) } }
        func settle(exceeded: (GuardPolicy.Limit, String)?) -> PolicyDecision {
            if let approval = request.approval {
                return decide(.allow, "approval:\(approval)", "a human approved this call")
            } else if let needsApproval {
                return needsApproval
            } else if let (limit, key) = exceeded {
                return decide(.approve, limit.name, limitReason(limit, key))
            } else if let explicitAllow {
                return decide(.allow, explicitAllow.name, ruleReason(explicitAllow, "allows \(name)"))
            }
            return decide(.allow, "tier:\(request.tier):\(toolClass.rawValue)", "tier \(request.tier) may call \(name)")
        }
        guard !matching.isEmpty else { return settle(exceeded: nil) }
        do {
            return try ledger.exclusively { counts in
                var exceeded: (GuardPolicy.Limit, String)?
                // A call whose `per` argument holds several values acts on each: each is counted, and the call is
                // held or refused if any has reached the limit.
                let keyed = matching.map { ($0, limitKeys($0, request.arguments)) }
                for (limit, keys) in keyed {
                    for key in keys {
                        let recent = try counts.count(
                            limit: limit.name, key: key, after: now - limit.windowSeconds * 1000)
                        guard recent >= limit.max else { continue }
                        if limit.decision == .deny { return decide(.deny, limit.name, limitReason(limit, key)) }
                        if exceeded == nil { exceeded = (limit, key) }
                    }
                }
                let result = settle(exceeded: exceeded)
                if result.decision == .allow, counting {
                    try counts.prune(before: now - Self.longestWindowSeconds * 1000)
                    for (limit, keys) in keyed {
                        for key in keys { try counts.record(limit: limit.name, key: key, at: now) }
                    }
                }
                return result
            }
        } catch {
            return decide(
                .deny, "limit-ledger",
                "\(name) falls under limit \(matching[0].name), and the counts of actions cannot be read: \(error)")
        }
    }

    /// The number of counted actions per limit and key within each limit's window, for status displays.
    public func limitLevels() throws -> [LimitLevel] {
        let now = clock.now().millisecondsSinceEpoch
        var since: [String: Int64] = [:]
        for limit in policy.limits { since[limit.name] = now - limit.windowSeconds * 1000 }
        return try ledger.levels(since: since).sorted { ($0.limit, $0.key) < ($1.limit, $1.key) }
    }

    // MARK: - Pieces

    private func applies(_ rule: GuardPolicy.Rule, to profile: ToolProfile, tier: String, arguments: JSONObject) -> Bool
    {
        guard rule.classes.contains(profile.toolClass), rule.tiers.isEmpty || rule.tiers.contains(tier),
            rule.tools.contains(where: { $0.matches(profile.qualifiedName) })
        else { return false }
        return rule.conditions.allSatisfy { holds($0, arguments, restrictive: rule.decision != .allow) }
    }

    private func holds(_ condition: GuardPolicy.Condition, _ arguments: JSONObject, restrictive: Bool) -> Bool {
        var values: [String] = []
        if let argument = condition.argument {
            if let value = arguments[argument] { value.appendScalarTexts(to: &values) }
        } else {
            for (_, value) in arguments { value.appendScalarTexts(to: &values) }
        }
        func matches(_ value: String) -> Bool {
            switch condition.test {
            case .equals(let options): return options.contains(value.lowercased())
            case .matches(let patterns): return patterns.contains { $0.matches(value) }
            case .contains(let parts):
                let lowered = value.lowercased()
                return parts.contains { lowered.contains($0) }
            case .memberOf(let groups):
                guard let member = directory.groups(of: value) else { return false }
                return groups.contains { member.contains($0) }
            case .inAccount(let accounts):
                let lowered = value.lowercased()
                if accounts.contains(where: { lowered.contains($0) }) { return true }
                return !directory.accounts(of: value).isDisjoint(with: accounts)
            }
        }
        // An argument can hold several values (a list, nested strings, every string for "*"). A rule that refuses
        // or holds a call applies when any value could set it off; one that allows applies only when every value
        // agrees, so that a list mixing a value it allows with one it does not gains nothing either way:
        // `channel not in [#soc]` refuses ["#soc", "#general"], and `login member_of [contractors]` allows no
        // list that holds an executive.
        if restrictive {
            return condition.negated
                ? values.isEmpty || values.contains { !matches($0) } : values.contains(where: matches)
        }
        return condition.negated ? !values.contains(where: matches) : !values.isEmpty && values.allSatisfy(matches)
    }

    /// The target arguments' string values: the profile's targets, or every string argument.
    private func targets(of profile: ToolProfile, in arguments: JSONObject) -> [(String, String)] {
        var result: [(String, String)] = []
        for (name, value) in arguments where profile.targets?.contains(name) ?? true {
            var strings: [String] = []
            value.appendScalarTexts(to: &strings)
            for s in strings { result.append((name, s)) }
        }
        return result
    }

    /// How long a limit's window may be (the policy refuses longer): what is older is pruned from the ledger.
    static let longestWindowSeconds: Int64 = 366 * 86_400

    /// The keys a call counts under for `limit`: `*` for a limit over everything, else each value of its `per`
    /// argument (lowercased, once each), or the empty key when it has none.
    private func limitKeys(_ limit: GuardPolicy.Limit, _ arguments: JSONObject) -> [String] {
        guard let per = limit.per else { return ["*"] }
        var values: [String] = []
        if let value = arguments[per] { value.appendScalarTexts(to: &values) }
        var seen = Set<String>()
        let keys = values.map { $0.lowercased() }.filter { seen.insert($0).inserted }
        return keys.isEmpty ? [""] : keys
    }

    private func ruleReason(_ rule: GuardPolicy.Rule, _ fallback: String) -> String {
        rule.description.isEmpty ? "rule \(rule.name) \(fallback)" : rule.description
    }

    private func limitReason(_ limit: GuardPolicy.Limit, _ key: String) -> String {
        let scope = limit.per.map { " for \($0) \(key)" } ?? ""
        return
            "limit \(limit.name): at most \(limit.max) in \(Self.window(limit.windowSeconds))\(scope) already reached"
    }

    /// A limit's window as it would be written: `24 h`, `90 min`, `30 s`.
    public static func window(_ seconds: Int64) -> String {
        if seconds >= 3600, seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        if seconds >= 60, seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
