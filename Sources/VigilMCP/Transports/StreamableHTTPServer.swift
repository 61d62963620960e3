import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import NIOCore
import VigilCore

/// Serves a platform server over MCP Streamable HTTP on Hummingbird: `POST`, `GET` and `DELETE` on
/// the endpoint, a session per client, bearer-token authentication, and `GET /health`; over TLS when
/// `configuration.tls` is set.
public struct StreamableHTTPServer: Sendable {
    public let router: ToolRouter
    public let configuration: HTTPServerConfiguration
    let logger: Logger

    public init(router: ToolRouter, configuration: HTTPServerConfiguration, logger: Logger) {
        self.router = router
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves until SIGINT or SIGTERM. `onListening` receives the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let registry = MCPSessionRegistry(router: router, configuration: configuration, logger: logger)
        let authorizer = BearerAuthorizer(token: configuration.bearerToken)
        let throttle = configuration.throttle
        let maximumBody = configuration.maximumBodyBytes
        let httpRouter = Router(context: PeerRequestContext.self)
        httpRouter.get("/health") { _, _ in "ok\n" }
        for method in [HTTPRequest.Method.post, .get, .delete] {
            httpRouter.on(RouterPath(configuration.path), method: method) { [logger] request, context -> Response in
                // An address refused for wrong tokens is not looked at further, the right token included.
                let address = context.remoteAddress?.ipAddress ?? "unknown"
                switch throttle.gate(
                    address, authorization: request.headers[.authorization],
                    identify: { authorizer.allows($0) ? () : nil })
                {
                case .wait(let seconds):
                    var response = Self.plain(
                        .tooManyRequests, "too many wrong tokens from \(address): try again in \(seconds) s\n")
                    response.headers[.retryAfter] = String(seconds)
                    return response
                case .unauthorized(let locked):
                    if let locked {
                        logger.warning("\(address) sent too many wrong tokens; refusing it for \(locked) s")
                    }
                    return Self.unauthorized()
                case .admitted:
                    break
                }
                var request = request
                let body: ByteBuffer
                do {
                    body = try await request.collectBody(upTo: maximumBody)
                } catch {
                    return Self.plain(.contentTooLarge, "request body is larger than \(maximumBody) bytes")
                }
                let response = await registry.handle(Self.mcpRequest(request, body: body))
                return Self.response(response)
            }
        }
        let app = Application(
            router: httpRouter,
            server: try configuration.tls?.serverBuilder() ?? .http1(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: router.server.name),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        do {
            try await app.runService()
        } catch {
            guard let cannotListen = CannotListen.from(error, host: configuration.host, port: configuration.port)
            else { throw error }
            await registry.closeAll()
            throw cannotListen
        }
        await registry.closeAll()
    }

    static func mcpRequest(_ request: Request, body: ByteBuffer) -> MCP.HTTPRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        if let authority = request.head.authority { headers["host"] = authority }
        return MCP.HTTPRequest(
            method: request.method.rawValue, headers: headers,
            body: body.readableBytes > 0 ? Data(body.readableBytesView) : nil, path: request.uri.path)
    }

    static func response(_ response: MCP.HTTPResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let status = HTTPResponse.Status(code: response.statusCode)
        switch response {
        case .stream(let stream, _):
            return Response(
                status: status, headers: fields,
                body: ResponseBody(asyncSequence: stream.map { ByteBuffer(bytes: $0) }))
        default:
            let body = response.bodyData.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody()
            return Response(status: status, headers: fields, body: body)
        }
    }

    static func unauthorized() -> Response {
        var response = plain(.unauthorized, "missing or wrong bearer token\n")
        response.headers[.wwwAuthenticate] = "Bearer realm=\"vigil\""
        return response
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
