import Logging
import MCP

extension MCPConnection {
    /// A connection to `router` inside this process, over the SDK's in-memory transport: the real
    /// MCP messages, no pipes or sockets. The server lives as long as the connection.
    public static func inProcess(
        _ router: ToolRouter, requestTimeout: Double = 30
    ) async throws -> (
        MCPConnection, Server
    ) {
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        let server = await MCPServerFactory.make(router)
        try await server.start(transport: serverSide)
        let connection = MCPConnection(requestTimeout: requestTimeout)
        try await connection.connect(clientSide)
        return (connection, server)
    }
}
