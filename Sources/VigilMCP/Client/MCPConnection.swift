import Logging
import MCP
import VigilCore

/// What a tool call returned.
public struct ToolCallOutcome: Sendable {
    /// `structuredContent`, when the tool sent it.
    public var structured: JSONValue?
    /// The text content, joined.
    public var text: String
    public var isError: Bool
}

/// Why a call through a connection failed (as opposed to a tool answering with an error).
public struct MCPConnectionError: Error, Sendable, CustomStringConvertible {
    public var description: String

    static func timeout(_ name: String, _ seconds: Double) -> Self {
        Self(description: "tool call '\(name)' timed out after \(seconds) s")
    }
}

/// A client session with one MCP server, on any transport, with the guards the SDK's client lacks:
/// every request has a timeout (the request is cancelled, not just abandoned), and a transport
/// whose peer went away is disconnected so that pending requests fail at once and the client's
/// receive loop stops.
public actor MCPConnection {
    public let client: Client
    public private(set) var serverInfo: Server.Info?
    public private(set) var instructions: String?
    let requestTimeout: Double
    private var closed = false

    public init(clientName: String = "vigil", requestTimeout: Double = 30) {
        client = Client(name: clientName, version: VigilVersion.current)
        self.requestTimeout = requestTimeout
    }

    /// Connects and initializes.
    public func connect(_ transport: any Transport) async throws {
        let result = try await withTimeout(requestTimeout, "initialize") {
            try await self.client.connect(transport: transport)
        }
        serverInfo = result.serverInfo
        instructions = result.instructions
    }

    /// Every tool the server lists (following `nextCursor`).
    public func listTools() async throws -> [Tool] {
        var tools: [Tool] = []
        var cursor: String?
        repeat {
            let request = ListTools.request(cursor.map { ListTools.Parameters(cursor: $0) } ?? ListTools.Parameters())
            let context: RequestContext<ListTools.Result> = try await client.send(request)
            let page = try await withTimeout(requestTimeout, "tools/list") { try await context.value }
            tools += page.tools
            cursor = page.nextCursor
        } while cursor != nil
        return tools
    }

    /// Calls a tool; `structuredContent` is kept (the SDK's `callTool` drops it).
    public func callTool(
        _ name: String, arguments: JSONObject = [:], timeout: Double? = nil
    ) async throws
        -> ToolCallOutcome
    {
        var values: [String: Value] = [:]
        for (key, value) in arguments { values[key] = Value(value) }
        let context: RequestContext<CallTool.Result> = try await client.send(
            CallTool.request(.init(name: name, arguments: values)))
        let limit = timeout ?? requestTimeout
        let result: CallTool.Result
        do {
            result = try await withTimeout(limit, name) { try await context.value }
        } catch let error as MCPConnectionError {
            try? await client.cancelRequest(context.requestID, reason: error.description)
            throw error
        }
        let text = result.content.compactMap { content -> String? in
            if case .text(let text, _, _) = content { return text }
            return nil
        }.joined(separator: "\n")
        return ToolCallOutcome(
            structured: result.structuredContent.map { JSONValue($0) }, text: text, isError: result.isError ?? false)
    }

    /// Ends the session. Safe to call more than once.
    public func close() async {
        guard !closed else { return }
        closed = true
        await client.disconnect()
    }

    /// The peer went away: fail what is pending and stop the receive loop.
    func peerClosed() async { await close() }

    private func withTimeout<T: Sendable>(
        _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw MCPConnectionError.timeout(what, seconds)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
