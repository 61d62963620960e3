import Logging
import MCP
import VigilCore
import VigilPlatforms

/// Dispatches `tools/list` and `tools/call` for one server under a set of scopes.
///
/// Tools outside the scopes are neither listed nor callable: a call to one is answered exactly like
/// a call to a tool that does not exist. Bad arguments and platform failures become tool results
/// with `isError: true` that name what was wrong; only an unknown tool is a JSON-RPC error.
public struct ToolRouter: Sendable {
    public let server: PlatformServer
    public let scopes: Set<ToolScope>
    let tools: [String: ToolDefinition]
    let listed: [Tool]
    let logger: Logger

    public init(server: PlatformServer, scopes: Set<ToolScope>, logger: Logger = Logger(label: "vigil.mcp")) {
        self.server = server
        self.scopes = scopes
        let visible = server.tools(in: scopes)
        self.tools = Dictionary(visible.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.listed = visible.map(\.mcpTool)
        self.logger = logger
    }

    public var mcpTools: [Tool] { listed }

    /// Answers a call. Throws only for an unknown (or ungranted) tool.
    public func call(_ name: String, arguments: JSONObject) async throws(MCPError) -> CallTool.Result {
        guard let tool = tools[name] else {
            throw MCPError.invalidParams("Unknown tool: \(name)")
        }
        do {
            let validated = try ToolArguments(arguments, parameters: tool.parameters)
            let output = try await tool.handler(validated)
            let structured: MCP.Value? = MCP.Value(JSONValue.object(output))
            return CallTool.Result(
                content: [.text(text: JSONValue.object(output).serialized(), annotations: nil, _meta: nil)],
                structuredContent: structured, isError: false)
        } catch let error as ToolArgumentError {
            return Self.failure(error.description)
        } catch let error as PlatformError {
            return Self.failure(error.description)
        } catch {
            logger.error("tool failed", metadata: ["tool": "\(name)", "error": "\(error)"])
            return Self.failure("the \(server.kind.rawValue) platform failed: \(error)")
        }
    }

    /// Answers a call whose arguments arrive as MCP values.
    public func call(_ parameters: CallTool.Parameters) async throws(MCPError) -> CallTool.Result {
        let arguments = JSONValue(MCP.Value.object(parameters.arguments ?? [:])).objectValue ?? [:]
        return try await call(parameters.name, arguments: arguments)
    }

    static func failure(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }
}

extension ToolDefinition {
    /// The MCP tool this definition lists as.
    public var mcpTool: Tool {
        Tool(
            name: name, title: title, description: description, inputSchema: MCP.Value(inputSchema.rendered),
            annotations: Tool.Annotations(
                title: title, readOnlyHint: effect == .read, destructiveHint: effect == .destructive,
                idempotentHint: idempotent, openWorldHint: openWorld),
            outputSchema: MCP.Value(outputSchema.rendered))
    }
}
