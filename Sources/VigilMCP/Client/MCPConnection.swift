import Logging
import MCP
import Synchronization
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

    static func timeout(_ what: String, _ seconds: Double) -> Self {
        Self(description: "\(what) timed out after \(seconds) s")
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
        let client = self.client
        let result = try await withTimeout(requestTimeout, "initialize", onTimeout: { await client.disconnect() }) {
            try await client.connect(transport: transport)
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
            let client = self.client
            let page = try await withTimeout(
                requestTimeout, "tools/list", onTimeout: { try? await client.cancelRequest(context.requestID) }
            ) { try await context.value }
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
        let client = self.client
        let result = try await withTimeout(
            limit, "tool call '\(name)'",
            onTimeout: { try? await client.cancelRequest(context.requestID, reason: "timed out") }
        ) { try await context.value }
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

    /// Runs `body`; after `seconds`, `onTimeout` releases it (cancelling the request or closing the
    /// session: the SDK's waits ignore task cancellation) and the timeout is what is thrown.
    private func withTimeout<T: Sendable>(
        _ seconds: Double, _ what: String, onTimeout: @escaping @Sendable () async -> Void,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let fired = TimeoutFlag()
        let milliseconds = Int(min(max(seconds, 0.001), 86_400 * 365) * 1000)
        do {
            return try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(milliseconds))
                    fired.set()
                    await onTimeout()
                    throw MCPConnectionError.timeout(what, seconds)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch {
            if fired.isSet { throw MCPConnectionError.timeout(what, seconds) }
            throw error
        }
    }
}

/// Whether a timeout fired, shared between the timer and the waiter.
private final class TimeoutFlag: Sendable {
    private let state = Mutex(false)
    func set() { state.withLock { $0 = true } }
    var isSet: Bool { state.withLock { $0 } }
}
