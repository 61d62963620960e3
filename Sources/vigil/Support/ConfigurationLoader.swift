import Foundation
import VigilCore
import Yams

/// Reads `vigil.yaml` into a `VigilConfiguration`, naming the key and line of anything wrong.
enum ConfigurationLoader {
    static let defaultPath = "vigil.yaml"

    /// Loads `path`, or `./vigil.yaml` if it exists, or the defaults.
    static func load(path: String?) throws(CLIError) -> VigilConfiguration {
        let candidate = path ?? defaultPath
        guard FileManager.default.fileExists(atPath: candidate) else {
            if path != nil {
                throw CLIError.noInput("configuration file \(candidate) does not exist (create one with `vigil init`)")
            }
            return VigilConfiguration()
        }
        let text = try InputFile.text(candidate, "configuration file")
        do {
            let configuration = try parse(text)
            // Relative paths in a file read from another directory name the files beside it.
            let directory = (candidate as NSString).deletingLastPathComponent
            // A descriptor or device (`/dev/stdin`, `/dev/fd/N`, `/proc/self/fd/N`) has no directory of its own.
            guard !directory.isEmpty, directory != ".", !InputFile.readsStandardInput(candidate),
                !candidate.hasPrefix("/dev/"), !candidate.hasPrefix("/proc/")
            else { return configuration }
            return configuration.resolvingPaths(against: directory)
        } catch {
            throw CLIError.config("\(candidate): \(error.message)")
        }
    }

    struct ParseError: Error {
        var message: String
    }

    static func parse(_ text: String) throws(ParseError) -> VigilConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ParseError(message: "not valid YAML: \(YAMLErrorText.describe(error))")
        }
        var config = VigilConfiguration()
        var bucketLines: [String: String] = [:]  // each rate-limit key's " (line N)", for checkBuckets
        var announceLines: [String: String] = [:]  // each guard.announce key's " (line N)", for checkAnnounce
        var vendorLines: [String: [String]] = [:]  // each guard.vendors server's " (line N)", for checkVendors
        guard let root else { return config }
        let top = try mapping(root, path: "")
        for (key, value) in top {
            switch key {
            case "version":
                config.version = try int(value, path: key)
                guard config.version == 1 else {
                    throw ParseError(message: "version\(line(value)): \(config.version) is not supported (expected 1)")
                }
            case "log_level":
                let text = try string(value, path: key)
                guard let level = VigilConfiguration.LogLevel(rawValue: text) else {
                    throw ParseError(
                        message:
                            "log_level\(line(value)): '\(text)' is not one of \(VigilConfiguration.LogLevel.allCases.map(\.rawValue).joined(separator: "|"))"
                    )
                }
                config.logLevel = level
            case "lab":
                for (labKey, labValue) in try mapping(value, path: key) {
                    let path = "lab.\(labKey)"
                    switch labKey {
                    case "enterprise_seed": config.lab.enterpriseSeed = try seed(labValue, path: path)
                    case "alert_seed": config.lab.alertSeed = try seed(labValue, path: path)
                    case "benign_ratio":
                        let ratio = try double(labValue, path: path)
                        guard (0...1).contains(ratio) else {
                            throw ParseError(message: "\(path)\(line(labValue)): \(ratio) is outside 0…1")
                        }
                        config.lab.benignRatio = ratio
                    default: throw unknown(path, labValue)
                    }
                }
            case "siem":
                for (siemKey, siemValue) in try mapping(value, path: key) {
                    let path = "siem.\(siemKey)"
                    switch siemKey {
                    case "database":
                        config.siem.database = try string(siemValue, path: path)
                        guard !config.siem.database.isEmpty else {
                            throw ParseError(message: "\(path)\(line(siemValue)): must not be empty")
                        }
                    case "backend":
                        let text = try string(siemValue, path: path)
                        guard let backend = VigilConfiguration.SIEM.Backend(rawValue: text) else {
                            throw ParseError(message: "\(path)\(line(siemValue)): '\(text)' is not lab or store")
                        }
                        config.siem.backend = backend
                    case "alerts":
                        let text = try string(siemValue, path: path)
                        config.siem.alerts = text.isEmpty || text == "null" ? nil : text
                    default: throw unknown(path, siemValue)
                    }
                }
            case "mcp":
                for (mcpKey, mcpValue) in try mapping(value, path: key) {
                    let path = "mcp.\(mcpKey)"
                    switch mcpKey {
                    case "allow_write":
                        guard case .sequence(let items) = mcpValue else {
                            throw ParseError(message: "\(path)\(line(mcpValue)): expected a list of server names")
                        }
                        config.mcp.allowWrite = []
                        for item in items {
                            let name = try string(item, path: path)
                            guard knownServers.contains(name) else {
                                throw ParseError(
                                    message:
                                        "\(path)\(line(item)): '\(name)' is not a server (one of \(knownServers.joined(separator: ", ")))"
                                )
                            }
                            config.mcp.allowWrite.append(name)
                        }
                    case "token_env":
                        config.mcp.tokenEnvironment = try string(mcpValue, path: path)
                        guard !config.mcp.tokenEnvironment.isEmpty else {
                            throw ParseError(message: "\(path)\(line(mcpValue)): must not be empty")
                        }
                    case "lab_alerts":
                        config.mcp.labAlerts = try int(mcpValue, path: path)
                        guard (1...100_000).contains(config.mcp.labAlerts) else {
                            throw ParseError(
                                message: "\(path)\(line(mcpValue)): \(config.mcp.labAlerts) is outside 1…100000")
                        }
                    case "servers":
                        guard case .sequence(let items) = mcpValue else {
                            throw ParseError(message: "\(path)\(line(mcpValue)): expected a list of servers")
                        }
                        config.mcp.servers = []
                        for (index, item) in items.enumerated() {
                            let server = try remoteServer(item, path: "\(path)[\(index)]")
                            guard !config.mcp.servers.contains(where: { $0.name == server.name }) else {
                                throw ParseError(
                                    message: "\(path)[\(index)]\(line(item)): the name '\(server.name)' is used twice")
                            }
                            config.mcp.servers.append(server)
                        }
                    default: throw unknown(path, mcpValue)
                    }
                }
            case "audit":
                for (auditKey, auditValue) in try mapping(value, path: key) {
                    let path = "audit.\(auditKey)"
                    switch auditKey {
                    case "path", "key":
                        let text = try string(auditValue, path: path)
                        guard !text.isEmpty else {
                            throw ParseError(message: "\(path)\(line(auditValue)): must not be empty")
                        }
                        if auditKey == "path" { config.audit.path = text } else { config.audit.key = text }
                    case "checkpoint_every":
                        config.audit.checkpointEvery = try int(auditValue, path: path)
                        guard (1...1_000_000).contains(config.audit.checkpointEvery) else {
                            throw ParseError(
                                message:
                                    "\(path)\(line(auditValue)): \(config.audit.checkpointEvery) is outside 1…1000000")
                        }
                    default: throw unknown(path, auditValue)
                    }
                }
            case "agents":
                for (agentKey, agentValue) in try mapping(value, path: key) {
                    let path = "agents.\(agentKey)"
                    switch agentKey {
                    case "provider":
                        let text = try string(agentValue, path: path)
                        guard let provider = VigilConfiguration.Agents.Provider(rawValue: text) else {
                            throw ParseError(
                                message:
                                    "\(path)\(line(agentValue)): '\(text)' is not one of \(VigilConfiguration.Agents.Provider.allCases.map(\.rawValue).joined(separator: "|"))"
                            )
                        }
                        config.agents.provider = provider
                    case "model": config.agents.model = try string(agentValue, path: path)
                    case "base_url":
                        let text = try string(agentValue, path: path)
                        guard text.isEmpty || text.hasPrefix("http://") || text.hasPrefix("https://") else {
                            throw ParseError(message: "\(path)\(line(agentValue)): '\(text)' is not an http(s) URL")
                        }
                        config.agents.baseURL = text
                    case "api_key_env": config.agents.apiKeyEnvironment = try string(agentValue, path: path)
                    case "max_tier":
                        config.agents.maxTier = try int(agentValue, path: path)
                        guard (1...3).contains(config.agents.maxTier) else {
                            throw ParseError(
                                message: "\(path)\(line(agentValue)): \(config.agents.maxTier) is outside 1…3")
                        }
                    case "prompts", "playbooks", "runbooks", "cases":
                        let text = try string(agentValue, path: path)
                        guard !text.isEmpty else {
                            throw ParseError(message: "\(path)\(line(agentValue)): must not be empty")
                        }
                        switch agentKey {
                        case "prompts": config.agents.prompts = text
                        case "playbooks": config.agents.playbooks = text
                        case "runbooks": config.agents.runbooks = text
                        default: config.agents.cases = text
                        }
                    default: throw unknown(path, agentValue)
                    }
                }
            case "integrity":
                for (integrityKey, integrityValue) in try mapping(value, path: key) {
                    let path = "integrity.\(integrityKey)"
                    switch integrityKey {
                    case "manifest":
                        config.integrity.manifest = try string(integrityValue, path: path)
                        guard !config.integrity.manifest.isEmpty else {
                            throw ParseError(message: "\(path)\(line(integrityValue)): must not be empty")
                        }
                    case "paths":
                        guard case .sequence(let items) = integrityValue else {
                            throw ParseError(message: "\(path)\(line(integrityValue)): expected a list of paths")
                        }
                        config.integrity.paths = []
                        for item in items { config.integrity.paths.append(try string(item, path: path)) }
                    default: throw unknown(path, integrityValue)
                    }
                }
            case "guard":
                for (guardKey, guardValue) in try mapping(value, path: key) {
                    let path = "guard.\(guardKey)"
                    switch guardKey {
                    case "policy", "approvals":
                        let text = try string(guardValue, path: path)
                        guard !text.isEmpty else {
                            throw ParseError(message: "\(path)\(line(guardValue)): must not be empty")
                        }
                        if guardKey == "policy" {
                            config.guardrails.policy = text
                        } else {
                            config.guardrails.approvals = text
                        }
                    case "directory":
                        config.guardrails.directory = try string(guardValue, path: path)
                    case "approval_ttl":
                        config.guardrails.approvalTTLSeconds = try int(guardValue, path: path)
                        guard (60...7 * 86_400).contains(config.guardrails.approvalTTLSeconds) else {
                            throw ParseError(
                                message:
                                    "\(path)\(line(guardValue)): \(config.guardrails.approvalTTLSeconds) seconds is outside 60…604800"
                            )
                        }
                    case "scan_threshold":
                        config.guardrails.scanThreshold = try double(guardValue, path: path)
                        guard config.guardrails.scanThreshold > 0, config.guardrails.scanThreshold <= 1 else {
                            throw ParseError(
                                message:
                                    "\(path)\(line(guardValue)): \(config.guardrails.scanThreshold) is outside (0, 1]")
                        }
                    case "rate_limit":
                        config.guardrails.rateLimit = try rateLimit(guardValue, path: path)
                    case "rate_limits":
                        config.guardrails.rateLimits = [:]
                        for (bucket, limit) in try mapping(guardValue, path: path) {
                            guard bucket.hasPrefix("server:") || bucket.hasPrefix("vendor:") else {
                                throw ParseError(
                                    message: "\(path).\(bucket)\(line(limit)): keys are server:NAME or vendor:NAME")
                            }
                            config.guardrails.rateLimits[bucket] = try rateLimit(limit, path: "\(path).\(bucket)")
                            bucketLines[bucket] = line(limit)
                        }
                    case "intent_model":
                        config.guardrails.intentModel = try intentModel(guardValue, path: path)
                    case "drift":
                        config.guardrails.drift = try drift(guardValue, path: path)
                    case "announce":
                        config.guardrails.announce = try announce(guardValue, path: path, lines: &announceLines)
                    case "approvers":
                        config.guardrails.approvers = try approvers(guardValue, path: path)
                    case "vendors":
                        config.guardrails.vendors = [:]
                        for (vendor, servers) in try mapping(guardValue, path: path) {
                            let at = "\(path).\(vendor)"
                            guard vendor.range(of: #"^[a-z0-9][a-z0-9_-]{0,31}$"#, options: .regularExpression) != nil
                            else {
                                throw ParseError(
                                    message:
                                        "\(at)\(line(servers)): a vendor's name is 1-32 of a-z, 0-9, - and _ (e.g. okta)"
                                )
                            }
                            guard case .sequence(let items) = servers, !items.isEmpty else {
                                throw ParseError(
                                    message:
                                        "\(at)\(line(servers)): expected a list of the servers that call \(vendor)'s API"
                                )
                            }
                            config.guardrails.vendors[vendor] = try items.map { item throws(ParseError) in
                                try string(item, path: at)
                            }
                            vendorLines[vendor] = items.map { line($0) }
                        }
                    default: throw unknown(path, guardValue)
                    }
                }
            case "intake":
                for (intakeKey, intakeValue) in try mapping(value, path: key) {
                    let path = "intake.\(intakeKey)"
                    switch intakeKey {
                    case "strict": config.intake.strict = try bool(intakeValue, path: path)
                    default: throw unknown(path, intakeValue)
                    }
                }
            default:
                throw unknown(key, value)
            }
        }
        try checkVendors(config, lines: vendorLines)
        try checkBuckets(config, lines: bucketLines)
        try checkAnnounce(config, lines: announceLines)
        return config
    }

    /// Approval requests are posted through a configured server or the lab's chat (`collaboration`); no other of
    /// Vigil's servers posts messages, and the lab's posts with `post_message` only.
    static func checkAnnounce(_ config: VigilConfiguration, lines: [String: String] = [:]) throws(ParseError) {
        let announce = config.guardrails.announce
        let remote = config.mcp.servers.map(\.name)
        guard !announce.server.isEmpty, !remote.contains(announce.server) else { return }
        guard announce.server == "collaboration" else {
            throw ParseError(
                message:
                    "guard.announce.server\(lines["server"] ?? ""): \(announce.server) cannot post messages; use a chat server of mcp.servers\(remote.isEmpty ? "" : " (\(remote.joined(separator: ", ")))"), collaboration (the lab's simulated chat), or \"\" to post nowhere"
            )
        }
        guard announce.tool == "post_message" else {
            throw ParseError(
                message:
                    "guard.announce.tool\(lines["tool"] ?? ""): the lab's chat posts with post_message, not \(announce.tool)"
            )
        }
        guard announce.channelArgument == "channel", announce.textArgument == "text" else {
            let key = announce.channelArgument == "channel" ? "text_argument" : "channel_argument"
            throw ParseError(
                message:
                    "guard.announce.\(key)\(lines[key] ?? ""): the lab's post_message takes channel and text; argument names are for a server of mcp.servers"
            )
        }
    }

    /// A rate-limit bucket must be one the Guard takes tokens from: `server:NAME` for one of Vigil's servers or a
    /// configured third-party one. A bucket nothing uses (`server:vigil-cloud`, `vendor:okta`) was accepted and
    /// limited nothing.
    static func checkBuckets(_ config: VigilConfiguration, lines: [String: String] = [:]) throws(ParseError) {
        let servers = knownServers + config.mcp.servers.map(\.name)
        for bucket in config.guardrails.rateLimits.keys.sorted() {
            let path = "guard.rate_limits.\(bucket)\(lines[bucket] ?? "")"
            if bucket.hasPrefix("vendor:") {
                let vendor = String(bucket.dropFirst("vendor:".count))
                guard config.guardrails.vendors[vendor] != nil else {
                    throw ParseError(
                        message:
                            "\(path): no server takes tokens from vendor:\(vendor); list the servers that call its API under guard.vendors.\(vendor)"
                    )
                }
                continue
            }
            let name = String(bucket.dropFirst("server:".count))
            guard servers.contains(name) else {
                let stripped = name.hasPrefix("vigil-") ? String(name.dropFirst(6)) : name
                let hint = servers.contains(stripped) ? " (did you mean server:\(stripped)?)" : ""
                throw ParseError(
                    message:
                        "\(path): no server is named \(name)\(hint); the servers are \(servers.joined(separator: ", "))"
                )
            }
        }
    }

    /// `guard.vendors` names servers that exist (Vigil's own or `mcp.servers`), each under one vendor at most.
    static func checkVendors(_ config: VigilConfiguration, lines: [String: [String]] = [:]) throws(ParseError) {
        let servers = knownServers + config.mcp.servers.map(\.name)
        var vendorOf: [String: String] = [:]
        for vendor in config.guardrails.vendors.keys.sorted() {
            for (index, server) in (config.guardrails.vendors[vendor] ?? []).enumerated() {
                let at = lines[vendor].flatMap { index < $0.count ? $0[index] : nil } ?? ""
                let path = "guard.vendors.\(vendor)[\(index)]\(at)"
                guard servers.contains(server) else {
                    throw ParseError(
                        message:
                            "\(path): no server is named \(server); the servers are \(servers.joined(separator: ", "))")
                }
                if let other = vendorOf[server] {
                    throw ParseError(
                        message: other == vendor
                            ? "\(path): \(server) is listed twice"
                            : "\(path): \(server) is listed under \(other) already; a server calls one vendor's API")
                }
                vendorOf[server] = vendor
            }
        }
    }

    /// The MCP servers' names (`mcp.allow_write` lists some of them).
    static let knownServers = ["siem", "identity", "cloud", "ticketing", "collaboration", "vulnerability", "endpoint"]

    private static func line(_ node: Node) -> String { node.mark.map { " (line \($0.line))" } ?? "" }

    private static func unknown(_ path: String, _ node: Node) -> ParseError {
        ParseError(message: "\(path)\(line(node)): unknown key (see `vigil init` for the keys Vigil reads)")
    }

    private static func mapping(_ node: Node, path: String) throws(ParseError) -> [(String, Node)] {
        guard case .mapping(let m) = node else {
            throw ParseError(message: "\(path.isEmpty ? "top level" : path)\(line(node)): expected a mapping of keys")
        }
        var result: [(String, Node)] = []
        for (k, v) in m {
            guard let key = k.string else { throw ParseError(message: "\(path)\(line(k)): keys must be strings") }
            result.append((key, v))
        }
        return result
    }

    private static func string(_ node: Node, path: String) throws(ParseError) -> String {
        guard case .scalar(let s) = node else { throw ParseError(message: "\(path)\(line(node)): expected a value") }
        return s.string
    }

    /// An integer in `range`.
    private static func int(_ node: Node, path: String, in range: ClosedRange<Int>) throws(ParseError) -> Int {
        let v = try int(node, path: path)
        guard range.contains(v) else {
            throw ParseError(message: "\(path)\(line(node)): \(v) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return v
    }

    private static func int(_ node: Node, path: String) throws(ParseError) -> Int {
        guard let v = Int(try string(node, path: path)) else {
            throw ParseError(message: "\(path)\(line(node)): expected an integer")
        }
        return v
    }

    private static func seed(_ node: Node, path: String) throws(ParseError) -> UInt64 {
        guard let v = UInt64(try string(node, path: path)) else {
            throw ParseError(message: "\(path)\(line(node)): expected a non-negative integer seed")
        }
        return v
    }

    private static func double(_ node: Node, path: String) throws(ParseError) -> Double {
        guard let v = Double(try string(node, path: path)) else {
            throw ParseError(message: "\(path)\(line(node)): expected a number")
        }
        return v
    }

    private static func rateLimit(
        _ node: Node, path: String
    ) throws(ParseError) -> VigilConfiguration.Guardrails.RateLimit {
        var limit = VigilConfiguration.Guardrails.RateLimit(perSecond: 0, burst: 0)
        for (key, value) in try mapping(node, path: path) {
            switch key {
            case "per_second":
                limit.perSecond = try double(value, path: "\(path).\(key)")
                guard limit.perSecond > 0, limit.perSecond <= 100_000 else {
                    throw ParseError(message: "\(path).\(key)\(line(value)): \(limit.perSecond) is outside (0, 100000]")
                }
            case "burst":
                limit.burst = try int(value, path: "\(path).\(key)")
                guard (1...100_000).contains(limit.burst) else {
                    throw ParseError(message: "\(path).\(key)\(line(value)): \(limit.burst) is outside 1…100000")
                }
            default: throw unknown("\(path).\(key)", value)
            }
        }
        guard limit.perSecond > 0, limit.burst > 0 else {
            throw ParseError(message: "\(path)\(line(node)): give both per_second and burst")
        }
        return limit
    }

    /// `guard.intent_model`: a url, and optional labels, threshold and limits.
    private static func intentModel(
        _ node: Node, path: String
    ) throws(ParseError) -> VigilConfiguration.Guardrails.IntentModel {
        var model = VigilConfiguration.Guardrails.IntentModel(url: "")
        for (key, value) in try mapping(node, path: path) {
            let at = "\(path).\(key)"
            switch key {
            case "url":
                model.url = try string(value, path: at)
                guard model.url.hasPrefix("http://") || model.url.hasPrefix("https://") else {
                    throw ParseError(message: "\(at)\(line(value)): '\(model.url)' is not an http:// or https:// URL")
                }
            case "labels":
                guard case .sequence(let items) = value, !items.isEmpty else {
                    throw ParseError(message: "\(at)\(line(value)): expected a non-empty list of label names")
                }
                model.labels = []
                for item in items {
                    let label = try string(item, path: at)
                    guard !label.isEmpty else {
                        throw ParseError(message: "\(at)\(line(item)): a label must not be empty")
                    }
                    model.labels.append(label)
                }
            case "threshold":
                model.threshold = try double(value, path: at)
                guard model.threshold > 0, model.threshold <= 1 else {
                    throw ParseError(message: "\(at)\(line(value)): \(model.threshold) is outside (0, 1]")
                }
            case "timeout":
                model.timeoutSeconds = try int(value, path: at, in: 1...300)
            case "min_bytes":
                model.minBytes = try int(value, path: at, in: 1...10_000)
            case "chunk_bytes":
                model.chunkBytes = try int(value, path: at, in: 200...100_000)
            case "max_texts":
                model.maxTexts = try int(value, path: at, in: 1...10_000)
            case "batch_size":
                model.batchSize = try int(value, path: at, in: 1...1_024)
            case "on_failure":
                model.onFailure = try string(value, path: at)
                guard ["quarantine", "pass"].contains(model.onFailure) else {
                    throw ParseError(message: "\(at)\(line(value)): '\(model.onFailure)' is not quarantine or pass")
                }
            case "cooldown":
                model.cooldownSeconds = try int(value, path: at, in: 0...3_600)
            case "api_key_env":
                model.apiKeyEnvironment = try string(value, path: at)
            case "scanner_weight":
                model.scannerWeight = try double(value, path: at)
                guard model.scannerWeight.isFinite, (0...100).contains(model.scannerWeight) else {
                    throw ParseError(message: "\(at)\(line(value)): \(model.scannerWeight) is outside 0…100")
                }
            case "scanner_floor":
                model.scannerFloor = try double(value, path: at)
                guard model.scannerFloor.isFinite, (0...0.5).contains(model.scannerFloor) else {
                    throw ParseError(message: "\(at)\(line(value)): \(model.scannerFloor) is outside 0…0.5")
                }
            default: throw unknown(at, value)
            }
        }
        guard !model.url.isEmpty else { throw ParseError(message: "\(path)\(line(node)): url is required") }
        // A floor weighs only with the scanner's score: alone it would be a setting that changes nothing.
        if model.scannerFloor > 0 && model.scannerWeight == 0 {
            throw ParseError(
                message:
                    "\(path).scanner_floor\(line(node)): applies only with scanner_weight above 0 (set both, or neither)"
            )
        }
        return model
    }

    private static func drift(_ node: Node, path: String) throws(ParseError) -> VigilConfiguration.Guardrails.Drift {
        var drift = VigilConfiguration.Guardrails.Drift()
        for (key, value) in try mapping(node, path: path) {
            let at = "\(path).\(key)"
            switch key {
            case "enabled": drift.enabled = try bool(value, path: at)
            case "recent_minutes": drift.recentMinutes = try int(value, path: at, in: 5...10_080)
            case "baseline_days": drift.baselineDays = try int(value, path: at, in: 1...365)
            case "threshold":
                drift.threshold = try double(value, path: at)
                guard drift.threshold.isFinite, (1...20).contains(drift.threshold) else {
                    throw ParseError(message: "\(at)\(line(value)): \(drift.threshold) is outside 1…20")
                }
            case "min_recent": drift.minimumRecent = try int(value, path: at, in: 1...1_000_000)
            case "min_baseline": drift.minimumBaseline = try int(value, path: at, in: 1...10_000_000)
            case "check_every": drift.checkSeconds = try int(value, path: at, in: 1...86_400)
            default: throw unknown(at, value)
            }
        }
        guard drift.baselineDays * 1440 > drift.recentMinutes else {
            throw ParseError(
                message:
                    "\(path)\(line(node)): the baseline (\(drift.baselineDays) days) must be longer than the recent window (\(drift.recentMinutes) minutes)"
            )
        }
        return drift
    }

    private static func announce(
        _ node: Node, path: String, lines: inout [String: String]
    ) throws(ParseError) -> VigilConfiguration.Guardrails.Announce {
        var announce = VigilConfiguration.Guardrails.Announce()
        for (key, value) in try mapping(node, path: path) {
            let at = "\(path).\(key)"
            lines[key] = line(value)
            func name() throws(ParseError) -> String {
                let text = try string(value, path: at)
                guard !text.isEmpty, text.count <= 64 else {
                    throw ParseError(message: "\(at)\(line(value)): expected a name of 1-64 characters")
                }
                return text
            }
            switch key {
            case "server": announce.server = try string(value, path: at)
            case "tool": announce.tool = try name()
            case "channel_argument": announce.channelArgument = try name()
            case "text_argument": announce.textArgument = try name()
            case "channel":
                announce.channel = try string(value, path: at)
                guard !announce.channel.isEmpty, announce.channel.count <= 100,
                    !announce.channel.contains(where: { $0.isWhitespace || $0.isNewline })
                else {
                    throw ParseError(
                        message: "\(at)\(line(value)): expected a channel name or id (1-100 characters, no spaces)")
                }
            case "timeout": announce.timeoutSeconds = try int(value, path: at, in: 1...60)
            default: throw unknown(at, value)
            }
        }
        guard announce.channelArgument != announce.textArgument else {
            throw ParseError(
                message:
                    "\(path).text_argument\(lines["text_argument"] ?? line(node)): the channel and the text need two arguments, not \(announce.textArgument) for both"
            )
        }
        return announce
    }

    /// `guard.approvers`: a list of `{name: NAME, token_sha256: HEX}`, no name and no digest twice.
    private static func approvers(
        _ node: Node, path: String
    ) throws(ParseError) -> [VigilConfiguration.Guardrails.Approver] {
        guard case .sequence(let items) = node else {
            throw ParseError(
                message:
                    "\(path)\(line(node)): expected a list of approvers ({name: NAME, token_sha256: HEX}, from `vigil guard approver-token NAME`)"
            )
        }
        var approvers: [VigilConfiguration.Guardrails.Approver] = []
        for (index, item) in items.enumerated() {
            let at = "\(path)[\(index)]"
            var name: String?
            var digest: String?
            for (key, value) in try mapping(item, path: at) {
                switch key {
                case "name":
                    let text = try string(value, path: "\(at).name")
                    if let problem = VigilConfiguration.Guardrails.Approver.problem(withName: text) {
                        throw ParseError(message: "\(at).name\(line(value)): expected \(problem)")
                    }
                    name = text
                case "token_sha256":
                    let text = try string(value, path: "\(at).token_sha256").lowercased()
                    guard text.utf8.count == 64,
                        text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
                    else {
                        throw ParseError(
                            message:
                                "\(at).token_sha256\(line(value)): expected the token's SHA-256, 64 hex digits (`vigil guard approver-token NAME` prints it)"
                        )
                    }
                    digest = text
                default: throw unknown("\(at).\(key)", value)
                }
            }
            guard let name, let digest else {
                throw ParseError(message: "\(at)\(line(item)): an approver needs a name and a token_sha256")
            }
            if approvers.contains(where: { $0.name == name }) {
                throw ParseError(message: "\(at)\(line(item)): the name '\(name)' is listed twice")
            }
            if let other = approvers.first(where: { $0.tokenSHA256 == digest }) {
                throw ParseError(
                    message:
                        "\(at)\(line(item)): \(name) has the same token as \(other.name); each approver needs a token of their own"
                )
            }
            approvers.append(.init(name: name, tokenSHA256: digest))
        }
        return approvers
    }

    /// One `mcp.servers` entry: a name, and a command (stdio) or a url (Streamable HTTP).
    private static func remoteServer(_ node: Node, path: String) throws(ParseError) -> VigilConfiguration.MCP.Remote {
        var server = VigilConfiguration.MCP.Remote(name: "")
        var at: [String: Node] = [:]  // each key's value, for the line an error names
        for (key, value) in try mapping(node, path: path) {
            at[key] = value
            switch key {
            case "name": server.name = try string(value, path: "\(path).name")
            case "command":
                guard case .sequence(let items) = value else {
                    throw ParseError(
                        message: "\(path).command\(line(value)): expected a list: [executable, argument, …]")
                }
                server.command = []
                for item in items { server.command.append(try string(item, path: "\(path).command")) }
            case "url": server.url = try string(value, path: "\(path).url")
            case "token_env": server.tokenEnvironment = try string(value, path: "\(path).token_env")
            case "timeout":
                server.timeoutSeconds = try double(value, path: "\(path).timeout")
                guard server.timeoutSeconds > 0, server.timeoutSeconds <= 3600 else {
                    throw ParseError(
                        message: "\(path).timeout\(line(value)): \(server.timeoutSeconds) is outside (0, 3600]")
                }
            default: throw unknown("\(path).\(key)", value)
            }
        }
        guard (try? #/^[a-z][a-z0-9_-]{0,31}$/#.wholeMatch(in: server.name)) != nil else {
            throw ParseError(
                message:
                    "\(path)\(line(node)): name '\(server.name)' must be 1–32 of a-z, 0-9, _ and -, starting with a letter"
            )
        }
        guard !knownServers.contains(server.name) else {
            throw ParseError(
                message: "\(path)\(line(node)): '\(server.name)' is one of Vigil's own servers; choose another name")
        }
        switch (server.command.isEmpty, server.url.isEmpty) {
        case (true, true), (false, false):
            throw ParseError(
                message: "\(path)\(line(node)): give exactly one of command (stdio) or url (Streamable HTTP)")
        case (true, false):
            guard server.url.hasPrefix("http://") || server.url.hasPrefix("https://") else {
                throw ParseError(
                    message: "\(path).url\(line(at["url"] ?? node)): '\(server.url)' is not an http(s) URL")
            }
        case (false, true):
            guard !server.command[0].isEmpty else {
                throw ParseError(message: "\(path).command\(line(at["command"] ?? node)): the executable is empty")
            }
            guard server.tokenEnvironment.isEmpty else {
                throw ParseError(
                    message: "\(path).token_env\(line(at["token_env"] ?? node)): only a url server takes a bearer token"
                )
            }
        }
        return server
    }

    private static func bool(_ node: Node, path: String) throws(ParseError) -> Bool {
        switch try string(node, path: path).lowercased() {
        case "true": return true
        case "false": return false
        default: throw ParseError(message: "\(path)\(line(node)): expected true or false")
        }
    }

    /// The file `vigil init` writes: every key Vigil reads, with its default and what it does.
    static func template(_ c: VigilConfiguration = VigilConfiguration()) -> String {
        """
        # Vigil configuration. Every key is optional and shows its default.
        # Secrets are never written here: keys that need one name an environment variable instead.
        version: 1

        # trace | debug | info | notice | warning | error | critical (logs go to stderr)
        log_level: \(c.logLevel.rawValue)

        # The embedded simulated enterprise ("Meridian Labs") used when no real platform is configured.
        lab:
          # Seed of the organisation: people, cloud accounts, devices, tickets. Another seed, another company.
          enterprise_seed: \(c.lab.enterpriseSeed)
          # Default seed of the alert stream (`vigil lab alerts`, `vigil demo`).
          alert_seed: \(c.lab.alertSeed)
          # Share of benign alerts in generated streams, 0 to 1.
          benign_ratio: \(c.lab.benignRatio)

        # The embedded SIEM.
        siem:
          # The event store that `vigil ingest` writes and `vigil search` reads (SQLite file).
          database: \(c.siem.database)
          # Where the SIEM MCP server's history comes from: lab (the generated enterprise) or store (the
          # database above, filled by `vigil ingest`).
          backend: \(c.siem.backend.rawValue)
          # With backend store: alerts (JSON Lines, e.g. from `vigil detect`) the SIEM server can serve.
          alerts: \(c.siem.alerts ?? "null")

        # Vigil's MCP servers (`vigil mcp SERVER`).
        mcp:
          # Servers whose write tools (suspend a user, isolate a host, post a message) are granted.
          # Empty: every server is read-only. `--allow-write` grants them for one run.
          allow_write: [\(c.mcp.allowWrite.joined(separator: ", "))]
          # The environment variable holding the bearer token clients must send over HTTP.
          token_env: \(c.mcp.tokenEnvironment)
          # How many generated alerts (and their events) the lab backends hold.
          lab_alerts: \(c.mcp.labAlerts)
          # Further MCP servers for the agents (third-party ones included). Their tools pass the Guard like
          # Vigil's own; the policy denies them until guard.policy's tiers list them. Tools without
          # annotations count as destructive (the MCP default). Seal again after adding one.
          #   - name: threatintel                      # tools become threatintel.TOOL in policies
          #     command: [python3, /opt/ti/server.py]  # started, spoken to over stdio
          #   - name: wiki
          #     url: https://mcp.example.internal/mcp  # Streamable HTTP
          #     token_env: WIKI_MCP_TOKEN              # bearer token from this variable
          #     timeout: 30                            # seconds per request
          servers: []

        # The tamper-evident audit log (`vigil audit verify`, `vigil audit export`).
        audit:
          # The log: one hash-chained JSON record per line; the latest signed checkpoint sits at PATH.checkpoint.
          path: \(c.audit.path)
          # The Ed25519 key that signs checkpoints, created (mode 0600) on first use. Keep it off the log's disk
          # if you can: whoever holds it can rewrite history.
          key: \(c.audit.key)
          # Sign a checkpoint after this many records (and whenever the log is closed).
          checkpoint_every: \(c.audit.checkpointEvery)

        # The integrity manifest (`vigil integrity seal`, `vigil integrity verify`), signed with audit.key.
        integrity:
          manifest: \(c.integrity.manifest)
          # Files and directories that steer the agents; the configuration file is always included.
          paths: [\(c.integrity.paths.joined(separator: ", "))]

        # The Guard around every tool call (`vigil guard`, docs/security.md).
        guard:
          # The policy: tiers' allowlists, rules, limits, untrusted sources. If this default path does not
          # exist, the embedded default (the repository's policies/guard.yaml) applies.
          policy: \(c.guardrails.policy)
          # Approval requests for held calls (SQLite), decided with `vigil guard approve|deny ID`.
          approvals: \(c.guardrails.approvals)
          # Who is in which group, and what is in which AWS account, for the policy's member_of and in_account
          # conditions: a YAML file exported from the identity provider and the cloud organisation, e.g.
          #   groups: {executives: [ceo@corp.example]}
          #   accounts: {"264705010919": [security-prod, svc-siem-ingest]}
          # Empty: the lab's directory (Meridian Labs).
          directory: "\(c.guardrails.directory)"
          # Seconds a request waits for a human, and an approval stays usable.
          approval_ttl: \(c.guardrails.approvalTTLSeconds)
          # Injection scanner threshold, above 0 and at most 1: results scoring at least this are quarantined.
          scan_threshold: \(c.guardrails.scanThreshold)
          # Calls per second and burst for each third-party server (mcp.servers) not named in rate_limits. Vigil's
          # own servers answer from the lab or the local store, which have no quota: unlimited unless named.
          rate_limit: {per_second: \(c.guardrails.rateLimit.perSecond), burst: \(c.guardrails.rateLimit.burst)}
          # By server, e.g. "server:identity": {per_second: 10, burst: 20}, and by vendor API, e.g. "vendor:okta".
          # A call waits its turn up to 30 s.
          rate_limits: {}
          # The servers that call each vendor's API, e.g. okta: [identity, okta-admin]: they take tokens from the
          # vendor's bucket too, and a 429 one of them meets holds them all.
          vendors: {}
          # A second reader: a prompt-injection classifier served by text-embeddings-inference (POST /predict)
          # reads the prose of every result the scanner passes (docs/security.md). Off unless set.
          # intent_model:
          #   url: http://127.0.0.1:8080
          #   labels: [INJECTION, JAILBREAK]   # the model's labels that mean injection
          #   threshold: 0.9                   # (0, 1]
          #   timeout: 10                      # seconds per attempt, 1-300; one retry
          #   min_bytes: 24                    # shorter strings (UTF-8) are not sent, 1-10000
          #   chunk_bytes: 510                 # longer ones are read in pieces: the model's token limit less 2
          #   max_texts: 256                   # pieces per result, 1-10000; more is a partial read
          #   batch_size: 32                   # texts per request, 1-1024 (TEI's --max-client-batch-size)
          #   on_failure: quarantine           # or pass: what a result the model did not read in full becomes
          #   cooldown: 30                     # with quarantine: seconds after an outage before it is asked, 0-3600
          #   api_key_env: ""                  # variable holding TEI's --api-key, if it has one
          #   scanner_weight: 0                # 0-100; above 0 the model and the scanner's score decide together
          #   scanner_floor: 0                 # 0-0.5; with scanner_weight, the least the scanner's score counts as
          # Each new approval request is posted here for people to see (the audit log records the post, or why it
          # failed; the request waits in `vigil guard approvals` either way). server: a chat server of mcp.servers,
          # collaboration (the lab's simulated chat, which no person reads), or "" to post nowhere.
          announce:
            server: "\(c.guardrails.announce.server)"
            tool: \(c.guardrails.announce.tool)
            channel_argument: \(c.guardrails.announce.channelArgument)   # the tool's argument for the channel
            text_argument: \(c.guardrails.announce.textArgument)         # … and for the message
            channel: "\(c.guardrails.announce.channel)"
            timeout: \(c.guardrails.announce.timeoutSeconds)            # seconds a post may take, 1-60
          # Who may decide approval requests through the approvals API (`vigil serve`), each with a token of their
          # own: `vigil guard approver-token NAME` prints the token and the entry, {name: NAME, token_sha256: HEX}.
          # Empty: one shared token ($VIGIL_API_TOKEN), and who decides is what the client says.
          approvers: []
          # The drift monitor: `vigil triage` compares the share of alerts it closes (and of each classification),
          # per rule and overall, in the recent window with the baseline before it, and raises a drift alert
          # (stderr, audit log, case store; `vigil guard drift`) when a share moves by `threshold` standard errors.
          drift:
            enabled: \(c.guardrails.drift.enabled)
            recent_minutes: \(c.guardrails.drift.recentMinutes)     # 5-10080
            baseline_days: \(c.guardrails.drift.baselineDays)        # 1-365
            threshold: \(c.guardrails.drift.threshold)          # standard errors, 1-20
            min_recent: \(c.guardrails.drift.minimumRecent)         # fewest verdicts in the window before comparing
            min_baseline: \(c.guardrails.drift.minimumBaseline)     # … and in the baseline
            check_every: \(c.guardrails.drift.checkSeconds)        # seconds between checks during a run

        # The agents (`vigil triage`, `vigil eval`, `vigil report`; docs/agents.md).
        agents:
          # offline (the playbook reasoner: no key, no network) | anthropic | openai (any compatible endpoint)
          provider: \(c.agents.provider.rawValue)
          # The model; empty: the provider's default (claude-sonnet-4-5, gpt-4.1).
          model: "\(c.agents.model)"
          # The API's base URL; empty: the vendor's (e.g. http://localhost:11434/v1 for Ollama).
          base_url: "\(c.agents.baseURL)"
          # The environment variable holding the API key; empty: ANTHROPIC_API_KEY or OPENAI_API_KEY.
          api_key_env: "\(c.agents.apiKeyEnvironment)"
          # The highest tier model agents reach: 1 triage, 2 investigation, 3 forensic.
          max_tier: \(c.agents.maxTier)
          # Tier instructions and budgets (tier1.md …), playbooks (YAML), manual runbooks (Markdown).
          prompts: \(c.agents.prompts)
          playbooks: \(c.agents.playbooks)
          runbooks: \(c.agents.runbooks)
          # The case store (SQLite): verdicts, timelines and reports for `vigil report`.
          cases: \(c.agents.cases)

        # Alert intake (`vigil alerts validate`).
        intake:
          # true: any bad record rejects the whole input. false: bad records are reported, good ones kept.
          strict: \(c.intake.strict)

        """
    }
}
