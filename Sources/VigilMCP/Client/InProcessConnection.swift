import Logging
import MCP

/// A platform server running inside this process, reached over the SDK's in-memory transport: the
/// real MCP messages, no pipes or sockets. Vigil's own agents use this by default.
public final class InProcessServer: Sendable {
    public let connection: MCPConnection
    private let serving: Task<Void, Never>
    private let transport: InMemoryTransport

    public init(
        _ router: ToolRouter, requestTimeout: Double = 30, logger: Logger = Logger(label: "vigil.mcp")
    ) async throws {
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        let dispatcher = MCPDispatcher(router: router, logger: logger)
        try await serverSide.connect()
        // The server's message loop; it ends when `stop()` disconnects the transport.
        serving = Task {
            do {
                try await dispatcher.serve(serverSide)
            } catch {
                logger.error("in-process server ended", metadata: ["error": "\(error)"])
            }
        }
        transport = serverSide
        connection = MCPConnection(requestTimeout: requestTimeout)
        try await connection.connect(clientSide)
    }

    /// Closes the client and the server; calls still running are cancelled.
    public func stop() async {
        await connection.close()
        await transport.disconnect()
        serving.cancel()
        await serving.value
    }
}
