import Foundation
import Logging
import MCP
import VigilCore

/// The sessions of a Streamable HTTP server: one MCP server and stateful transport per client,
/// created by `initialize` and found again by the `Mcp-Session-Id` header.
actor MCPSessionRegistry {
    struct Session {
        /// The dispatcher serving this session's transport; cancelled when the session closes.
        let serving: Task<Void, Never>
        let transport: StatefulHTTPServerTransport
        var lastUsed: ContinuousClock.Instant
    }

    private struct FixedSessionID: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { id }
    }

    private let router: ToolRouter
    private let configuration: HTTPServerConfiguration
    private let validation: any HTTPRequestValidationPipeline
    private let logger: Logger
    private var sessions: [String: Session] = [:]
    private var lastSweep = ContinuousClock.now

    init(router: ToolRouter, configuration: HTTPServerConfiguration, logger: Logger) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
        // On loopback, Host and Origin must name loopback (DNS-rebinding defence). Bound to another
        // address, clients reach the server by names Vigil cannot know: the bearer token guards it.
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(configuration.host)
        let origin = loopback ? OriginValidator.localhost() : OriginValidator.disabled
        self.validation = StandardValidationPipeline(validators: [
            origin, AcceptHeaderValidator(mode: .sseRequired), ContentTypeValidator(), ProtocolVersionValidator(),
            SessionValidator(),
        ])
    }

    var count: Int { sessions.count }

    func handle(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        if ContinuousClock.now - lastSweep > .seconds(60) { await sweepIdle() }
        // Vigil parses every message once more here: a body the dispatcher could not parse would
        // otherwise leave the transport waiting for an answer to an id it never learns.
        if request.method == "POST", let body = request.body {
            do {
                _ = try JSONParser.parse(body)
            } catch {
                return .error(statusCode: 400, .parseError("\(error)"))
            }
        }
        let id = request.header(HTTPHeaderName.sessionID)
        if let id, var session = sessions[id] {
            session.lastUsed = .now
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method == "DELETE" && response.statusCode == 200 {
                await close(id)
            }
            return response
        }
        if request.method == "POST", let body = request.body, Self.isInitialize(body) {
            return await open(request)
        }
        if id != nil {
            return .error(statusCode: 404, .invalidRequest("Not Found: session not found or expired"))
        }
        return .error(statusCode: 400, .invalidRequest("Bad Request: missing \(HTTPHeaderName.sessionID) header"))
    }

    static func isInitialize(_ body: Data) -> Bool {
        guard let message = try? JSONParser.parse(body) else { return false }
        return message["method"]?.stringValue == "initialize" && message["id"] != nil
            && message["jsonrpc"]?.stringValue == "2.0"
    }

    private func open(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        await evict()
        let id = UUID().uuidString
        let transport = StatefulHTTPServerTransport(
            sessionIDGenerator: FixedSessionID(id: id), validationPipeline: validation, logger: logger)
        let dispatcher = MCPDispatcher(router: router, logger: logger)
        let logger = logger
        // The session's message loop lives until the session closes (DELETE, eviction, shutdown).
        let serving = Task {
            do {
                try await dispatcher.serve(transport)
            } catch {
                logger.error("session ended", metadata: ["error": "\(error)"])
            }
        }
        sessions[id] = Session(serving: serving, transport: transport, lastUsed: .now)
        let response = await transport.handleRequest(request)
        if case .error = response {
            await close(id)
        } else {
            logger.info("session opened", metadata: ["session": "\(id)", "sessions": "\(sessions.count)"])
        }
        return response
    }

    /// Closes sessions unused for `idleSeconds`.
    private func sweepIdle() async {
        lastSweep = .now
        let cutoff = ContinuousClock.now - .seconds(configuration.idleSeconds)
        for (id, session) in sessions where session.lastUsed < cutoff { await close(id) }
    }

    /// Closes idle sessions, and the least recently used one when the registry is full.
    private func evict() async {
        await sweepIdle()
        if sessions.count >= configuration.maximumSessions,
            let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
        {
            await close(oldest)
        }
    }

    private func close(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await session.transport.disconnect()
        session.serving.cancel()
        logger.info("session closed", metadata: ["session": "\(id)"])
    }

    func closeAll() async {
        for id in Array(sessions.keys) { await close(id) }
    }
}
