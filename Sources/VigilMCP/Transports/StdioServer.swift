import Logging
import MCP

/// Runs a platform server over stdin/stdout until the client closes stdin.
///
/// stdout carries JSON-RPC only; logs go to stderr. Messages are read by `FileDescriptorTransport`
/// (blocking reads, no polling delay); at end of input every request already read is answered
/// before this returns.
public enum StdioServer {
    public static func run(_ router: ToolRouter, logger: Logger) async throws {
        let transport = FileDescriptorTransport(logger: logger)
        logger.info(
            "serving over stdio",
            metadata: ["server": "\(router.server.name)", "tools": "\(router.visibleTools.count)"])
        try await MCPDispatcher(router: router, logger: logger).serve(transport)
        await transport.disconnect()
    }
}
