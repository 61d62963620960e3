import ArgumentParser
import Foundation
import Logging
import VigilAgents
import VigilCore
import VigilGuard
import VigilMCP

struct GuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "The Guard: scan for prompt injection, check the policy, decide approvals, watch for drift.",
        discussion: "See docs/security.md for the policy format, the scanner and the approval flow.",
        subcommands: [
            GuardScanCommand.self, GuardPolicyCommand.self, GuardCheckCommand.self, GuardApprovalsCommand.self,
            GuardApproveCommand.self, GuardDenyCommand.self, GuardApproverTokenCommand.self, GuardDriftCommand.self,
        ])
}

struct GuardScanCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan text or JSON for prompt injection, one input per line; print one verdict per line.",
        discussion: """
            Each line is scanned as JSON if it parses (every string in it), otherwise as text. Each verdict is \
            {"injection":bool,"score":number,"findings":[{"feature","path","excerpt","weight"}]}. Empty lines \
            give no verdict. With guard.intent_model configured (or --intent-model), the model reads each input's \
            prose after the scanner, as the Guard has it read tool results. Exit 0 whatever the verdicts; 66 if the \
            input cannot be read.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The input file, or - for standard input.", valueName: "file"))
    var file: String = "-"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Score at or above which an input is an injection (default: guard.scan_threshold).", valueName: "score"))
    var threshold: Double?

    @Option(
        name: .customLong("intent-model"),
        help: ArgumentHelp(
            "A text-embeddings-inference server to read the prose too, instead of guard.intent_model's.",
            valueName: "url"))
    var intentModel: String?

    @Flag(name: .customLong("no-intent-model"), help: "The scanner alone, even if guard.intent_model is set.")
    var noIntentModel = false

    func validate() throws {
        try InputFile.requireStandardInputOnce([(file, file), ("--config \(global.config ?? "")", global.config)])
        if intentModel != nil && noIntentModel {
            throw ValidationError("--intent-model and --no-intent-model exclude each other")
        }
        if let threshold, !(threshold > 0 && threshold <= 1) {
            throw ValidationError("--threshold must be in (0, 1], got \(threshold)")
        }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        let scanner = InjectionScanner(threshold: threshold ?? configuration.guardrails.scanThreshold)
        var configuration = configuration
        if let intentModel {
            var settings = configuration.guardrails.intentModel ?? .init(url: intentModel)
            settings.url = intentModel
            configuration.guardrails.intentModel = settings
        }
        let review = noIntentModel ? nil : try GuardSetup.intentReview(configuration)
        let stream: UnsafeMutablePointer<FILE>
        if file == "-" {
            try InputFile.requireStandardInput()
            guard let input = fdopen(dup(STDIN_FILENO), "r") else { throw .noInput("cannot read standard input") }
            stream = input
        } else {
            guard let opened = fopen(file, "r") else {
                throw .noInput("\(file): cannot open (\(String(cString: strerror(errno))))")
            }
            stream = opened
        }
        defer { fclose(stream) }
        var out = StdoutWriter()
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while true {
            let length = getline(&line, &capacity, stream)
            guard length >= 0, let line else { break }
            var bytes = UnsafeBufferPointer(
                start: UnsafeRawPointer(line).assumingMemoryBound(to: UInt8.self), count: length)
            while let last = bytes.last, last == 0x0A || last == 0x0D {
                bytes = UnsafeBufferPointer(rebasing: bytes.dropLast())
            }
            guard !bytes.isEmpty else { continue }
            let verdict: ScanVerdict
            if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }),
                first == 0x7B || first == 0x5B || first == 0x22,
                let value = try? JSONParser.parse(bytes)
            {
                let local = scanner.scan(value)
                verdict = await review?.review(value, verdict: local) ?? local
            } else {
                let text = String(decoding: bytes, as: UTF8.self)
                let local = scanner.scan(text: text)
                verdict = await review?.review(.string(text), verdict: local) ?? local
            }
            var encoded: [UInt8] = []
            verdict.json.write(to: &encoded)
            encoded.append(0x0A)
            guard out.write(encoded) else { break }
        }
        if ferror(stream) != 0 { throw .noInput("\(file): read error (\(String(cString: strerror(errno))))") }
        out.flush()
        if let failure = out.failure { throw .cannotCreate("cannot write to standard output: \(failure)") }
    }
}

struct GuardPolicyCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check a policy file and summarise it (default: guard.policy, or the embedded default).",
        discussion: """
            Each limit is shown with what it has counted within its window so far, from the approvals database \
            (guard.approvals) that every Vigil process of this configuration counts in.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A policy file to check instead of guard.policy.", valueName: "file"))
    var file: String?

    @Flag(name: .long, help: "Print the embedded default policy (the text of policies/guard.yaml) and exit.")
    var showDefault = false

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        if showDefault {
            print(GuardPolicy.defaultText, terminator: "")
            return
        }
        let (policy, source) = try GuardSetup.policy(configuration, path: file)
        try GuardSetup.requireKnownNames(
            policy, source: source,
            GuardSetup.catalogue(
                configuration, servers: try ServerCatalog.definitions(),
                directory: try GuardSetup.directory(configuration))
        )
        print("\(source): valid")
        for name in policy.tiers.keys.sorted() {
            let tier = policy.tiers[name]!
            let lists = ToolClass.allCases.map { c in
                "\(c.rawValue) [\(tier.allowed[c, default: []].map(\.text).joined(separator: ", "))]"
            }
            print("  tier \(name): \(lists.joined(separator: "; "))")
        }
        for rule in policy.rules {
            print("  rule \(rule.name): \(rule.decision.rawValue) on \(rule.tools.map(\.text).joined(separator: ", "))")
        }
        // What the limits have counted so far, where the agents count them; nothing is created to say so.
        var levels: [String: [LimitLevel]] = [:]
        if let book = try GuardSetup.existingApprovals(configuration) {
            let engine = PolicyEngine(policy: policy, ledger: book)
            do {
                levels = Dictionary(grouping: try engine.limitLevels(), by: \.limit)
            } catch {
                throw .unavailable("\(configuration.guardrails.approvals): cannot read the limits' counts (\(error))")
            }
        }
        for limit in policy.limits {
            let per = limit.per.map { " per \($0)" } ?? ""
            let counted = levels[limit.name] ?? []
            let now =
                counted.isEmpty
                ? "none counted"
                : counted.map { limit.per == nil ? "\($0.count) counted" : "\($0.key): \($0.count)" }.joined(
                    separator: ", ")
            print(
                "  limit \(limit.name): \(limit.max) in \(PolicyEngine.window(limit.windowSeconds))\(per), then \(limit.decision.rawValue) (now: \(now))"
            )
        }
        print("  untrusted sources: \(policy.taint.untrusted.map(\.text).joined(separator: ", ")), third-party tools")
        if !policy.taint.trusted.isEmpty {
            print("  trusted third-party tools: \(policy.taint.trusted.map(\.text).joined(separator: ", "))")
        }
    }
}

struct GuardCheckCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Ask the policy what it would decide for one call (a dry run: nothing runs, nothing is counted).",
        discussion: """
            Example: vigil guard check identity.suspend_user --tier tier3 --arguments '{"login":"ana.silva@meridian.example"}'. \
            Group membership and cloud accounts come from guard.directory, or the lab's directory. --provenance says where the argument values came \
            from: trusted (a directory lookup), untrusted (alert or ticket text) or unknown. Action limits are read \
            from the approvals database (guard.approvals) when it exists, as the agents count them.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The tool, as SERVER.TOOL.", valueName: "tool"))
    var tool: String

    @Option(name: .long, help: "The agent tier calling.")
    var tier = "tier1"

    @Option(name: .long, help: ArgumentHelp("The arguments, a JSON object.", valueName: "json"))
    var arguments = "{}"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The tool's class if it is not one of Vigil's (read, write, destructive).", valueName: "class"))
    var toolClass: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Where the argument values came from: trusted, untrusted or unknown.", valueName: "source"))
    var provenance = "trusted"

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let parts = tool.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .usage("tool '\(tool)': expected SERVER.TOOL, e.g. identity.suspend_user")
        }
        guard case .object(let args) = try? JSONParser.parse(arguments) else {
            throw .usage("--arguments: expected a JSON object, got \(arguments)")
        }
        guard ["trusted", "untrusted", "unknown"].contains(provenance) else {
            throw .usage("--provenance: '\(provenance)' is not trusted, untrusted or unknown")
        }
        var profile = ServerCatalog.profile(server: parts[0], tool: parts[1])
        if let kind = PlatformKind(rawValue: parts[0]) {
            // Vigil's own server: the tool must be one of its, and its class is its own.
            let tools = ServerCatalog.toolNames(of: kind)
            guard tools.contains(parts[1]) else {
                throw .usage(
                    "'\(tool)': Vigil's \(kind.rawValue) server has no tool \(parts[1]) (it has \(tools.joined(separator: ", ")))"
                )
            }
            if let toolClass, toolClass != profile.toolClass.rawValue {
                throw .usage(
                    "--tool-class is for tools that are not Vigil's: \(tool) is \(profile.toolClass.rawValue)")
            }
        } else if let toolClass {
            guard let c = ToolClass(rawValue: toolClass) else {
                throw .usage("--tool-class: '\(toolClass)' is not read, write or destructive")
            }
            profile.toolClass = c
        }
        let (policy, source) = try GuardSetup.policy(configuration)
        let directory = try GuardSetup.directory(configuration)
        try GuardSetup.requireKnownNames(
            policy, source: source,
            GuardSetup.catalogue(configuration, servers: try ServerCatalog.definitions(), directory: directory))
        // The counts the agents keep, read and not added to; none (an empty count) where there is no database yet,
        // which a dry run does not create.
        let ledger: any LimitLedger = try GuardSetup.existingApprovals(configuration) ?? InMemoryLimitLedger()
        let engine = PolicyEngine(policy: policy, directory: directory, ledger: ledger)
        let taint = TaintLedger()
        if provenance != "unknown" {
            taint.observe(
                .object(args), source: provenance == "trusted" ? "dry-run" : "alert", trusted: provenance == "trusted")
        }
        let decision = engine.evaluate(
            PolicyEngine.Request(tier: tier, profile: profile, arguments: args), taint: taint, counting: false)
        print(
            JSONValue.object([
                "tool": .string(profile.qualifiedName), "tier": .string(tier),
                "class": .string(decision.toolClass.rawValue),
                "decision": .string(decision.decision.rawValue), "rule": .string(decision.rule),
                "reason": .string(decision.reason),
            ]).serialized())
    }
}

struct GuardApprovalsCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "List approval requests, newest first (guard.approvals).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only requests in this status: pending, approved, denied, expired, used.")
    var status: String?

    @Option(name: .long, help: "At most this many.")
    var limit = 50

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        var filter: Approval.Status?
        if let status {
            guard let s = Approval.Status(rawValue: status) else {
                throw .usage(
                    "--status: '\(status)' is not one of \(Approval.Status.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            filter = s
        }
        guard limit > 0 else { throw .usage("--limit must be at least 1") }
        // A listing creates nothing: no database yet is no request yet.
        guard let book = try GuardSetup.existingApprovals(configuration) else {
            if !json {
                print("no approval requests (no approvals database at \(configuration.guardrails.approvals) yet)")
            }
            return
        }
        let list: [Approval]
        do {
            list = try book.list(status: filter, limit: limit)
        } catch {
            throw .noInput(error.description)
        }
        if json {
            for approval in list { print(approval.json.serialized()) }
            return
        }
        if list.isEmpty {
            print("no approval requests\(status.map { " \($0)" } ?? "")")
            return
        }
        // The tool, case and arguments come from the agents and the alerts, who decided from a person or a client:
        // shown inert (`TerminalText`).
        let rows = list.map { a in
            [
                a.id, a.status.rawValue, a.tool, a.caseID, a.tier, a.rule,
                a.expiresAt.rfc3339(fractionalSeconds: false),
                a.decidedBy.map { by in a.decidedVia.map { "\(by) (\($0.rawValue))" } ?? by } ?? "-",
                JSONValue.object(a.arguments).serialized(),
            ].map { TerminalText.inert($0) }
        }
        print(
            Table.render(
                header: ["id", "status", "tool", "case", "tier", "rule", "expires", "decided by", "arguments"],
                rows: rows))
    }
}

struct GuardApproveCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a pending request: the held call may then run once, as requested.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request id (apr-…).") var id: String
    @Option(name: .long, help: "Who approves (recorded).") var by: String
    @Option(name: .long, help: "Why (recorded).") var note: String?

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        try await GuardDecision.decide(
            id, approve: true, by: by, note: note, configuration, global: global, logger: logger)
    }
}

struct GuardDenyCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny", abstract: "Deny a pending request: the held call is refused.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The request id (apr-…).") var id: String
    @Option(name: .long, help: "Who denies (recorded).") var by: String
    @Option(name: .long, help: "Why (recorded).") var note: String?

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        try await GuardDecision.decide(
            id, approve: false, by: by, note: note, configuration, global: global, logger: logger)
    }
}

enum GuardDecision {
    static func decide(
        _ id: String, approve: Bool, by: String, note: String?, _ configuration: VigilConfiguration,
        global: GlobalOptions, logger: Logger
    ) async throws(CLIError) {
        // The same names the approvals API takes; with guard.approvers, one of theirs.
        if let problem = VigilConfiguration.Guardrails.Approver.problem(withName: by) {
            throw .usage("--by: expected \(problem)")
        }
        let approvers = configuration.guardrails.approvers.map(\.name)
        if !approvers.isEmpty, !approvers.contains(by) {
            throw .usage("--by '\(by)' is not one of guard.approvers (\(approvers.joined(separator: ", ")))")
        }
        // Deciding needs a request, which needs the database: none is created to say so.
        guard let book = try GuardSetup.existingApprovals(configuration) else {
            throw .invalidInput(
                "no approval request \(id): there is no approvals database yet (\(configuration.guardrails.approvals))")
        }
        let approval: Approval
        do {
            approval = try book.decide(id, approve: approve, by: by, note: note, via: .command)
        } catch {
            throw .invalidInput(error.description)
        }
        print(
            "\(approval.id): \(approval.status.rawValue) by \(by) — \(TerminalText.inert("\(approval.tool) \(JSONValue.object(approval.arguments).serialized())"))"
        )
        switch try await audit(book, configuration) {
        case .written(let written):
            _ = await announce(written, configuration, global: global, logger: logger)
        case .deferred:
            Console.note(deferred)
        }
    }

    /// What became of the decisions waiting for the audit log.
    enum Audited {
        /// Written as `approval_decided` records: these.
        case written([Approval])
        /// Left for the Vigil that holds the log.
        case deferred
    }

    static let deferred =
        "the audit log is held by another Vigil process; the decision waits in the approvals database, and a running triage writes it to the log within seconds (or the next run that opens the log does), and posts it to the approvers' channel"

    /// Writes the decision (and any other not yet written) to the audit log as `approval_decided`, and says what it
    /// wrote. When a running Vigil holds the log, that process writes them (it looks every two seconds, at each
    /// verdict and as it stops) and posts them.
    static func audit(_ book: ApprovalBook, _ configuration: VigilConfiguration) async throws(CLIError) -> Audited {
        let log: AuditLog
        do {
            log = try openLog(configuration)
        } catch let error as AuditLogError where error.isBusy {
            return .deferred
        } catch {
            throw .cannotCreate("the decision stands but could not be written to the audit log: \(error)")
        }
        defer { log.close() }
        do {
            return .written(try await Guard.writeDecisions(from: book, to: log))
        } catch {
            throw .cannotCreate("the decision stands but could not be written to the audit log: \(error)")
        }
    }

    static func openLog(_ configuration: VigilConfiguration) throws -> AuditLog {
        let (key, _) = try AuditKey.loadOrCreate(path: configuration.audit.key)
        return try AuditLog(
            path: configuration.audit.path, key: key, checkpointEvery: configuration.audit.checkpointEvery)
    }

    /// Posts `decisions` to the approvers' channel through `guard.announce`'s chat server, connected for the purpose
    /// (a server of `mcp.servers`; its tool checked as at a run's start, and, when an integrity manifest is sealed,
    /// the files and the server's tools checked against it, the files before it is connected), and audits each post
    /// as a running Vigil does (`approval_decision_announced`, or `approval_decision_announce_failed` with why).
    /// The audit log is not held while the server is connected and posted to: it is opened again for the records.
    /// Nothing is posted when announcements are off, nor to the lab's chat, which is simulated inside a running
    /// Vigil. A failure is a warning: the decision stands either way.
    /// Returns the records of the posts, as written to the log.
    @discardableResult
    static func announce(
        _ decisions: [Approval], _ configuration: VigilConfiguration, global: GlobalOptions, logger: Logger,
        noteLabChat: Bool = true
    ) async -> [(kind: String, data: JSONObject)] {
        let settings = configuration.guardrails.announce
        guard !decisions.isEmpty, !settings.server.isEmpty else { return [] }
        guard let server = configuration.mcp.servers.first(where: { $0.name == settings.server }) else {
            if noteLabChat { Console.note(labChat(settings.server)) }
            return []
        }
        var records: [(kind: String, data: JSONObject)] = []
        func failed(_ approvals: [Approval], _ why: String) {
            Console.warning("the decision stands but was not posted to the approvers' channel: \(why)")
            for approval in approvals {
                records.append(
                    (
                        "approval_decision_announce_failed",
                        [
                            "approval_id": .string(approval.id), "server": .string(settings.server),
                            "tool": .string(settings.tool), "channel": .string(settings.channel),
                            "decision": approval.decisionRecord["decision"] ?? .null,
                            "error": .string(ApprovalAnnouncer.Failure(why).description),
                        ]
                    ))
            }
        }
        if let problem = integrityProblem(configuration, global: global, server: nil) {
            failed(decisions, problem)
            await record(records, configuration)
            return records
        }
        var only = configuration
        only.mcp.servers = [server]
        var remote: RemoteServer?
        do {
            remote = try await RemoteServers.connect(only, logger: logger).first
        } catch {
            failed(decisions, "\(error)")
        }
        if let remote {
            await post(decisions, through: remote, configuration, global: global, logger: logger, into: &records)
            await remote.close()
        }
        await record(records, configuration)
        return records
    }

    static func labChat(_ server: String) -> String {
        "the decision is not posted: guard.announce.server '\(server)' is the lab's simulated chat (set it to a chat server of mcp.servers to reach people)"
    }

    /// Posts each decision through `remote` (checked first), adding the record of each post to `records`; a server
    /// that asks to wait stops the posts after it.
    private static func post(
        _ decisions: [Approval], through remote: RemoteServer, _ configuration: VigilConfiguration,
        global: GlobalOptions, logger: Logger, into records: inout [(kind: String, data: JSONObject)]
    ) async {
        let settings = configuration.guardrails.announce
        let base: JSONObject = [
            "server": .string(settings.server), "tool": .string(settings.tool), "channel": .string(settings.channel),
        ]
        func failed(_ approval: Approval, _ why: String, _ fields: JSONObject = [:]) {
            var data = base
            for (key, value) in fields { data[key] = value }
            data["approval_id"] = .string(approval.id)
            data["decision"] = approval.decisionRecord["decision"] ?? .null
            data["error"] = .string(ApprovalAnnouncer.Failure(why).description)
            records.append(("approval_decision_announce_failed", data))
        }
        let announcer: ApprovalAnnouncer
        do {
            if let problem = integrityProblem(configuration, global: global, server: remote) {
                throw CLIError.config(problem)
            }
            announcer = try GuardSetup.chatAnnouncer(remote, settings)
        } catch {
            Console.warning("the decision stands but was not posted to the approvers' channel: \(error)")
            for approval in decisions { failed(approval, "\(error)") }
            return
        }
        let post = GuardSetup.logged(announcer, logger, decision: true) { try await $0.announceDecision($1) }
        var remaining = decisions[...]
        while let approval = remaining.popFirst() {
            do {
                var data = try await post(approval)
                data["approval_id"] = .string(approval.id)
                data["decision"] = approval.decisionRecord["decision"]
                records.append(("approval_decision_announced", data))
            } catch {
                failed(approval, String(describing: error), (error as? any Guard.AuditDescribed)?.auditFields ?? [:])
                if let throttling = error as? any ThrottlingError, throttling.isThrottling {
                    // The chat server asked to wait: the others are not sent now.
                    let why = "not posted: the chat server asked to wait (\(error))"
                    if !remaining.isEmpty { Console.warning("the decision stands but was not posted: \(why)") }
                    for other in remaining { failed(other, why) }
                    break
                }
            }
        }
    }

    /// Writes the records of the posts to the audit log, opened again; one another Vigil took meanwhile leaves them
    /// unwritten, said on stderr.
    private static func record(_ records: [(kind: String, data: JSONObject)], _ configuration: VigilConfiguration) async
    {
        guard !records.isEmpty else { return }
        do {
            let log = try openLog(configuration)
            defer { log.close() }
            for entry in records { _ = try await log.append(kind: entry.kind, data: .object(entry.data)) }
        } catch {
            let summary = records.map { "\($0.kind) \($0.data["approval_id"]?.stringValue ?? "")" }
            Console.warning(
                "the posts could not be audited (\(summary.joined(separator: ", "))): \(error)")
        }
    }

    /// Why the decisions may not be posted when an integrity manifest is sealed, as a run's start would refuse: a
    /// sealed file (the configuration, the policy, …) differs; or, once `server` is connected, one of its tools
    /// differs from the pinned one, is new, or shadows another's name. Nil without a manifest.
    static func integrityProblem(
        _ configuration: VigilConfiguration, global: GlobalOptions, server: RemoteServer?
    ) -> String? {
        let path = configuration.integrity.manifest
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let manifest = try IntegrityManifest.load(
                path: path, publicKey: try AuditKey.loadPublic(path: configuration.audit.key))
            var tools = manifest.tools
            if let server {
                // The pins of the other servers as sealed, and this server's tools as it lists them now.
                let names = Set(server.tools.map(\.profile.server)).union([server.name])
                tools = tools.filter { !names.contains($0.server) } + IntegrityScope.tools([], remote: server.tools)
            }
            let differences = try manifest.differences(
                paths: IntegrityScope.paths(configuration, global: global), tools: tools, base: configuration.directory)
            guard let first = differences.first else { return nil }
            let more =
                differences.count > 1 ? " (and \(differences.count - 1) more; `vigil integrity verify` lists them)" : ""
            return "integrity check failed: \(first)\(more)"
        } catch {
            return "integrity check failed: \(error)"
        }
    }
}
