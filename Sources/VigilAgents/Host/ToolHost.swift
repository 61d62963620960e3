import VigilCore
import VigilGuard
import VigilMCP

/// Where agents call tools. Every call goes through the Guard (policy, approvals, rate limit, audit,
/// injection scan) before and after it reaches an MCP server.
public protocol ToolHost: Sendable {
    func call(
        server: String, tool: String, arguments: JSONObject, in session: GuardSession
    ) async throws -> Guard.Outcome
}

/// The MCP host: connections to the platform servers (in-process, stdio or Streamable HTTP: any
/// `MCPConnection`), each call routed through the Guard.
public final class GuardedToolHost: ToolHost {
    /// One connected server and the tools it declares (for the Guard's profiles).
    public struct Server: Sendable {
        public var name: String
        public var connection: MCPConnection
        public var tools: [ToolDefinition]

        public init(name: String, connection: MCPConnection, tools: [ToolDefinition]) {
            self.name = name
            self.connection = connection
            self.tools = tools
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
            for tool in server.tools { profiles["\(server.name).\(tool.name)"] = tool.profile(server: server.name) }
        }
        self.profiles = profiles
    }

    /// The Guard's view of a tool; a tool no server declares counts as destructive.
    public func profile(server: String, tool: String) -> ToolProfile {
        profiles["\(server).\(tool)"] ?? ToolProfile(server: server, tool: tool, toolClass: .destructive)
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
