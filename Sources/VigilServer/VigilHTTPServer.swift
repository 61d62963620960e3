import Hummingbird
import Logging
import VigilMCP

/// Vigil's HTTP server (`vigil serve`): the approvals API (`ApprovalsAPI`) on Hummingbird, until SIGINT or SIGTERM.
public struct VigilHTTPServer: Sendable {
    public let host: String
    public let port: Int
    /// HTTPS with this certificate and key; nil: plain HTTP.
    public let tls: ServerTLS?
    let approvals: ApprovalsAPI
    let logger: Logger

    public init(host: String, port: Int, tls: ServerTLS? = nil, approvals: ApprovalsAPI, logger: Logger) {
        self.host = host
        self.port = port
        self.tls = tls
        self.approvals = approvals
        self.logger = logger
    }

    /// Serves until SIGINT or SIGTERM (a request under way is finished first). `onListening` receives the bound
    /// port (port 0 binds any free one).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: PeerRequestContext.self)
        approvals.routes(router)
        let app = Application(
            router: router,
            server: try tls?.serverBuilder() ?? .http1(),
            configuration: .init(address: .hostname(host, port: port), serverName: "vigil"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        do {
            try await app.runService()
        } catch {
            throw CannotListen.from(error, host: host, port: port) ?? error
        }
    }
}
