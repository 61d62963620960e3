import Foundation

/// Vigil's configuration (`vigil.yaml`). Every key has a default; secrets are only ever named by
/// environment variable, never written here. `vigil init` writes a working file.
public struct VigilConfiguration: Sendable, Hashable {
    public var version: Int
    public var logLevel: LogLevel
    public var lab: Lab
    public var intake: Intake
    public var siem: SIEM
    public var mcp: MCP
    public var audit: Audit
    public var integrity: Integrity
    public var guardrails: Guardrails
    public var agents: Agents
    /// The directory of the configuration file that relative paths were resolved against (`resolvingPaths`);
    /// empty: the working directory.
    public var directory: String = ""

    /// `path` as this configuration places it: under `directory` when relative.
    public func place(_ path: String) -> String {
        guard !directory.isEmpty, !path.hasPrefix("/") else { return path }
        return (directory as NSString).appendingPathComponent(path)
    }

    /// This configuration with every relative file or directory it names (cases, playbooks, prompts, runbooks,
    /// policy, approvals, directory, audit log and key, integrity manifest and paths, event store, alerts) under
    /// `directory`: a configuration file read from elsewhere (`--config /etc/vigil/vigil.yaml`) means the files
    /// beside it, wherever Vigil runs.
    public func resolvingPaths(against directory: String) -> VigilConfiguration {
        var resolved = self
        resolved.directory = directory
        resolved.agents.cases = resolved.place(agents.cases)
        resolved.agents.playbooks = resolved.place(agents.playbooks)
        resolved.agents.prompts = resolved.place(agents.prompts)
        resolved.agents.runbooks = resolved.place(agents.runbooks)
        resolved.guardrails.policy = resolved.place(guardrails.policy)
        resolved.guardrails.approvals = resolved.place(guardrails.approvals)
        if !guardrails.directory.isEmpty { resolved.guardrails.directory = resolved.place(guardrails.directory) }
        resolved.audit.path = resolved.place(audit.path)
        resolved.audit.key = resolved.place(audit.key)
        resolved.integrity.manifest = resolved.place(integrity.manifest)
        resolved.integrity.paths = integrity.paths.map(resolved.place)
        resolved.siem.database = resolved.place(siem.database)
        resolved.siem.alerts = siem.alerts.map(resolved.place)
        // A third-party server's executable given as a relative path (`./ti-server`, `bin/ti`) is the one beside
        // the file; a bare name is looked up on PATH. (The server also runs in `directory`.)
        for index in resolved.mcp.servers.indices {
            if let first = resolved.mcp.servers[index].command.first, first.contains("/") {
                resolved.mcp.servers[index].command[0] = resolved.place(first)
            }
        }
        return resolved
    }

    public init(
        version: Int = 1, logLevel: LogLevel = .info, lab: Lab = Lab(), intake: Intake = Intake(), siem: SIEM = SIEM(),
        mcp: MCP = MCP(), audit: Audit = Audit(), integrity: Integrity = Integrity(),
        guardrails: Guardrails = Guardrails(), agents: Agents = Agents()
    ) {
        self.version = version
        self.logLevel = logLevel
        self.lab = lab
        self.intake = intake
        self.siem = siem
        self.mcp = mcp
        self.audit = audit
        self.integrity = integrity
        self.guardrails = guardrails
        self.agents = agents
    }

    /// The agents (`agents:` in the file): which model reasons, where their instructions, playbooks and
    /// runbooks live, and where cases are kept.
    public struct Agents: Sendable, Hashable {
        public enum Provider: String, Sendable, Hashable, CaseIterable {
            /// The offline playbook reasoner: no key, no network.
            case offline
            /// Claude through the Anthropic Messages API.
            case anthropic
            /// Any OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, vLLM, LiteLLM).
            case openai
        }

        public var provider: Provider
        /// The model name; empty: the provider's default.
        public var model: String
        /// The API's base URL; empty: the provider's default.
        public var baseURL: String
        /// The environment variable holding the API key; empty: the provider's default
        /// (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`).
        public var apiKeyEnvironment: String
        /// The highest tier model agents run (1 triage, 2 investigation, 3 forensic).
        public var maxTier: Int
        public var prompts: String
        public var playbooks: String
        public var runbooks: String
        /// The case store (SQLite) that `vigil triage` writes and `vigil report` reads.
        public var cases: String

        public init(
            provider: Provider = .offline, model: String = "", baseURL: String = "", apiKeyEnvironment: String = "",
            maxTier: Int = 3, prompts: String = "prompts", playbooks: String = "playbooks",
            runbooks: String = "runbooks",
            cases: String = "vigil-cases.db"
        ) {
            self.provider = provider
            self.model = model
            self.baseURL = baseURL
            self.apiKeyEnvironment = apiKeyEnvironment
            self.maxTier = maxTier
            self.prompts = prompts
            self.playbooks = playbooks
            self.runbooks = runbooks
            self.cases = cases
        }
    }

    /// The Guard (`guard:` in the file): policy, approvals, injection scanning, rate limits.
    public struct Guardrails: Sendable, Hashable {
        /// The policy file (YAML). When the default path does not exist, the embedded default policy
        /// (the same as the repository's `policies/guard.yaml`) applies.
        public var policy: String
        /// The approvals database (SQLite), shared by agents and `vigil guard approve`.
        public var approvals: String
        /// The groups and cloud accounts the policy's `member_of` and `in_account` conditions ask (a YAML file
        /// exported from the identity provider and the cloud organisation); empty: the lab's directory.
        public var directory: String = ""
        /// How long an approval request waits for a human, and an approval stays usable, in seconds.
        public var approvalTTLSeconds: Int
        /// The injection scanner's threshold, 0…1: a result scoring at least this is quarantined.
        public var scanThreshold: Double
        /// Token buckets: the default for every server, and overrides by server (`server:identity`) and by vendor
        /// API (`vendor:okta`).
        public var rateLimit: RateLimit
        public var rateLimits: [String: RateLimit]
        /// The servers that call each vendor's API (`guard.vendors`: `okta` → `identity`, `okta-admin`): they share
        /// the vendor's bucket, and a refusal one of them meets holds them all.
        public var vendors: [String: [String]] = [:]
        /// A model that reads the results the scanner passes (`guard.intent_model`); nil: the scanner alone.
        public var intentModel: IntentModel?
        /// The drift monitor over `vigil triage`'s verdicts (`guard.drift`).
        public var drift = Drift()
        /// Where new approval requests are posted for people to see (`guard.announce`).
        public var announce = Announce()
        /// The people who may decide requests through the approvals API (`vigil serve`), each with a token of their
        /// own (`guard.approvers`); empty: one shared token, and who decides is what the client says.
        public var approvers: [Approver] = []

        /// One person who may decide through the approvals API: the name recorded for their decisions, and the
        /// SHA-256 of their bearer token (`vigil guard approver-token NAME` makes both). The token is not stored.
        public struct Approver: Sendable, Hashable {
            public var name: String
            /// 64 lowercase hex digits.
            public var tokenSHA256: String

            public init(name: String, tokenSHA256: String) {
                self.name = name
                self.tokenSHA256 = tokenSHA256
            }

            /// The most Unicode scalars of a name (the API's `by` has the same limit).
            public static let maximumName = 200

            /// What is wrong with `name` as an approver's name, or nil: one line of 1–200 characters without control
            /// or format characters, line or paragraph separators, private-use, unassigned or noncharacter code points
            /// (which a YAML file cannot carry as written), and without spaces around it.
            public static func problem(withName name: String) -> String? {
                guard !name.isEmpty, name.unicodeScalars.count <= maximumName else {
                    return "a name of 1-\(maximumName) characters"
                }
                let refused: Set<Unicode.GeneralCategory> = [
                    .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned,
                ]
                guard
                    !name.unicodeScalars.contains(where: {
                        refused.contains($0.properties.generalCategory) || $0.properties.isNoncharacterCodePoint
                    })
                else { return "a name on one line, of printable characters" }
                guard name.trimmingCharacters(in: .whitespaces) == name else {
                    return "a name without spaces around it"
                }
                return nil
            }
        }

        /// Where the Guard posts each new approval request (docs/security.md, "Approvals").
        public struct Announce: Sendable, Hashable {
            /// The name of a chat server in `mcp.servers`; `collaboration`, the default, is the lab's simulated chat;
            /// empty: not posted.
            public var server = "collaboration"
            /// The server's tool that posts (the lab's: `post_message`).
            public var tool = "post_message"
            /// The tool's arguments that take the channel and the message's text.
            public var channelArgument = "channel"
            public var textArgument = "text"
            /// The channel (`#security`) or channel id.
            public var channel = "#security"
            /// Seconds a post may take before it counts as failed (the request stays pending either way).
            public var timeoutSeconds = 10

            public init() {}
        }

        /// How `vigil triage` watches its verdict mix for drift (docs/security.md, "Drift monitor").
        public struct Drift: Sendable, Hashable {
            /// Whether triage records its verdicts for the monitor and raises drift alerts.
            public var enabled = true
            /// The recent window, in minutes, compared with the baseline before it.
            public var recentMinutes = 60
            /// How far back the baseline reaches, in days (the case store keeps the history 400 days whatever this is).
            public var baselineDays = 7
            /// How many standard errors a share must move to count as drift.
            public var threshold = 4.0
            /// Fewest verdicts in the window, and in the baseline, before a comparison is made.
            public var minimumRecent = 20
            public var minimumBaseline = 100
            /// Seconds between checks during a run (one more check ends every run).
            public var checkSeconds = 60

            public init() {}
        }

        public struct RateLimit: Sendable, Hashable {
            public var perSecond: Double
            public var burst: Int

            public init(perSecond: Double, burst: Int) {
                self.perSecond = perSecond
                self.burst = burst
            }
        }

        /// A sequence classifier served over text-embeddings-inference's `POST /predict` (docs/security.md).
        public struct IntentModel: Sendable, Hashable {
            /// The server (`http://127.0.0.1:8080`) or its `/predict` route.
            public var url: String
            /// The model's labels that mean injection (compared without case).
            public var labels: [String]
            /// A text scoring at least this is an injection.
            public var threshold: Double
            /// Seconds one request may take.
            public var timeoutSeconds: Int
            public var minBytes: Int
            public var chunkBytes: Int
            /// The most pieces of one result read.
            public var maxTexts: Int
            /// Texts per request (TEI's `--max-client-batch-size`, 32 by default).
            public var batchSize: Int
            /// `quarantine` (the default) or `pass`: what a result the model could not read becomes.
            public var onFailure: String
            /// With `quarantine`: seconds after an outage during which the model is not asked (results count as
            /// unread).
            public var cooldownSeconds: Int
            /// The environment variable holding a bearer token (TEI's `--api-key`); empty: none sent.
            public var apiKeyEnvironment: String
            /// 0: the model decides alone at `threshold`; A > 0: with the scanner's score,
            /// logit(p) + A · logit(score) ≥ logit(threshold) (`IntentReview.Settings.flags`).
            public var scannerWeight: Double
            /// With `scannerWeight`: the scanner's score counts as at least this (0–0.5; 0: as it is).
            public var scannerFloor: Double

            public init(
                url: String, labels: [String] = ["INJECTION", "JAILBREAK"], threshold: Double = 0.9,
                timeoutSeconds: Int = 10, minBytes: Int = 24, chunkBytes: Int = 510, maxTexts: Int = 256,
                batchSize: Int = 32, onFailure: String = "quarantine", cooldownSeconds: Int = 30,
                apiKeyEnvironment: String = "", scannerWeight: Double = 0, scannerFloor: Double = 0
            ) {
                self.scannerWeight = scannerWeight
                self.scannerFloor = scannerFloor
                self.cooldownSeconds = cooldownSeconds
                self.url = url
                self.labels = labels
                self.threshold = threshold
                self.timeoutSeconds = timeoutSeconds
                self.minBytes = minBytes
                self.chunkBytes = chunkBytes
                self.maxTexts = maxTexts
                self.batchSize = batchSize
                self.onFailure = onFailure
                self.apiKeyEnvironment = apiKeyEnvironment
            }
        }

        public static let defaultPolicy = "policies/guard.yaml"

        public init(
            policy: String = Self.defaultPolicy, approvals: String = "vigil-approvals.db",
            approvalTTLSeconds: Int = 3600,
            scanThreshold: Double = 0.5, rateLimit: RateLimit = RateLimit(perSecond: 20, burst: 40),
            rateLimits: [String: RateLimit] = [:], intentModel: IntentModel? = nil
        ) {
            self.intentModel = intentModel
            self.policy = policy
            self.approvals = approvals
            self.approvalTTLSeconds = approvalTTLSeconds
            self.scanThreshold = scanThreshold
            self.rateLimit = rateLimit
            self.rateLimits = rateLimits
        }
    }

    /// The integrity manifest: what steers the agents, sealed and signed (with `audit.key`).
    public struct Integrity: Sendable, Hashable {
        /// Where `vigil integrity seal` writes the manifest.
        public var manifest: String
        /// Files and directories that steer the agents (the configuration file is always included).
        public var paths: [String]

        public init(
            manifest: String = "vigil-integrity.json",
            paths: [String] = ["prompts", "playbooks", "policies", "runbooks"]
        ) {
            self.manifest = manifest
            self.paths = paths
        }
    }

    /// The tamper-evident audit log.
    public struct Audit: Sendable, Hashable {
        /// The log file (JSON Lines, hash-chained). Its latest signed checkpoint is kept at `PATH.checkpoint`.
        public var path: String
        /// The Ed25519 key that signs checkpoints (created, mode 0600, on first use). Keep it away from the log.
        public var key: String
        /// A signed checkpoint after this many records (and when the log is closed).
        public var checkpointEvery: Int

        public init(path: String = "vigil-audit.log", key: String = "vigil-audit.key", checkpointEvery: Int = 1000) {
            self.path = path
            self.key = key
            self.checkpointEvery = checkpointEvery
        }
    }

    /// The embedded SIEM.
    public struct SIEM: Sendable, Hashable {
        /// Where the SIEM MCP server's history comes from.
        public enum Backend: String, Sendable, Hashable, CaseIterable {
            /// The lab's generated alerts and their events.
            case lab
            /// The event store at `database` (built by `vigil ingest`).
            case store
        }

        /// The event store (SQLite) that `vigil ingest` writes and `vigil search` reads.
        public var database: String
        public var backend: Backend
        /// With the `store` backend: alerts (JSON Lines, e.g. from `vigil detect`) the SIEM server serves.
        public var alerts: String?

        public init(database: String = "vigil-events.db", backend: Backend = .lab, alerts: String? = nil) {
            self.database = database
            self.backend = backend
            self.alerts = alerts
        }
    }

    /// Vigil's MCP servers.
    public struct MCP: Sendable, Hashable {
        /// Servers whose write tools are granted (`identity`, `cloud`, …). Empty: every server is read-only.
        public var allowWrite: [String]
        /// The environment variable that holds the bearer token for `vigil mcp SERVER --http`.
        public var tokenEnvironment: String
        /// How many alerts the lab backends hold.
        public var labAlerts: Int
        /// Further MCP servers the agents' host connects to (third-party ones included): their tools
        /// pass the Guard like Vigil's own, and the policy must allow them (deny by default).
        public var servers: [Remote]

        public init(
            allowWrite: [String] = [], tokenEnvironment: String = "VIGIL_MCP_TOKEN", labAlerts: Int = 300,
            servers: [Remote] = []
        ) {
            self.allowWrite = allowWrite
            self.tokenEnvironment = tokenEnvironment
            self.labAlerts = labAlerts
            self.servers = servers
        }

        /// An MCP server reached by a command (stdio) or a URL (Streamable HTTP).
        public struct Remote: Sendable, Hashable {
            /// The server's name in tool names and policies (`NAME.TOOL`).
            public var name: String
            /// The executable and its arguments (stdio); empty when `url` is set.
            public var command: [String]
            /// The Streamable HTTP endpoint; empty when `command` is set.
            public var url: String
            /// The environment variable holding the bearer token for `url`; empty: none.
            public var tokenEnvironment: String
            /// Seconds one request may take.
            public var timeoutSeconds: Double

            public init(
                name: String, command: [String] = [], url: String = "", tokenEnvironment: String = "",
                timeoutSeconds: Double = 30
            ) {
                self.name = name
                self.command = command
                self.url = url
                self.tokenEnvironment = tokenEnvironment
                self.timeoutSeconds = timeoutSeconds
            }
        }
    }

    public enum LogLevel: String, Sendable, Hashable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// The embedded simulated enterprise.
    public struct Lab: Sendable, Hashable {
        /// Seed of the organisation (people, accounts, devices). Changing it builds a different company.
        public var enterpriseSeed: UInt64
        /// Default seed of the alert stream.
        public var alertSeed: UInt64
        /// Default share of benign alerts, 0…1.
        public var benignRatio: Double

        public init(enterpriseSeed: UInt64 = 1, alertSeed: UInt64 = 7, benignRatio: Double = 0.8) {
            self.enterpriseSeed = enterpriseSeed
            self.alertSeed = alertSeed
            self.benignRatio = benignRatio
        }
    }

    /// Alert intake.
    public struct Intake: Sendable, Hashable {
        /// Reject a whole input when any record is bad (default: keep the good records).
        public var strict: Bool

        public init(strict: Bool = false) { self.strict = strict }
    }
}
