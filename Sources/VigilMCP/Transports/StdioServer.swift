import Logging
import MCP

/// Runs a platform server over stdin/stdout until the client closes stdin.
///
/// stdout carries JSON-RPC only; logs go to stderr. Messages are read by `FileDescriptorTransport`
/// (blocking reads, no polling delay). The SDK's receive loop ends at end of input
/// without waiting for calls still running, so the runner waits (up to `drainSeconds`) for those
/// calls to answer before it returns.
public enum StdioServer {
    public static func run(_ router: ToolRouter, logger: Logger, drainSeconds: Double = 10) async throws {
        let server = await MCPServerFactory.make(router)
        let transport = FileDescriptorTransport(logger: logger)
        try await server.start(transport: transport)
        logger.info(
            "serving over stdio",
            metadata: ["server": "\(router.server.name)", "tools": "\(router.mcpTools.count)"])
        await server.waitUntilCompleted()
        await transport.drain(timeoutSeconds: drainSeconds)
        await server.stop()
    }
}
