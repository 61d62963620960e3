import VigilCore
import VigilGuard
import VigilMCP

/// Where agents call tools. Every call goes through the Guard (policy, approvals, rate limit, audit,
/// injection scan) before and after it reaches an MCP server.
public protocol ToolHost: Sendable {
    func call(
        server: String, tool: String, arguments: JSONObject, in session: GuardSession
    ) async throws -> Guard.Outcome

    /// Every tool of every connected server, destructive ones included.
    var allTools: [HostedTool] { get }

    /// The tools a tier may call, by the policy: read and write tools its allowlist names. Destructive
    /// tools are never offered to a model (containment is proposed, not called).
    func tools(forTier tier: String) -> [HostedTool]

    /// Content that reaches a model without a tool call (the alert itself) passes the injection scan
    /// too: what fails is quarantined on the session and returned wrapped and flagged.
    func screen(_ content: JSONValue, source: String, in session: GuardSession) async throws -> JSONValue

    /// A containment step for people to decide: never executed, only put through the approval flow.
    func propose(
        server: String, tool: String, arguments: JSONObject, rationale: String, in session: GuardSession
    ) async throws -> Guard.Proposal

    /// Audits an investigation's verdict. A host without an audit log records nothing.
    func record(verdict: Verdict, caseID: String) async throws
}

extension ToolHost {
    public func record(verdict: Verdict, caseID: String) async throws {}
}

/// A tool as an agent sees it.
public struct HostedTool: Sendable, Hashable {
    public var server: String
    public var name: String
    public var description: String
    public var inputSchema: JSONValue
    public var toolClass: ToolClass

    public init(server: String, name: String, description: String, inputSchema: JSONValue, toolClass: ToolClass) {
        self.server = server
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.toolClass = toolClass
    }

    public var qualifiedName: String { "\(server).\(name)" }
}

/// The MCP host: connections to the platform servers (in-process, stdio or Streamable HTTP: any
/// `MCPConnection`), each call routed through the Guard.
public final class GuardedToolHost: ToolHost {
    /// One connected server: the tools it serves, and the tools it has but withholds (write tools not
    /// granted). Both are known to the Guard's profiles, so a call to a withheld tool is refused and
    /// audited like any other, and containment may be proposed with them; only served tools are offered.
    public struct Server: Sendable {
        public var name: String
        public var connection: MCPConnection
        public var tools: [ListedTool]
        public var withheld: [ListedTool]

        public init(name: String, connection: MCPConnection, listed tools: [ListedTool], withheld: [ListedTool] = []) {
            self.name = name
            self.connection = connection
            self.tools = tools
            self.withheld = withheld
        }

        /// One of Vigil's own servers.
        public init(name: String, connection: MCPConnection, tools: [ToolDefinition], withheld: [ToolDefinition] = []) {
            self.init(
                name: name, connection: connection, listed: tools.map { ListedTool($0, server: name) },
                withheld: withheld.map { ListedTool($0, server: name) })
        }
    }

    public let guardrails: Guard
    private let servers: [String: Server]
    private let profiles: [String: ToolProfile]

    public init(guard guardrails: Guard, servers: [Server]) {
        self.guardrails = guardrails
        self.servers = Dictionary(servers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var profiles: [String: ToolProfile] = [:]
        for server in servers {
            for tool in server.tools + server.withheld {
                profiles["\(server.name).\(tool.name)"] = tool.profile
            }
        }
        self.profiles = profiles
    }

    /// The Guard's view of a tool; a tool no server declares counts as destructive.
    public func profile(server: String, tool: String) -> ToolProfile {
        profiles["\(server).\(tool)"]
            ?? ToolProfile(server: server, tool: tool, toolClass: .destructive, external: true)
    }

    public var allTools: [HostedTool] { hosted(\.tools) + hosted(\.withheld) }

    public func tools(forTier tier: String) -> [HostedTool] {
        guard let allowlist = guardrails.policy.policy.tiers[tier] else { return [] }
        return hosted(\.tools).filter { tool in
            tool.toolClass != .destructive
                && allowlist.allows(ToolProfile(server: tool.server, tool: tool.name, toolClass: tool.toolClass))
        }
    }

    private func hosted(_ list: KeyPath<Server, [ListedTool]>) -> [HostedTool] {
        servers.values.sorted(by: { $0.name < $1.name }).flatMap { server in
            server[keyPath: list].map { tool in
                HostedTool(
                    server: server.name, name: tool.name, description: tool.description, inputSchema: tool.inputSchema,
                    toolClass: profile(server: server.name, tool: tool.name).toolClass)
            }
        }
    }

    public func screen(_ content: JSONValue, source: String, in session: GuardSession) async throws -> JSONValue {
        try await guardrails.screen(content, source: source, in: session)
    }

    public func propose(
        server: String, tool: String, arguments: JSONObject, rationale: String, in session: GuardSession
    ) async throws -> Guard.Proposal {
        let listed = servers[server].flatMap { ($0.tools + $0.withheld).first { $0.name == tool } }
        return try await guardrails.propose(
            profile(server: server, tool: tool), arguments: arguments, rationale: rationale,
            argumentProblem: listed.flatMap { ToolArguments.problem(arguments, schema: $0.inputSchema) }, in: session)
    }

    public func record(verdict: Verdict, caseID: String) async throws {
        try await guardrails.recordVerdict(verdict, caseID: caseID)
    }

    public func call(
        server: String, tool: String, arguments: JSONObject, in session: GuardSession
    ) async throws -> Guard.Outcome {
        let connection = servers[server]?.connection
        return try await guardrails.call(profile(server: server, tool: tool), arguments: arguments, in: session) {
            arguments in
            guard let connection else { throw HostError("no MCP server named '\(server)' is connected") }
            let outcome = try await connection.callTool(tool, arguments: arguments)
            return Guard.ToolResult(content: outcome.structured ?? .string(outcome.text), isError: outcome.isError)
        }
    }
}

public struct HostError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A tool's arguments against its input schema, at the top level: what a proposal must fill.
enum ToolArguments {
    /// What keeps `arguments` from fitting: a required argument missing, or one the tool does not declare when its
    /// schema closes the object (`additionalProperties: false`, as Vigil's own tools do; JSON Schema allows more by
    /// default). Nil when they fit.
    static func problem(_ arguments: JSONObject, schema: JSONValue) -> String? {
        let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        let missing = required.filter { arguments[$0] == nil }
        if !missing.isEmpty {
            return
                "the tool requires \(missing.map { TerminalText.inert(String($0.prefix(40))) }.joined(separator: ", "))"
        }
        guard let properties = schema["properties"]?.objectValue, schema["additionalProperties"] == false,
            schema["patternProperties"] == nil
        else {
            return nil
        }
        let unknown = arguments.keys.filter { properties[$0] == nil }.sorted()
        guard !unknown.isEmpty else { return nil }
        let shown = unknown.prefix(5).map { TerminalText.inert(String($0.prefix(40))) }.joined(separator: ", ")
        return "the tool takes no argument \(shown)\(unknown.count > 5 ? " …" : "")"
    }

    /// `name(login, reason, until?)`: the arguments a tool takes, optional ones marked, names from a third-party
    /// schema shown inert and cut.
    static func signature(_ name: String, schema: JSONValue) -> String {
        let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        var names = schema["properties"]?.objectValue?.keys ?? []
        names += required.filter { !names.contains($0) }
        let shown = names.prefix(20).map { name in
            let text = TerminalText.inert(String(name.prefix(40)))
            return required.contains(name) ? text : text + "?"
        }
        return "\(TerminalText.inert(String(name.prefix(100))))(" + shown.joined(separator: ", ")
            + (names.count > 20 ? ", …" : "") + ")"
    }
}
