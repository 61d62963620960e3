import Foundation
import Logging
import MCP
import VigilCore

/// The server side of MCP for one platform server: JSON-RPC 2.0 framing and the `initialize`,
/// `ping`, `tools/list` and `tools/call` methods, over any of the MCP SDK's transports (the SDK's
/// Streamable HTTP and in-memory transports, and `FileDescriptorTransport` for stdio).
///
/// Vigil does not run the SDK's `Server` type here: in SDK 0.12.1 it decodes each message several
/// times with Foundation's `JSONDecoder`, and decoding any string into its `Value` builds and
/// compiles a regular expression (the data-URL check), which cost about 0.5 ms of CPU per tool call
/// (see BENCHMARKS.md). This dispatcher parses each message once with Vigil's JSON parser.
public struct MCPDispatcher: Sendable {
    public let router: ToolRouter
    let logger: Logger

    /// Protocol revisions this server speaks, newest first.
    public static let protocolVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    public init(router: ToolRouter, logger: Logger) {
        self.router = router
        self.logger = logger
    }

    /// Serves `transport` until its input ends, then returns once every request has been answered.
    public func serve(_ transport: any Transport) async throws {
        try await transport.connect()
        let messages = await transport.receive()
        // One transport is one session: until it has been initialized, only `initialize` and `ping`
        // are answered (the MCP lifecycle; the client may send nothing else first).
        var initialized = false
        await withDiscardingTaskGroup { group in
            do {
                for try await data in messages {
                    switch route(data, initialized: &initialized) {
                    case .answer(let response):
                        await Self.send(response, on: transport, logger: logger)
                    case .call(let id, let name, let arguments):
                        group.addTask {
                            let response = await self.call(id: id, name: name, arguments: arguments)
                            await Self.send(response, on: transport, logger: logger)
                        }
                    case .nothing:
                        break
                    }
                }
            } catch {
                logger.debug("transport ended", metadata: ["error": "\(error)"])
            }
        }
    }

    static func send(_ message: JSONValue, on transport: any Transport, logger: Logger) async {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        message.write(to: &bytes)
        do {
            try await transport.send(Data(bytes))
        } catch {
            logger.debug("could not send a response", metadata: ["error": "\(error)"])
        }
    }

    enum Route {
        case answer(JSONValue)
        case call(id: JSONValue, name: String, arguments: JSONObject)
        case nothing
    }

    /// Decides what a message needs: an immediate answer, a tool call, or nothing (a notification).
    /// `initialized` is the session's state: set by an `initialize` request, required by every
    /// request other than `initialize` and `ping`.
    func route(_ data: Data, initialized: inout Bool) -> Route {
        // A blank line between messages is not a message.
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return .nothing }
        let message: JSONValue
        do {
            message = try JSONParser.parse(data)
        } catch {
            return .answer(Self.error(id: .null, code: -32700, "Parse error: \(error)"))
        }
        guard case .object(let object) = message else {
            let what = message.arrayValue != nil ? "batches are not supported" : "a message must be an object"
            return .answer(Self.error(id: .null, code: -32600, "Invalid Request: \(what)"))
        }
        let id = object["id"]
        if let id, !(id.stringValue != nil || id.intValue != nil) {
            return .answer(Self.error(id: .null, code: -32600, "Invalid Request: id must be a string or an integer"))
        }
        guard let method = object["method"]?.stringValue else {
            // A response to a request of ours (we send none), or nonsense.
            if id != nil && (object["result"] != nil || object["error"] != nil) { return .nothing }
            return .answer(Self.error(id: id ?? .null, code: -32600, "Invalid Request: no method"))
        }
        guard let id else { return .nothing }  // notifications: initialized, cancelled, …
        guard object["jsonrpc"]?.stringValue == "2.0" else {
            return .answer(Self.error(id: id, code: -32600, "Invalid Request: jsonrpc must be \"2.0\""))
        }
        let params = object["params"]
        if let params, params.objectValue == nil {
            return .answer(Self.error(id: id, code: -32602, "Invalid params: params must be an object"))
        }
        switch method {
        case "initialize":
            initialized = true
            return .answer(Self.result(id: id, initializeResult(params)))
        case "ping":
            return .answer(Self.result(id: id, [:]))
        case _ where !initialized:
            return .answer(
                Self.error(
                    id: id, code: -32600, "Invalid Request: \(method) before initialize; the session must be initialized first"))
        case "tools/list":
            return .answer(Self.result(id: id, router.listing))
        case "tools/call":
            guard let name = params?["name"]?.stringValue else {
                return .answer(Self.error(id: id, code: -32602, "Invalid params: tools/call needs a tool name"))
            }
            let arguments = params?["arguments"] ?? .object([:])
            guard case .object(let members) = arguments else {
                return .answer(Self.error(id: id, code: -32602, "Invalid params: arguments must be an object"))
            }
            return .call(id: id, name: name, arguments: members)
        default:
            return .answer(Self.error(id: id, code: -32601, "Method not found: \(method)"))
        }
    }

    func call(id: JSONValue, name: String, arguments: JSONObject) async -> JSONValue {
        guard let answer = await router.call(name, arguments: arguments) else {
            return Self.error(id: id, code: -32602, "Unknown tool: \(name)")
        }
        return Self.result(id: id, answer.result)
    }

    func initializeResult(_ params: JSONValue?) -> JSONValue {
        let requested = params?["protocolVersion"]?.stringValue ?? ""
        let version = Self.protocolVersions.contains(requested) ? requested : Self.protocolVersions[0]
        return [
            "protocolVersion": .string(version),
            "capabilities": ["tools": ["listChanged": false]],
            "serverInfo": [
                "name": .string(router.server.name), "title": .string(router.server.title),
                "version": .string(VigilVersion.current),
            ],
            "instructions": .string(router.server.instructions),
        ]
    }

    static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    static func error(id: JSONValue, code: Int64, _ message: String) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": ["code": .int(code), "message": .string(message)]]
    }
}
