import MCP
import VigilCore
import VigilGuard

/// A tool as a connected MCP server lists it, with the Guard's view of it: Vigil's own tools from
/// their definitions, a third-party server's from its `tools/list` answer.
public struct ListedTool: Sendable, Hashable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue
    public var profile: ToolProfile

    public init(name: String, description: String, inputSchema: JSONValue, profile: ToolProfile) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.profile = profile
    }

    /// One of Vigil's own tools on `server`.
    public init(_ definition: ToolDefinition, server: String) {
        self.init(
            name: definition.name, description: definition.description, inputSchema: definition.inputSchema.rendered,
            profile: definition.profile(server: server))
    }

    /// A tool a server listed. Its class comes from its annotations as the MCP specification defines
    /// their defaults: read only when `readOnlyHint` is true; otherwise destructive unless
    /// `destructiveHint` is false. Every argument counts as a target (Vigil does not know which name
    /// what the call acts on), and its results are untrusted content unless the policy trusts it. The digest covers the whole listing, so any change to the name,
    /// description, schemas or annotations shows as a different definition.
    public init(listed tool: Tool, server: String) {
        let annotations = tool.annotations
        let toolClass: ToolClass =
            annotations.readOnlyHint == true ? .read : annotations.destructiveHint == false ? .write : .destructive
        var listing: JSONObject = [
            "name": .string(tool.name), "description": .string(tool.description ?? ""),
            "inputSchema": JSONValue(tool.inputSchema),
            "annotations": [
                "readOnlyHint": annotations.readOnlyHint.map(JSONValue.bool) ?? .null,
                "destructiveHint": annotations.destructiveHint.map(JSONValue.bool) ?? .null,
                "idempotentHint": annotations.idempotentHint.map(JSONValue.bool) ?? .null,
                "openWorldHint": annotations.openWorldHint.map(JSONValue.bool) ?? .null,
            ],
        ]
        if let output = tool.outputSchema { listing["outputSchema"] = JSONValue(output) }
        self.init(
            name: tool.name, description: tool.description ?? "", inputSchema: JSONValue(tool.inputSchema),
            profile: ToolProfile(
                server: server, tool: tool.name, toolClass: toolClass, targets: nil,
                definitionDigest: AuditRecord.digest(JSONValue.object(listing).serialized()), external: true))
    }
}
