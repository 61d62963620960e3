import Logging
import MCP
import VigilCore
import VigilPlatforms

/// What a tool call produced: the structured result, or an error a model can read.
public struct ToolAnswer: Sendable {
    public var structured: JSONObject?
    public var text: String
    public var isError: Bool

    /// The MCP `CallToolResult`: the text (the JSON itself for a success), `structuredContent`, `isError`.
    public var result: JSONValue {
        var result: JSONObject = ["content": [["type": "text", "text": .string(text)]]]
        if let structured { result["structuredContent"] = .object(structured) }
        result["isError"] = .bool(isError)
        return .object(result)
    }
}

/// The tools of one server under a set of scopes, and how to call them.
///
/// Tools outside the scopes are neither listed nor callable: a call to one is answered exactly like
/// a call to a tool that does not exist. Bad arguments and platform failures become answers with
/// `isError` that name what was wrong; only an unknown tool is a protocol error (`nil` here).
public struct ToolRouter: Sendable {
    public let server: PlatformServer
    public let scopes: Set<ToolScope>
    let tools: [String: ToolDefinition]
    /// The `tools/list` result, rendered once.
    let listing: JSONValue
    let logger: Logger

    public init(server: PlatformServer, scopes: Set<ToolScope>, logger: Logger = Logger(label: "vigil.mcp")) {
        self.server = server
        self.scopes = scopes
        let visible = server.tools(in: scopes)
        self.tools = Dictionary(visible.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.listing = ["tools": .array(visible.map(\.listing))]
        self.logger = logger
    }

    /// The visible tools, in order.
    public var visibleTools: [ToolDefinition] { server.tools(in: scopes) }

    /// The visible tools as the MCP SDK's `Tool` values.
    public var mcpTools: [Tool] { visibleTools.map(\.mcpTool) }

    /// Answers a call, or returns `nil` for an unknown (or ungranted) tool.
    public func call(_ name: String, arguments: JSONObject) async -> ToolAnswer? {
        guard let tool = tools[name] else { return nil }
        do {
            let validated = try ToolArguments(arguments, parameters: tool.parameters)
            let output = try await tool.handler(validated)
            return ToolAnswer(structured: output, text: JSONValue.object(output).serialized(), isError: false)
        } catch let error as ToolArgumentError {
            return ToolAnswer(structured: nil, text: error.description, isError: true)
        } catch let error as PlatformError {
            return ToolAnswer(structured: nil, text: error.description, isError: true)
        } catch is CancellationError {
            return ToolAnswer(structured: nil, text: "the call was cancelled", isError: true)
        } catch {
            logger.error("tool failed", metadata: ["tool": "\(name)", "error": "\(error)"])
            return ToolAnswer(
                structured: nil, text: "the \(server.kind.rawValue) platform failed: \(error)", isError: true)
        }
    }
}

extension ToolDefinition {
    /// The tool as `tools/list` lists it.
    public var listing: JSONValue {
        [
            "name": .string(name), "title": .string(title), "description": .string(description),
            "inputSchema": inputSchema.rendered, "outputSchema": outputSchema.rendered,
            "annotations": [
                "title": .string(title), "readOnlyHint": .bool(effect == .read),
                "destructiveHint": .bool(effect == .destructive), "idempotentHint": .bool(idempotent),
                "openWorldHint": .bool(openWorld),
            ],
        ]
    }

    /// The MCP SDK's `Tool` for this definition.
    public var mcpTool: Tool {
        Tool(
            name: name, title: title, description: description, inputSchema: MCP.Value(inputSchema.rendered),
            annotations: Tool.Annotations(
                title: title, readOnlyHint: effect == .read, destructiveHint: effect == .destructive,
                idempotentHint: idempotent, openWorldHint: openWorld),
            outputSchema: MCP.Value(outputSchema.rendered))
    }
}
