import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import VigilCore

/// A third-party MCP server over Streamable HTTP with a quota in front of it, as a vendor's API gateway would
/// put one: `initialize`, `notifications/*` and `tools/list` are answered as MCP says (JSON responses, an
/// `Mcp-Session-Id` from `initialize` on, 202 for notifications), and `tools/call` is answered `429 Too Many
/// Requests` with a `Retry-After` header while `throttle` calls remain, then with a result. One read tool,
/// `lookup_ip`. `calls` counts the `tools/call` requests that reached it, throttled or not.
public final class ThrottlingMCPServer: Sendable {
    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)/mcp" }
    private let task: Task<Void, any Error>
    private let box: Box

    private final class Box: Sendable {
        let state: Mutex<(throttle: Int, calls: Int)>
        init(throttle: Int) { state = Mutex((throttle, 0)) }
    }

    /// `retryAfter` is the header's value (seconds, or an HTTP date); nil sends none. With `jsonBody` the refusal's
    /// body is a JSON-RPC error answering the request, as some gateways send, instead of plain text.
    public init(
        throttle: Int, retryAfter: String?, status: HTTPResponse.Status = .tooManyRequests, jsonBody: Bool = false
    ) async {
        let box = Box(throttle: throttle)
        self.box = box
        let router = Router()
        router.post("/mcp") { request, _ -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            guard let message = try? JSONParser.parse(String(buffer: buffer)),
                let method = message["method"]?.stringValue
            else { return Response(status: .badRequest) }
            guard let id = message["id"] else { return Response(status: .accepted) }
            let result: JSONValue
            switch method {
            case "initialize":
                result = [
                    "protocolVersion": message["params"]?["protocolVersion"] ?? "2025-06-18",
                    "capabilities": ["tools": [:]], "serverInfo": ["name": "quota-intel", "version": "1"],
                ]
            case "tools/list":
                result = [
                    "tools": [
                        [
                            "name": "lookup_ip", "description": "Reputation of an IP address.",
                            "inputSchema": [
                                "type": "object", "properties": ["ip": ["type": "string"]], "required": ["ip"],
                            ],
                            "annotations": ["readOnlyHint": true],
                        ]
                    ]
                ]
            case "tools/call":
                let throttled = box.state.withLock { state -> Bool in
                    state.calls += 1
                    guard state.throttle > 0 else { return false }
                    state.throttle -= 1
                    return true
                }
                if throttled {
                    var headers: HTTPFields = [.contentType: jsonBody ? "application/json" : "text/plain"]
                    if let retryAfter { headers[.retryAfter] = retryAfter }
                    let body: JSONValue = [
                        "jsonrpc": "2.0", "id": id, "error": ["code": -32000, "message": "quota exceeded for this API key"],
                    ]
                    return Response(
                        status: status, headers: headers,
                        body: .init(
                            byteBuffer: ByteBuffer(string: jsonBody ? body.serialized() : "quota exceeded for this API key")))
                }
                result = [
                    "content": [["type": "text", "text": "{\"verdict\":\"benign\"}"]],
                    "structuredContent": ["verdict": "benign"], "isError": false,
                ]
            default:
                let error: JSONValue = [
                    "jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": .string("Method not found")],
                ]
                return Self.json(error)
            }
            return Self.json(["jsonrpc": "2.0", "id": id, "result": result])
        }
        let (task, port) = await serveOnLoopback(router, name: "throttling-mcp")
        self.task = task
        self.port = port
    }

    static func json(_ value: JSONValue) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json", HTTPField.Name("Mcp-Session-Id")!: "quota-session"],
            body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
    }

    /// The `tools/call` requests that reached the server.
    public var calls: Int { box.state.withLock { $0.calls } }

    public func stop() { task.cancel() }
}
