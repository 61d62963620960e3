/// What a policy may name, to check it against: a policy that names a tool, an argument, a group or a tier that
/// does not exist parses, but the rule it was written for then never applies (`identty.suspend_user` in a deny
/// rule leaves the call to the next rule), so those names are checked before the policy is used.
public struct PolicyCatalogue: Sendable {
    /// `SERVER.TOOL` (as the policy names Vigil's tools, `identity.suspend_user`) and each tool's argument names.
    public var tools: [String: Set<String>]
    /// Servers whose tools are not known here (third-party servers before they are connected): a name under one
    /// of them is accepted as it is.
    public var openServers: Set<String>
    /// The directory's groups, for `member_of`; nil: not known here.
    public var groups: Set<String>?
    /// The directory's cloud account ids, for `in_account` (which lists ids); nil: not known here.
    public var accounts: Set<String>?
    /// The tiers the agents run as: each must have an allowlist.
    public var agentTiers: [String]

    public init(
        tools: [String: Set<String>], openServers: Set<String> = [], groups: Set<String>? = nil,
        accounts: Set<String>? = nil, agentTiers: [String] = ["tier1", "tier2", "tier3"]
    ) {
        self.tools = tools
        self.openServers = openServers
        self.groups = groups
        self.accounts = accounts
        self.agentTiers = agentTiers
    }
}

extension GuardPolicy {
    /// Every name in the policy that `catalogue` does not know, as a message naming where it is; empty when
    /// the policy names only what exists.
    public func problems(against catalogue: PolicyCatalogue) -> [String] {
        var found: [String] = []
        for tier in catalogue.agentTiers where tiers[tier] == nil {
            found.append(
                "tiers: \(tier) is missing, so its agent may call no tool (deny by default); the tiers are \(tiers.keys.sorted().joined(separator: ", "))"
            )
        }
        for name in tiers.keys.sorted() {
            let tier = tiers[name]!
            for toolClass in ToolClass.allCases {
                for pattern in tier.allowed[toolClass, default: []] {
                    found += unknown(pattern, at: "tiers.\(name).\(toolClass.rawValue)", catalogue)
                }
            }
        }
        for override in classes { found += unknown(override.pattern, at: "classes", catalogue) }
        for rule in rules {
            let place = "rule \(rule.name)"
            for pattern in rule.tools { found += unknown(pattern, at: "\(place): tools", catalogue) }
            for tier in rule.tiers.sorted() where tiers[tier] == nil {
                found.append("\(place): tiers: \(tier) is not a tier of the policy")
            }
            let named = matched(rule.tools, catalogue)
            for condition in rule.conditions {
                if let argument = condition.argument {
                    found += missing(argument: argument, in: named, at: "\(place): argument", catalogue)
                }
                if case .memberOf(let groups) = condition.test, let known = catalogue.groups {
                    for group in groups where !known.contains(group) {
                        found.append(
                            "\(place): member_of: \(group) is no group of the directory\(Self.suggestion(group, known))"
                        )
                    }
                }
                if case .inAccount(let accounts) = condition.test, let known = catalogue.accounts {
                    let lowered = Set(known.map { $0.lowercased() })
                    for account in accounts where !lowered.contains(account) {
                        found.append(
                            "\(place): in_account: \(account) is no account id of the directory\(Self.suggestion(account, lowered))"
                        )
                    }
                }
            }
        }
        let ruleNames = Set(rules.map(\.name))
        var limitNames = Set<String>()
        for limit in limits {
            let place = "limit \(limit.name)"
            // Decisions cite the name, and the counts are kept under it: two limits under one name would share one.
            if !limitNames.insert(limit.name).inserted {
                found.append("\(place): the name is used by an earlier limit (each limit is counted under its name)")
            } else if ruleNames.contains(limit.name) {
                found.append("\(place): the name is a rule's too (decisions cite it, so it must name one thing)")
            }
            for pattern in limit.tools { found += unknown(pattern, at: "\(place): tools", catalogue) }
            if let per = limit.per {
                found += missing(argument: per, in: matched(limit.tools, catalogue), at: "\(place): per", catalogue)
            }
        }
        for pattern in taint.untrusted + taint.trusted where pattern.text.contains(".") {
            found += unknown(pattern, at: "taint", catalogue)
        }
        return found
    }

    /// The known tools `patterns` match.
    private func matched(_ patterns: [GlobPattern], _ catalogue: PolicyCatalogue) -> [String] {
        catalogue.tools.keys.filter { tool in patterns.contains { $0.matches(tool) } }.sorted()
    }

    private func unknown(_ pattern: GlobPattern, at place: String, _ catalogue: PolicyCatalogue) -> [String] {
        if catalogue.tools.keys.contains(where: { pattern.matches($0) }) { return [] }
        let server = pattern.text.split(separator: ".", maxSplits: 1).first.map(String.init) ?? pattern.text
        if catalogue.openServers.contains(where: { GlobPattern(server).matches($0) }) { return [] }
        return [
            "\(place): \(pattern.text) names no tool\(Self.suggestion(pattern.text, Set(catalogue.tools.keys)))"
        ]
    }

    /// A condition's argument that none of the rule's known tools takes. Rules on third-party tools only are
    /// not checked (their arguments are not known here).
    private func missing(
        argument: String, in tools: [String], at place: String, _ catalogue: PolicyCatalogue
    ) -> [String] {
        guard !tools.isEmpty else { return [] }
        if tools.contains(where: { catalogue.tools[$0]?.contains(argument) == true }) { return [] }
        let arguments = Set(tools.flatMap { catalogue.tools[$0] ?? [] })
        let shown = tools.count > 3 ? tools.prefix(3).joined(separator: ", ") + ", …" : tools.joined(separator: ", ")
        return [
            "\(place): none of its tools (\(shown)) takes an argument \(argument)\(Self.suggestion(argument, arguments))"
        ]
    }

    /// " (did you mean X?)" for the known name closest to `name`, if it is close.
    static func suggestion(_ name: String, _ known: Set<String>) -> String {
        let lowered = name.lowercased()
        let best = known.map { ($0, distance(lowered, $0.lowercased())) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
        guard let best, best.1 <= max(2, lowered.count / 4) else { return "" }
        return " (did you mean \(best.0)?)"
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
