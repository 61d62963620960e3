import Foundation
import Logging
import MCP
import VigilCore
import VigilGuard

/// What a tool call returned.
public struct ToolCallOutcome: Sendable {
    /// `structuredContent`, when the tool sent it.
    public var structured: JSONValue?
    /// The text content, joined.
    public var text: String
    public var isError: Bool
}

/// Why a call through a connection failed (as opposed to a tool answering with an error).
public struct MCPConnectionError: Error, Sendable, CustomStringConvertible, ThrottlingError {
    public var description: String
    /// The HTTP answer that refused the request, when that is why it failed (a Streamable HTTP server's 429).
    public var status: HTTPStatusError?

    public init(description: String, status: HTTPStatusError? = nil) {
        self.description = description
        self.status = status
    }

    public var isThrottling: Bool { status?.isThrottling ?? false }
    public var retryAfter: String? { status?.retryAfter }
    public var refusedUnprocessed: Bool { status?.refusedUnprocessed ?? false }

    static func timeout(_ what: String, _ seconds: Double) -> Self {
        Self(description: "\(what) timed out after \(seconds) s")
    }
}

/// A client session with one MCP server, on any of the SDK's transports (in-memory, stdio file
/// descriptors, Streamable HTTP). The JSON-RPC is Vigil's own, read with Vigil's JSON parser: the
/// SDK's `Client` decodes every result through `Codable` and checks every string of it against a
/// regular expression it compiles anew each time, which was three quarters of the CPU of a triage.
/// Every request has a timeout (a timed-out tool call is cancelled with `notifications/cancelled`),
/// and a transport whose peer went away fails what is pending at once.
public actor MCPConnection {
    /// What the server said of itself at `initialize`.
    public struct ServerInfo: Sendable, Hashable {
        public var name: String
        public var version: String
    }

    public private(set) var serverInfo: ServerInfo?
    public private(set) var instructions: String?
    public private(set) var protocolVersion: String?
    let clientName: String
    let requestTimeout: Double
    private var transport: (any Transport)?
    private var receiving: Task<Void, Never>?
    private var nextID: Int64 = 0
    private var pending: [Int64: AsyncThrowingStream<JSONValue, any Error>.Continuation] = [:]
    private var closed = false

    public init(clientName: String = "vigil", requestTimeout: Double = 30) {
        self.clientName = clientName
        self.requestTimeout = requestTimeout
    }

    /// Connects and initializes (the latest protocol version Vigil's servers speak; the server may
    /// answer with an earlier one).
    public func connect(_ transport: any Transport) async throws {
        try await transport.connect()
        self.transport = transport
        let stream = await transport.receive()
        receiving = Task { [weak self] in
            do {
                for try await message in stream { await self?.deliver(message) }
            } catch {
                await self?.fail(MCPConnectionError(description: "the connection failed: \(error)"))
            }
            await self?.peerClosed()
        }
        let result = try await request(
            "initialize",
            [
                "protocolVersion": .string(MCPDispatcher.protocolVersions[0]), "capabilities": [:],
                "clientInfo": ["name": .string(clientName), "version": .string(VigilVersion.current)],
            ], timeout: requestTimeout, what: "initialize", cancelOnTimeout: false)
        guard let info = result["serverInfo"], let name = info["name"]?.stringValue else {
            await close()
            throw MCPConnectionError(description: "initialize: the server's answer has no serverInfo.name")
        }
        serverInfo = ServerInfo(name: name, version: info["version"]?.stringValue ?? "")
        instructions = result["instructions"]?.stringValue
        protocolVersion = result["protocolVersion"]?.stringValue
        try await send(["jsonrpc": "2.0", "method": "notifications/initialized"])
    }

    /// Every tool the server lists (following `nextCursor`), as the SDK's `Tool`s.
    public func listTools() async throws -> [Tool] {
        var tools: [Tool] = []
        var cursor: String?
        repeat {
            let page = try await request(
                "tools/list", .object(cursor.map { ["cursor": .string($0)] } ?? [:]), timeout: requestTimeout,
                what: "tools/list", cancelOnTimeout: true)
            do {
                tools += try JSONDecoder().decode(
                    [Tool].self, from: Data((page["tools"] ?? .array([])).serialized().utf8))
            } catch {
                throw MCPConnectionError(description: "tools/list: the tools are not MCP tool definitions (\(error))")
            }
            cursor = page["nextCursor"]?.stringValue
        } while cursor != nil
        return tools
    }

    /// Calls a tool; `structuredContent` is kept (the SDK's `callTool` drops it).
    public func callTool(
        _ name: String, arguments: JSONObject = [:], timeout: Double? = nil
    ) async throws -> ToolCallOutcome {
        let result = try await request(
            "tools/call", ["name": .string(name), "arguments": .object(arguments)], timeout: timeout ?? requestTimeout,
            what: "tool call '\(name)'", cancelOnTimeout: true)
        let text = (result["content"]?.arrayValue ?? []).compactMap { block -> String? in
            block["type"]?.stringValue == "text" ? block["text"]?.stringValue : nil
        }.joined(separator: "\n")
        let structured = result["structuredContent"].flatMap { $0 == .null ? nil : $0 }
        return ToolCallOutcome(structured: structured, text: text, isError: result["isError"]?.boolValue ?? false)
    }

    /// Ends the session: what is pending fails, the transport is closed. Safe to call more than once.
    public func close() async {
        guard !closed else { return }
        closed = true
        fail(MCPConnectionError(description: "the connection was closed"))
        receiving?.cancel()
        await transport?.disconnect()
    }

    /// The peer went away: fail what is pending and stop.
    func peerClosed() async { await close() }

    // MARK: - JSON-RPC

    private func request(
        _ method: String, _ params: JSONValue, timeout seconds: Double, what: String, cancelOnTimeout: Bool
    ) async throws -> JSONValue {
        guard !closed, transport != nil else { throw MCPConnectionError(description: "\(what): the connection is closed") }
        try Task.checkCancellation()  // a cancelled caller sends nothing
        nextID += 1
        let id = nextID
        let (stream, continuation) = AsyncThrowingStream<JSONValue, any Error>.makeStream()
        pending[id] = continuation
        do {
            try await send(["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params])
        } catch {
            pending[id] = nil
            var status: HTTPStatusError?
            if case MCPError.transportError(let underlying) = error { status = underlying as? HTTPStatusError }
            throw MCPConnectionError(description: "\(what): could not send the request (\(error))", status: status)
        }
        let milliseconds = Int64(min(max(seconds, 0.001), 86_400 * 365) * 1000)
        return try await withThrowingTaskGroup(of: JSONValue.self) { group in
            group.addTask {
                for try await result in stream { return result }
                throw MCPConnectionError(description: "\(what): the connection closed before the answer")
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(milliseconds))
                await self.expire(id, what: what, seconds: seconds, cancel: cancelOnTimeout)
                throw MCPConnectionError.timeout(what, seconds)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// A request's time ran out: it fails with the timeout, and the server is told to stop working on
    /// it (or, during `initialize`, the session is closed).
    private func expire(_ id: Int64, what: String, seconds: Double, cancel: Bool) async {
        guard let continuation = pending.removeValue(forKey: id) else { return }
        continuation.finish(throwing: MCPConnectionError.timeout(what, seconds))
        if cancel {
            try? await send([
                "jsonrpc": "2.0", "method": "notifications/cancelled",
                "params": ["requestId": .int(id), "reason": "timed out"],
            ])
        } else {
            await close()
        }
    }

    private func send(_ message: JSONValue) async throws {
        guard let transport else { throw MCPConnectionError(description: "not connected") }
        try await transport.send(Data(message.serialized().utf8))
    }

    /// One message from the server: a response (or a batch of them), a request, or a notification.
    private func deliver(_ data: Data) async {
        guard let message = try? JSONParser.parse(data) else { return }
        for item in message.arrayValue ?? [message] {
            if item["method"] != nil {
                // A request from the server: answer pings; this client offers no other capability.
                guard let id = item["id"], id != .null else { continue }
                let method = item["method"]?.stringValue ?? ""
                let answer: JSONValue =
                    method == "ping"
                    ? ["jsonrpc": "2.0", "id": id, "result": [:]]
                    : [
                        "jsonrpc": "2.0", "id": id,
                        "error": ["code": -32601, "message": .string("method not supported by this client: \(method)")],
                    ]
                try? await send(answer)
                continue
            }
            guard let id = item["id"]?.intValue, let continuation = pending.removeValue(forKey: id) else { continue }
            if let error = item["error"] {
                let code = error["code"]?.intValue.map(String.init) ?? "?"
                continuation.finish(
                    throwing: MCPConnectionError(
                        description: "the server answered with error \(code): \(error["message"]?.stringValue ?? "")"))
            } else {
                continuation.yield(item["result"] ?? .null)
                continuation.finish()
            }
        }
    }

    private func fail(_ error: MCPConnectionError) {
        for continuation in pending.values { continuation.finish(throwing: error) }
        pending.removeAll()
    }
}
