import AsyncHTTPClient
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1
import VigilCore
import VigilGuard

/// The host side of MCP Streamable HTTP on AsyncHTTPClient: each message is a `POST`; the answer is
/// `202 Accepted`, a JSON body, or an SSE stream read event by event as it arrives (the SDK's
/// `HTTPClientTransport` cannot read SSE on Linux). Keeps the `Mcp-Session-Id` the server assigns,
/// sends the negotiated `MCP-Protocol-Version`, authenticates with a bearer token, and ends the
/// session with `DELETE` on disconnect.
public actor StreamableHTTPClientTransport: Transport {
    public nonisolated let logger: Logger
    let endpoint: String
    let bearerToken: String?
    let client: HTTPClient
    let requestTimeout: TimeAmount
    private var sessionID: String?
    private var protocolVersion: String?
    private let messages: AsyncThrowingStream<Data, any Swift.Error>
    private let continuation: AsyncThrowingStream<Data, any Swift.Error>.Continuation
    private var connected = false

    public init(
        endpoint: String, bearerToken: String?, client: HTTPClient = .shared, requestTimeoutSeconds: Int64 = 60,
        logger: Logger
    ) {
        self.endpoint = endpoint
        self.bearerToken = bearerToken
        self.client = client
        self.requestTimeout = .seconds(requestTimeoutSeconds)
        self.logger = logger
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws { connected = true }

    public func disconnect() async {
        guard connected else { return }
        connected = false
        if let sessionID {
            var request = HTTPClientRequest(url: endpoint)
            request.method = .DELETE
            addHeaders(&request, session: sessionID)
            _ = try? await client.execute(request, timeout: .seconds(5))
        }
        continuation.finish()
    }

    public nonisolated func receive() -> AsyncThrowingStream<Data, any Swift.Error> { messages }

    public func send(_ data: Data) async throws {
        guard connected else { throw MCPError.connectionClosed }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json, text/event-stream")
        addHeaders(&request, session: sessionID)
        request.body = .bytes(ByteBuffer(bytes: data))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: requestTimeout)
        } catch {
            throw MCPError.transportError(error)
        }
        if let id = response.headers.first(name: "Mcp-Session-Id") { sessionID = id }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        switch response.status.code {
        case 202:
            return
        case 200..<300 where contentType.hasPrefix("text/event-stream"):
            var parser = SSEParser()
            for try await chunk in response.body {
                for event in try parser.feed(chunk.readableBytesView) where event.event == "message" {
                    guard !event.data.isEmpty else { continue }  // priming events carry no message
                    deliver(Data(event.data.utf8))
                }
            }
        case 200..<300:
            let body = try await response.body.collect(upTo: 64 << 20)
            deliver(Data(body.readableBytesView))
        default:
            let body = try? await response.body.collect(upTo: 1 << 20)
            let text = body.map { String(buffer: $0) } ?? ""
            let status = HTTPStatusError(
                status: Int(response.status.code), body: String(text.prefix(300)),
                retryAfter: response.headers.first(name: "Retry-After"))
            // "Slow down" is the transport's answer whatever the body says, so the caller can honour Retry-After.
            if status.isThrottling { throw MCPError.transportError(status) }
            // A JSON-RPC error body answers the request; anything else is a transport failure.
            if let message = try? JSONParser.parse(text), message["error"] != nil,
                message["id"].map({ !$0.isNull }) ?? false
            {
                deliver(Data(text.utf8))
                return
            }
            if response.status.code == 404 { sessionID = nil }
            throw MCPError.transportError(status)
        }
    }

    private func deliver(_ message: Data) {
        if protocolVersion == nil, let json = try? JSONParser.parse(message),
            let version = json["result"]?["protocolVersion"]?.stringValue
        {
            protocolVersion = version
        }
        continuation.yield(message)
    }

    private func addHeaders(_ request: inout HTTPClientRequest, session: String?) {
        if let bearerToken { request.headers.add(name: "Authorization", value: "Bearer \(bearerToken)") }
        if let session { request.headers.add(name: "Mcp-Session-Id", value: session) }
        if let protocolVersion { request.headers.add(name: "MCP-Protocol-Version", value: protocolVersion) }
    }
}

/// An HTTP status the transport could not turn into an MCP message.
public struct HTTPStatusError: Error, Sendable, CustomStringConvertible, ThrottlingError {
    public var status: Int
    public var body: String
    /// The `Retry-After` header, if the answer had one.
    public var retryAfter: String?
    public var description: String {
        "HTTP \(status)\(retryAfter.map { " (Retry-After: \($0))" } ?? "")\(body.isEmpty ? "" : ": \(body)")"
    }

    public init(status: Int, body: String, retryAfter: String? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }

    /// 429 Too Many Requests, or 503 Service Unavailable with a Retry-After (RFC 9110 §10.2.3).
    public var isThrottling: Bool { status == 429 || (status == 503 && retryAfter != nil) }
    public var refusedUnprocessed: Bool { status == 429 }
}
