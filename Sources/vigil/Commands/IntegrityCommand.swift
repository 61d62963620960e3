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
        subcommands: [IntegritySealCommand.self, IntegrityVerifyCommand.self])
}

/// What the manifest covers, as configured.
enum IntegrityScope {
    /// The configuration file in use (if any), `integrity.paths`, and wherever else the configuration keeps files
    /// that steer the agents (`guard.policy`, `agents.playbooks`, `agents.prompts`, `agents.runbooks`), so that
    /// moving one out of the sealed directories does not unseal it.
    static func paths(_ configuration: VigilConfiguration, global: GlobalOptions) -> [String] {
        let config = global.config ?? ConfigurationLoader.defaultPath
        let steering = [
            configuration.guardrails.policy, configuration.agents.playbooks, configuration.agents.prompts,
            configuration.agents.runbooks,
        ]
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
            logger.info("no integrity manifest; seal one with `vigil integrity seal`", metadata: ["path": "\(path)"])
            return
        }
        let differences = try differences(configuration, global: global, servers: servers, remote: remote)
        guard differences.isEmpty else {
            let more =
                differences.count > 1 ? " (and \(differences.count - 1) more; `vigil integrity verify` lists them)" : ""
            throw .config("integrity check failed: \(differences[0])\(more)")
        }
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
        abstract: "Write the signed manifest of the files and MCP tool definitions that steer the agents.")

    @OptionGroup var global: GlobalOptions

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
            try OutputFile.write(
                Array((manifest.json.prettyPrinted() + "\n").utf8), to: configuration.integrity.manifest)
            print(
                "\(configuration.integrity.manifest): sealed \(manifest.files.count) files and \(manifest.tools.count) MCP tools (key \(manifest.keyID))"
            )
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
