import Foundation
import Logging
import VigilAgents
import VigilCore
import VigilGuard
import VigilLab
import VigilMCP
import VigilPlatforms

/// Builds the Guard's parts from the configuration.
enum GuardSetup {
    /// The policy at `guard.policy`; the embedded default when that is the default path and absent.
    static func policy(
        _ configuration: VigilConfiguration, path explicit: String? = nil
    ) throws(CLIError) -> (GuardPolicy, String) {
        let path = explicit ?? configuration.guardrails.policy
        guard FileManager.default.fileExists(atPath: path) else {
            if explicit == nil && path == configuration.place(VigilConfiguration.Guardrails.defaultPolicy) {
                return (GuardPolicy.standard, "the embedded default policy")
            }
            throw .noInput("\(path): no policy file here\(explicit == nil ? " (guard.policy)" : "")")
        }
        let text = try InputFile.text(path, "policy file")
        do {
            return (try GuardPolicy.parse(yaml: text), path)
        } catch {
            throw .config("\(path): \(error.description)")
        }
    }

    /// What the policy may name: Vigil's tools with their arguments, the third-party servers' (their tools when
    /// `remote` lists them, else any name under the server), the directory's groups, the agents' tiers.
    static func catalogue(
        _ configuration: VigilConfiguration, servers: [PlatformServer], remote: [ListedTool]? = nil,
        directory: StaticGroupDirectory
    ) -> PolicyCatalogue {
        var tools: [String: Set<String>] = [:]
        for server in servers {
            for tool in server.tools {
                tools["\(server.kind.rawValue).\(tool.name)"] = Set(tool.parameters.map(\.name))
            }
        }
        var open: Set<String> = []
        if let remote {
            for tool in remote {
                tools["\(tool.profile.server).\(tool.name)"] = Set(
                    (tool.inputSchema["properties"]?.objectValue).map { $0.map(\.key) } ?? [])
            }
        } else {
            open = Set(configuration.mcp.servers.map(\.name))
        }
        return PolicyCatalogue(
            tools: tools, openServers: open, groups: directory.allGroups, accounts: directory.allAccountIDs)
    }

    /// Refuses a policy that names a tool, argument, group or tier that does not exist (each is listed): the rule
    /// it was written for would never apply.
    static func requireKnownNames(_ policy: GuardPolicy, source: String, _ catalogue: PolicyCatalogue) throws(CLIError)
    {
        let problems = policy.problems(against: catalogue)
        guard problems.isEmpty else {
            throw .config(
                "\(source): \(problems.count) problem\(problems.count == 1 ? "" : "s") (a rule that names what does not exist never applies; a tier left out may call nothing):\n  "
                    + problems.joined(separator: "\n  "))
        }
    }

    /// Group membership and cloud accounts for `member_of` and `in_account` conditions: the file `guard.directory`
    /// names (exit 66 when it cannot be read, 78 when it is not a directory file), else the lab's directory.
    static func directory(_ configuration: VigilConfiguration) throws(CLIError) -> StaticGroupDirectory {
        let path = configuration.guardrails.directory
        if !path.isEmpty {
            let text = try InputFile.text(path, "directory file (guard.directory)")
            do {
                return try StaticGroupDirectory.parse(yaml: text)
            } catch {
                throw .config("\(path): \(error.description)")
            }
        }
        let enterprise = Enterprise.generate(seed: configuration.lab.enterpriseSeed)
        // What each cloud name belongs to, so that a rule on an account holds for what is named without it.
        var accounts: [String: Set<String>] = [:]
        for account in enterprise.accounts {
            var names = [account.id, account.alias]
            for user in account.users { names += [user.name, user.arn] + user.accessKeys.map(\.id) }
            for role in account.roles { names += [role.name, role.arn] }
            for resource in account.resources { names += [resource.name, resource.arn] }
            for name in names { accounts[name, default: []].insert(account.id) }
        }
        return StaticGroupDirectory(
            Dictionary(enterprise.people.map { ($0.login, Set($0.groups)) }, uniquingKeysWith: { $0.union($1) }),
            accounts: accounts)
    }

    /// The approvals database when it exists; nil before anything has made one. The commands that only read or
    /// decide (listing, a dry run, a decision, a report) create none to say there is nothing in it.
    static func existingApprovals(_ configuration: VigilConfiguration) throws(CLIError) -> ApprovalBook? {
        guard FileManager.default.fileExists(atPath: configuration.guardrails.approvals) else { return nil }
        return try approvals(configuration)
    }

    static func approvals(_ configuration: VigilConfiguration) throws(CLIError) -> ApprovalBook {
        do {
            return try ApprovalBook(
                path: configuration.guardrails.approvals,
                lifetimeSeconds: Int64(configuration.guardrails.approvalTTLSeconds))
        } catch {
            throw .cannotCreate(error.description)
        }
    }

    /// The Guard's `announce` and `announceDecision` hooks (`guard.announce`): each new approval request, and each
    /// decision on one, posted to a channel through a configured chat server's tool or, by default, the lab's
    /// simulated chat. When `server` is empty nothing is posted: each request is noted as not announced, and no
    /// decision is. A server of `mcp.servers` must list the tool, and the tool must take the channel and the text
    /// under the configured argument names and need no other. A post that fails, or that its server does not
    /// confirm, is logged as a warning (the Guard audits both).
    static func announcers(
        _ configuration: VigilConfiguration, platforms: Platforms, remotes: [RemoteServer], logger: Logger
    ) throws(CLIError) -> (request: Guard.Announcer, decision: Guard.Announcer?) {
        let settings = configuration.guardrails.announce
        guard !settings.server.isEmpty else {
            // Off: each request is still noted, on stderr and in the audit log, as not announced.
            return (
                { approval in
                    logger.notice(
                        "approval requested; not announced (guard.announce.server is empty): it waits in `vigil guard approvals`",
                        metadata: [
                            "approval": "\(approval.id)", "tool": "\(approval.tool)", "case": "\(approval.caseID)",
                        ])
                    var off = ApprovalAnnouncer.Failure(ApprovalAnnouncer.off)
                    off.auditKind = "approval_not_announced"
                    throw off
                }, nil
            )
        }
        let announcer: ApprovalAnnouncer
        if let remote = remotes.first(where: { $0.name == settings.server }) {
            announcer = try chatAnnouncer(remote, settings)
        } else {
            let collaboration = platforms.collaboration
            announcer = ApprovalAnnouncer(
                server: settings.server, channel: settings.channel,
                route: .lab { channel, text in try await collaboration.postMessage(channel: channel, text: text) })
        }
        return (
            request: logged(announcer, logger, decision: false) { try await $0.announce($1) },
            decision: logged(announcer, logger, decision: true) { try await $0.announceDecision($1) }
        )
    }

    /// The announcer of a chat server of `mcp.servers` (connected), once its tool is checked.
    static func chatAnnouncer(
        _ remote: RemoteServer, _ settings: VigilConfiguration.Guardrails.Announce
    ) throws(CLIError) -> ApprovalAnnouncer {
        guard let tool = remote.tools.first(where: { $0.name == settings.tool }) else {
            throw .config(
                "guard.announce.tool: server \(remote.name) has no tool \(settings.tool) (its tools: \(remote.tools.map(\.name).sorted().joined(separator: ", ")))"
            )
        }
        try checkArguments(of: tool, server: remote.name, settings)
        return ApprovalAnnouncer(
            server: settings.server, channel: settings.channel,
            route: .tool(
                remote.connection, name: settings.tool, channelArgument: settings.channelArgument,
                textArgument: settings.textArgument, timeoutSeconds: Double(settings.timeoutSeconds)))
    }

    /// `post` through `announcer`, its outcome logged (of a request, or of a `decision` on one).
    static func logged(
        _ announcer: ApprovalAnnouncer, _ logger: Logger, decision: Bool,
        _ post: @escaping @Sendable (ApprovalAnnouncer, Approval) async throws -> JSONObject
    ) -> Guard.Announcer {
        let settings = (server: announcer.server, channel: announcer.channel)
        let what = decision ? "approval decided" : "approval requested"
        return { approval in
            do {
                let posted = try await post(announcer, approval)
                // The tool and the case id come from the agents and the alert: cleaned for the terminal.
                var metadata: Logger.Metadata = [
                    "approval": "\(approval.id)", "tool": "\(ApprovalAnnouncer.Failure(approval.tool))",
                    "case": "\(ApprovalAnnouncer.Failure(approval.caseID))", "channel": "\(settings.channel)",
                ]
                if posted["simulated"] == true {
                    logger.notice(
                        "\(what); announced in the lab's simulated chat only (set guard.announce.server to a chat server of mcp.servers to reach people)",
                        metadata: metadata)
                } else if posted["confirmed"] == false {
                    metadata["answer"] = "\(posted["answer"]?.stringValue ?? "")"
                    logger.warning(
                        "\(what); posted, but the chat server's answer does not confirm the message",
                        metadata: metadata)
                } else {
                    logger.notice("\(what) and announced", metadata: metadata)
                }
                return posted
            } catch {
                logger.warning(
                    decision
                        ? "approval decided; the decision was not announced (it stands)"
                        : "approval request not announced; it waits in `vigil guard approvals`",
                    metadata: [
                        "approval": "\(approval.id)", "server": "\(settings.server)", "channel": "\(settings.channel)",
                        "error": "\(error)",
                    ])
                throw error
            }
        }
    }

    /// The announcing tool must take the channel and the text under the configured names (when its input schema
    /// lists its arguments) and require nothing else.
    static func checkArguments(
        of tool: ListedTool, server: String, _ settings: VigilConfiguration.Guardrails.Announce
    ) throws(CLIError) {
        let schema = tool.inputSchema
        let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        let named = [settings.channelArgument, settings.textArgument]
        if let properties = schema["properties"]?.objectValue {
            let takes = properties.keys.sorted().joined(separator: ", ")
            for (key, name) in zip(["channel_argument", "text_argument"], named) {
                guard let property = properties[name] else {
                    throw .config(
                        "guard.announce.\(key): \(server).\(tool.name) takes no argument \(name) (it takes \(takes.isEmpty ? "none" : takes))"
                    )
                }
                // A declared type must admit a string (a channel id typed as a number would fail every post).
                if let declared = property["type"] {
                    let types = declared.arrayValue?.compactMap(\.stringValue) ?? [declared.stringValue ?? "?"]
                    guard types.contains("string") else {
                        throw .config(
                            "guard.announce.\(key): \(server).\(tool.name) takes \(name) as \(types.joined(separator: " or ")), not as text"
                        )
                    }
                }
            }
        }
        let others = required.filter { !named.contains($0) }
        guard others.isEmpty else {
            throw .config(
                "guard.announce.tool: \(server).\(tool.name) also requires \(others.joined(separator: ", ")), which an announcement cannot give"
            )
        }
    }

    /// The Guard's buckets: `guard.rate_limits` by name; a third-party server (`mcp.servers`) not named there gets
    /// `guard.rate_limit`, its quota being someone else's; Vigil's own servers answer from the lab or the local
    /// store, which have no quota, so they are unlimited unless named. A server listed under `guard.vendors` takes
    /// a token from its vendor's bucket too.
    static func rateLimiter(_ configuration: VigilConfiguration) -> RateLimiter {
        let g = configuration.guardrails
        var limits = g.rateLimits.mapValues { RateLimiter.Limit(ratePerSecond: $0.perSecond, burst: $0.burst) }
        for server in configuration.mcp.servers where limits["server:\(server.name)"] == nil {
            limits["server:\(server.name)"] = RateLimiter.Limit(
                ratePerSecond: g.rateLimit.perSecond, burst: g.rateLimit.burst)
        }
        // A vendor's bucket is limited only when guard.rate_limits names it; listed alone, the vendor's servers still
        // share its holds (a 429 one of them meets).
        var vendors: [String: String] = [:]
        for (vendor, servers) in g.vendors {
            for server in servers { vendors[server] = vendor }
        }
        return RateLimiter(limits: limits, default: .unlimited, vendors: vendors)
    }
}

extension GuardSetup {
    /// The second reader of `guard.intent_model`, or nil when none is configured.
    static func intentReview(
        _ configuration: VigilConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CLIError) -> IntentReview? {
        guard let settings = configuration.guardrails.intentModel else { return nil }
        var key: String?
        if !settings.apiKeyEnvironment.isEmpty {
            guard let value = environment[settings.apiKeyEnvironment], !value.isEmpty else {
                throw .config(
                    "guard.intent_model.api_key_env: the environment variable \(settings.apiKeyEnvironment) is not set")
            }
            key = value
        }
        let model: TEIIntentModel
        do {
            model = try TEIIntentModel(
                url: settings.url, injectionLabels: settings.labels, apiKey: key, batchSize: settings.batchSize,
                http: ModelHTTP(
                    retry: .init(attempts: 2, baseDelaySeconds: 0.25, maxDelaySeconds: 2, maxRetryAfterSeconds: 5),
                    timeoutSeconds: Int64(settings.timeoutSeconds)))
        } catch {
            throw .config("guard.intent_model: \(error)")
        }
        guard let onFailure = IntentReview.FailureMode(rawValue: settings.onFailure) else {
            throw .config("guard.intent_model.on_failure: '\(settings.onFailure)' is not quarantine or pass")
        }
        return IntentReview(
            model: model,
            settings: .init(
                threshold: settings.threshold, minBytes: settings.minBytes, chunkBytes: settings.chunkBytes,
                maxTexts: settings.maxTexts, onFailure: onFailure, cooldownSeconds: Double(settings.cooldownSeconds),
                scannerWeight: settings.scannerWeight, scannerFloor: settings.scannerFloor))
    }
}
