import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilGuard
import VigilLab
import VigilMCP
import VigilPlatforms
import VigilSIEM

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Run one of Vigil's MCP servers, or list them.",
        discussion: """
            Servers: \(PlatformKind.allCases.map(\.rawValue).joined(separator: ", ")). `vigil mcp SERVER` serves \
            over stdio (JSON-RPC on stdout, logs on stderr); `--http HOST:PORT` serves Streamable HTTP with \
            bearer-token authentication (HTTPS with --tls-cert and --tls-key; client certificates with --tls-client-ca). Write tools are off unless granted by mcp.allow_write or --allow-write. \
            See docs/mcp.md for Claude Desktop and Claude Code configurations.
            """,
        subcommands: [MCPServeCommand.self, MCPListCommand.self],
        defaultSubcommand: MCPServeCommand.self)
}

/// Options that choose the backends behind the servers.
struct BackendOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("SIEM history: lab or store (default: siem.backend).", valueName: "backend"))
    var siemBackend: String?

    @Option(
        name: .customLong("data"),
        help: ArgumentHelp("Event store for the SIEM (implies --siem-backend store).", valueName: "path"))
    var data: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Alerts (JSON Lines) the SIEM serves with the store backend.", valueName: "path"))
    var alerts: String?

    func validate() throws {
        if let siemBackend, VigilConfiguration.SIEM.Backend(rawValue: siemBackend) == nil {
            throw ValidationError("--siem-backend '\(siemBackend)' is not lab or store")
        }
    }

    /// The seven platforms as configured: lab backends, with the SIEM on the lab or on an event store.
    func platforms(_ configuration: VigilConfiguration, logger: Logger) throws(CLIError) -> Platforms {
        let lab: LabWorld
        do {
            lab = try LabWorld(
                enterpriseSeed: configuration.lab.enterpriseSeed, alertSeed: configuration.lab.alertSeed,
                alertCount: configuration.mcp.labAlerts, benignRatio: configuration.lab.benignRatio)
        } catch {
            throw .software("could not build the lab world: \(error)")
        }
        var platforms = lab.platforms
        let backend =
            data != nil
            ? .store : siemBackend.flatMap(VigilConfiguration.SIEM.Backend.init) ?? configuration.siem.backend
        if let alerts, backend != .store {
            throw .usage(
                "--alerts \(alerts): the SIEM serves alerts from a file only on the event store; give --data PATH (or --siem-backend store)"
            )
        }
        if backend == .store {
            let path = data ?? configuration.siem.database
            guard FileManager.default.fileExists(atPath: path) else {
                throw .noInput("\(path): no event store here (create one with `vigil ingest FILE --db \(path)`)")
            }
            let store: EventStore
            do {
                store = try EventStore(path: path)
            } catch {
                throw .noInput("\(path): cannot open the event store: \(error)")
            }
            var loaded: [Alert] = []
            if let alertsPath = alerts ?? configuration.siem.alerts {
                let bytes = try InputFile.read(alertsPath)
                let result = AlertDecoder().decode(bytes)
                if let first = result.errors.first {
                    throw .invalidInput("\(alertsPath): \(first) (\(result.errors.count) bad record(s))")
                }
                loaded = result.alerts.map(\.alert)
            }
            platforms.siem = EventStoreSIEM(store: store, alerts: loaded)
            logger.info("SIEM backend: event store", metadata: ["path": "\(path)", "alerts": "\(loaded.count)"])
        }
        return platforms
    }
}

struct MCPServeCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve one platform over MCP (the default: `vigil mcp siem` is `vigil mcp serve siem`).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backends: BackendOptions

    @Argument(
        help: ArgumentHelp(
            "The server: \(PlatformKind.allCases.map(\.rawValue).joined(separator: "|")).", valueName: "server"))
    var server: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve Streamable HTTP on this address instead of stdio (port 0: any free port).", valueName: "host:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("HTTP endpoint path.", valueName: "path"))
    var path = "/mcp"

    @OptionGroup var tls: TLSOptions

    @Flag(name: .long, help: "Grant this server's write tools for this run.")
    var allowWrite = false

    func validate() throws {
        guard PlatformKind(rawValue: server) != nil else {
            throw ValidationError(
                "'\(server)' is not a server; choose one of \(PlatformKind.allCases.map(\.rawValue).joined(separator: ", ")), or `list`"
            )
        }
        if let http, HTTPServerConfiguration.parseAddress(http) == nil {
            throw ValidationError("--http '\(http)' is not HOST:PORT (e.g. 127.0.0.1:8765)")
        }
        if http == nil, tls.certificate != nil {
            throw ValidationError("--tls-cert and --tls-key serve HTTPS, with --http HOST:PORT")
        }
        // Segments of letters, digits and - . _ ~, none empty (no `//`, no trailing /), and not the health check's.
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard path.hasPrefix("/"), !segments.isEmpty,
            segments.allSatisfy({ segment in
                !segment.isEmpty && segment != "." && segment != ".."
                    && segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) }
            })
        else {
            throw ValidationError(
                "--path '\(path)' must be a plain URL path: /, then segments of letters, digits, - . _ ~ (e.g. /mcp)")
        }
        guard segments.first?.lowercased() != "health" else {
            throw ValidationError("--path \(path): /health is the health check's; choose another")
        }
        // Over stdio, standard input is the MCP channel: alerts cannot come from it too.
        if http == nil, let alerts = backends.alerts, InputFile.readsStandardInput(alerts) {
            throw ValidationError(
                "--alerts \(alerts): over stdio, standard input carries MCP; give the alerts as a file")
        }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        let kind = PlatformKind(rawValue: server)!
        let platforms = try backends.platforms(configuration, logger: logger)
        try IntegrityScope.check(
            configuration, global: global,
            servers: PlatformKind.allCases.map { PlatformServer.make($0, platforms: platforms) },
            logger: logger)
        let scopes: Set<ToolScope> =
            allowWrite || configuration.mcp.allowWrite.contains(kind.rawValue) ? [.read, .write] : [.read]
        let router = ToolRouter(server: PlatformServer.make(kind, platforms: platforms), scopes: scopes, logger: logger)
        do {
            if let http, let address = HTTPServerConfiguration.parseAddress(http) {
                let serverTLS = try tls.load()
                let token = try BearerToken.resolve(variable: configuration.mcp.tokenEnvironment)
                let server = StreamableHTTPServer(
                    router: router,
                    configuration: HTTPServerConfiguration(
                        host: address.host, port: address.port, path: path, bearerToken: token, tls: serverTLS),
                    logger: logger)
                let scheme = serverTLS == nil ? "http" : "https"
                let host = address.host.contains(":") ? "[\(address.host)]" : address.host
                let endpoint = path + (serverTLS?.clientsNote ?? "")
                try await server.run { port in
                    Console.note("\(router.server.name) listening on \(scheme)://\(host):\(port)\(endpoint)")
                }
            } else {
                try await StdioServer.run(router, logger: logger)
            }
        } catch let error as CannotListen {
            throw .unavailable("\(router.server.name): \(error)")
        } catch let error as CLIError {
            throw error
        } catch {
            throw .software("\(router.server.name) stopped: \(error)")
        }
    }
}

struct MCPListCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the servers, their tools and the scope each tool needs.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print JSON (one object per server) instead of a table.")
    var json = false

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        for server in try ServerCatalog.definitions() {
            let kind = server.kind
            let granted = configuration.mcp.allowWrite.contains(kind.rawValue)
            if json {
                let line: JSONValue = [
                    "server": .string(kind.rawValue), "name": .string(server.name),
                    "write_granted": .bool(granted),
                    "tools": .array(
                        server.tools.map {
                            [
                                "name": .string($0.name), "scope": .string($0.scope.rawValue),
                                "effect": .string($0.effect.rawValue),
                            ]
                        }),
                ]
                print(line.serialized())
                continue
            }
            print("\(kind.rawValue)  (\(server.name); write tools \(granted ? "granted" : "off"))")
            for tool in server.tools {
                let padded = tool.name.padding(toLength: 28, withPad: " ", startingAt: 0)
                let effect = tool.effect == .read ? "read" : "write, \(tool.effect.rawValue)"
                print("  \(padded) \(effect.padding(toLength: 20, withPad: " ", startingAt: 0)) \(tool.title)")
            }
        }
    }
}

/// The servers' tool definitions, for listing and sealing: the tools do not depend on the backend, so
/// a minimal lab world serves.
enum ServerCatalog {
    static func definitions() throws(CLIError) -> [PlatformServer] {
        let lab: LabWorld
        do {
            lab = try LabWorld(alertCount: 1)
        } catch {
            throw .software("could not build the lab world: \(error)")
        }
        let platforms = lab.platforms
        return PlatformKind.allCases.map { PlatformServer.make($0, platforms: platforms) }
    }

    /// The Guard's view of a tool: its class, targets and definition digest. A tool Vigil does not
    /// know (a third-party server's) counts as destructive, with every argument a target.
    static func profile(server: String, tool: String) -> ToolProfile {
        if let kind = PlatformKind(rawValue: server),
            let definition = knownTools[kind]?.first(where: { $0.name == tool })
        {
            return definition.profile(server: kind.rawValue)
        }
        return ToolProfile(server: server, tool: tool, toolClass: .destructive)
    }

    /// The names of the tools Vigil's `kind` server has.
    static func toolNames(of kind: PlatformKind) -> [String] { (knownTools[kind] ?? []).map(\.name) }

    private static let knownTools: [PlatformKind: [ToolDefinition]] = Dictionary(
        uniqueKeysWithValues: ((try? definitions()) ?? []).map { ($0.kind, $0.tools) })
}
