import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilGuard
import VigilMCP

struct IntegrityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrity",
        abstract: "Seal or verify what steers the agents: configuration, prompts, playbooks, policies, MCP tools.",
        discussion: "See docs/security.md.",
        subcommands: [IntegritySealCommand.self, IntegrityVerifyCommand.self, IntegrityUnsealCommand.self])
}

/// What the manifest covers, as configured.
enum IntegrityScope {
    /// The configuration file in use (if any), `integrity.paths`, and wherever else the configuration keeps files
    /// that steer the agents (`guard.policy`, `agents.playbooks`, `agents.prompts`, `agents.runbooks`), so that
    /// moving one out of the sealed directories does not unseal it.
    static func paths(_ configuration: VigilConfiguration, global: GlobalOptions) -> [String] {
        let config = global.config ?? ConfigurationLoader.defaultPath
        let steering =
            [
                configuration.guardrails.policy, configuration.agents.playbooks, configuration.agents.prompts,
                configuration.agents.runbooks,
            ] + (configuration.guardrails.directory.isEmpty ? [] : [configuration.guardrails.directory])
        return (FileManager.default.fileExists(atPath: config) ? [config] : []) + configuration.integrity.paths
            + steering.filter { path in !configuration.integrity.paths.contains { IntegrityScope.covers($0, path) } }
    }

    /// Whether `path` is `root` or lies under it (as written: the manifest keeps paths as configured).
    static func covers(_ root: String, _ path: String) -> Bool {
        let root = (root as NSString).standardizingPath
        let path = (path as NSString).standardizingPath
        return path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// Every tool of every Vigil MCP server (write tools included) and of the connected `mcp.servers`,
    /// with a digest of its definition.
    static func tools(_ servers: [PlatformServer], remote: [ListedTool] = []) -> [IntegrityManifest.PinnedTool] {
        servers.flatMap { server in
            server.tools.map {
                IntegrityManifest.PinnedTool(
                    server: server.name, name: $0.name, digest: $0.definitionDigest)
            }
        }
            + remote.map {
                IntegrityManifest.PinnedTool(
                    server: $0.profile.server, name: $0.name, digest: $0.profile.definitionDigest)
            }
    }

    /// The tools the servers of `mcp.servers` list now (each is connected, listed and closed).
    static func remoteTools(_ configuration: VigilConfiguration, logger: Logger) async throws(CLIError) -> [ListedTool]
    {
        let remotes = try await RemoteServers.connect(configuration, logger: logger)
        for remote in remotes { await remote.close() }
        return remotes.flatMap(\.tools)
    }

    /// Checks the manifest if there is one against the files and `servers`; throws naming what differs.
    /// No manifest: nothing to check.
    static func check(
        _ configuration: VigilConfiguration, global: GlobalOptions, servers: [PlatformServer],
        remote: [ListedTool] = [], logger: Logger
    ) throws(CLIError) {
        let path = configuration.integrity.manifest
        guard FileManager.default.fileExists(atPath: path) else {
            // Whether running without one is allowed is for the audit log's memory to say (`checkStillSealed`).
            logger.info("no integrity manifest", metadata: ["path": "\(path)"])
            return
        }
        let differences = try differences(configuration, global: global, servers: servers, remote: remote)
        guard differences.isEmpty else {
            let more =
                differences.count > 1 ? " (and \(differences.count - 1) more; `vigil integrity verify` lists them)" : ""
            throw .config("integrity check failed: \(differences[0])\(more)")
        }
    }

    /// After `check`, with the audit log open: a run without a manifest is refused when the log's signed checkpoints
    /// say the runs before were sealed (the manifest was deleted, not unsealed), with an `integrity_check_failed`
    /// record; otherwise the checkpoints from now on say whether this run is sealed (the manifest's SHA-256, or
    /// `none`), so that the next run can tell.
    static func checkStillSealed(_ configuration: VigilConfiguration, audit: AuditLog) async throws(CLIError) {
        let path = configuration.integrity.manifest
        if let data = FileManager.default.contents(atPath: path) {
            audit.recordIntegrity(AuditRecord.hexDigest(data))
            return
        }
        guard let sealed = audit.integrityAtOpen, sealed != "none" else {
            audit.recordIntegrity("none")
            return
        }
        _ = try? await audit.append(
            kind: "integrity_check_failed",
            data: ["manifest": .string(path), "problem": "missing", "last_sealed_sha256": .string(sealed)])
        throw .config(
            "integrity check failed: the integrity manifest \(path) is missing, but the audit log's signed checkpoints say the runs before this one were sealed with it (sha256 \(sealed.prefix(16))…): put it back, seal again (`vigil integrity seal`), or stop sealing (`vigil integrity unseal`)"
        )
    }

    static func differences(
        _ configuration: VigilConfiguration, global: GlobalOptions, servers: [PlatformServer],
        remote: [ListedTool] = []
    )
        throws(CLIError) -> [String]
    {
        do {
            let publicKey = try AuditKey.loadPublic(path: configuration.audit.key)
            let manifest = try IntegrityManifest.load(path: configuration.integrity.manifest, publicKey: publicKey)
            return try manifest.differences(
                paths: paths(configuration, global: global), tools: tools(servers, remote: remote),
                base: configuration.directory)
        } catch let error as CLIError {
            throw error
        } catch {
            throw .config("integrity check failed: \(error)")
        }
    }
}

struct IntegritySealCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Write the signed manifest of the files and MCP tool definitions that steer the agents.",
        discussion: """
            The sealing is written to the audit log (`integrity_sealed`, with the manifest's SHA-256), whose signed \
            checkpoints then say that runs are sealed: from then on a run without the manifest is refused until \
            `vigil integrity unseal`.
            """)

    @OptionGroup var global: GlobalOptions

    /// The sealing as an audit record, and the checkpoints from now on saying so. A log held by a running Vigil is
    /// left alone (said on stderr): the next run that opens the log records the manifest it finds.
    static func record(_ manifest: [UInt8], files: Int, tools: Int, _ configuration: VigilConfiguration) async {
        let digest = AuditRecord.hexDigest(manifest)
        do {
            let log = try GuardDecision.openLog(configuration)
            defer { log.close() }
            try await log.append(
                kind: "integrity_sealed",
                data: [
                    "manifest": .string(configuration.integrity.manifest), "sha256": .string(digest),
                    "files": .int(Int64(files)), "tools": .int(Int64(tools)),
                ])
            log.recordIntegrity(digest)
        } catch {
            Console.warning(
                "the sealing is not in the audit log (\(error)); the next run that opens the log records the manifest")
        }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        let remote = try await IntegrityScope.remoteTools(configuration, logger: logger)
        let tools = IntegrityScope.tools(try ServerCatalog.definitions(), remote: remote)
        let shared = IntegrityManifest.shared(tools)
        if !shared.isEmpty { throw .invalidInput(shared.joined(separator: "\n")) }
        do {
            let (key, created) = try AuditKey.loadOrCreate(path: configuration.audit.key)
            if created { Console.note("created the signing key \(configuration.audit.key) (mode 0600)") }
            let manifest = try IntegrityManifest.seal(
                paths: IntegrityScope.paths(configuration, global: global),
                tools: tools, key: key, base: configuration.directory)
            let text = Array((manifest.json.prettyPrinted() + "\n").utf8)
            try OutputFile.write(text, to: configuration.integrity.manifest)
            print(
                "\(configuration.integrity.manifest): sealed \(manifest.files.count) files and \(manifest.tools.count) MCP tools (key \(manifest.keyID))"
            )
            await Self.record(text, files: manifest.files.count, tools: manifest.tools.count, configuration)
        } catch let error as CLIError {
            throw error
        } catch {
            throw .cannotCreate("\(error)")
        }
    }
}

struct IntegrityVerifyCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the files and MCP tools against the sealed manifest; list every difference.")

    @OptionGroup var global: GlobalOptions

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        guard FileManager.default.fileExists(atPath: configuration.integrity.manifest) else {
            throw .noInput(
                "\(configuration.integrity.manifest): no integrity manifest here (create one with `vigil integrity seal`)"
            )
        }
        let remote = try await IntegrityScope.remoteTools(configuration, logger: logger)
        let differences = try IntegrityScope.differences(
            configuration, global: global, servers: try ServerCatalog.definitions(), remote: remote)
        for difference in differences { print(difference) }
        guard differences.isEmpty else {
            throw .invalidInput("\(differences.count) difference(s) from the sealed manifest")
        }
        print("\(configuration.integrity.manifest): everything matches the sealed manifest")
    }
}

struct IntegrityUnsealCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "unseal",
        abstract: "Stop sealing: remove the integrity manifest, and record in the audit log that runs are unsealed.",
        discussion: """
            Once Vigil has run sealed, a run without the manifest is refused (the audit log's signed checkpoints \
            remember the sealing), so that deleting the manifest does not switch the check off. This is the way to \
            run unsealed again: it writes an `integrity_unsealed` record (with the removed manifest's SHA-256) and \
            removes the manifest. It needs the audit log's signing key and the log itself, not held by a running Vigil.
            """)

    @OptionGroup var global: GlobalOptions

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        let path = configuration.integrity.manifest
        let data = FileManager.default.contents(atPath: path)
        if data == nil, FileManager.default.fileExists(atPath: path) {
            throw .noInput("\(path): cannot read the integrity manifest to remove it")
        }
        let log: AuditLog
        do {
            log = try GuardDecision.openLog(configuration)
        } catch let error as AuditLogError where error.isBusy {
            throw .unavailable("\(error.description): stop the running Vigil, then unseal")
        } catch {
            throw .cannotCreate("audit log: \(error)")
        }
        var record: JSONObject = ["manifest": .string(path)]
        if let data { record["sha256"] = .string(AuditRecord.hexDigest(data)) }
        if let before = log.integrityAtOpen { record["before"] = .string(before) }
        do {
            try await log.append(kind: "integrity_unsealed", data: .object(record))
        } catch {
            log.close()
            throw .cannotCreate("audit log: \(error)")
        }
        log.recordIntegrity("none")
        log.close()
        if data != nil {
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw .cannotCreate(
                    "\(path): recorded as unsealed, but cannot remove it (\(SystemErrorText.reason(error)))")
            }
        }
        print(
            "\(path): \(data == nil ? "was not there; " : "removed; ")runs are unsealed (recorded in \(configuration.audit.path))"
        )
    }
}
