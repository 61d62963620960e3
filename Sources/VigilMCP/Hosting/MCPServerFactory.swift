import Logging
import MCP
import VigilCore

/// Builds MCP SDK servers for Vigil's platform servers.
public enum MCPServerFactory {
    /// A server answering `initialize`, `ping`, `tools/list` and `tools/call` for `router`. Start it on a
    /// transport with `start(transport:)`.
    public static func make(_ router: ToolRouter) async -> Server {
        let server = Server(
            name: router.server.name, version: VigilVersion.current, title: router.server.title,
            instructions: router.server.instructions,
            capabilities: Server.Capabilities(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: router.mcpTools)
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await router.call(parameters)
        }
        return server
    }
}
