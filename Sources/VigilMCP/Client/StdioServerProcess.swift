import Foundation
import Logging
import MCP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Launches an MCP server as a child process and talks to it over its stdin/stdout.
///
/// Survives the child: SIGPIPE is ignored (a write to a dead child is an error, not the end of this
/// process), the child's exit closes its stdout so the connection disconnects (pending calls fail
/// at once and the SDK client's receive loop does not spin), and every request has a timeout.
public final class StdioServerProcess: Sendable {
    public let connection: MCPConnection
    let process: Process

    /// Starts `executable` with `arguments` (e.g. `vigil mcp siem`) and initializes a session.
    public init(
        executable: String, arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
        requestTimeout: Double = 30, logger: Logger
    ) async throws {
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory, !directory.isEmpty { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let toChild = Pipe()
        let fromChild = Pipe()
        process.standardInput = toChild
        process.standardOutput = fromChild
        process.standardError = FileHandle.standardError
        try process.run()
        // The child holds its own copies; close ours of the ends it uses, so its exit reaches us as EOF.
        try? toChild.fileHandleForReading.close()
        try? fromChild.fileHandleForWriting.close()

        let connection = MCPConnection(requestTimeout: requestTimeout)
        let transport = FileDescriptorTransport(
            input: fromChild.fileHandleForReading.fileDescriptor, output: toChild.fileHandleForWriting.fileDescriptor,
            logger: logger, onEndOfInput: { await connection.peerClosed() })
        self.process = process
        // Foundation starts the child as the leader of a process group of its own (on Linux); the group outlives
        // a wrapper (`sh -c`, `npx`) whose child is the server.
        let pid = process.processIdentifier
        self.group = getpgid(pid) == pid ? pid : nil
        self.connection = connection
        self.handles = Handles(toChild: toChild.fileHandleForWriting, fromChild: fromChild.fileHandleForReading)
        do {
            try await connection.connect(transport)
        } catch {
            process.terminate()
            throw error
        }
    }

    private struct Handles: @unchecked Sendable {
        let toChild: FileHandle
        let fromChild: FileHandle
    }
    private let handles: Handles
    /// The child's process group, when it leads one of its own.
    private let group: Int32?

    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Closes the session, then the child's stdin (a well-behaved server exits at end of input); a child still
    /// running after `graceSeconds` is sent SIGTERM, and one still running `graceSeconds` after that (busy in a call
    /// that ignores it, or handling the signal itself) SIGKILL: a hung server never holds Vigil's exit.
    public func stop(graceSeconds: Double = 2) async {
        await connection.close()
        try? handles.toChild.close()
        let grace = Duration.milliseconds(Int(min(max(graceSeconds, 0), 3600) * 1000))
        if await exited(within: grace) { return }
        send(SIGTERM)
        if await exited(within: grace) { return }
        send(SIGKILL)
        _ = await exited(within: .seconds(5))
    }

    /// Sends `number` to the child's process group when it has one (a server run through a wrapper, `npx` or
    /// `sh -c`, is the wrapper's child and may outlive it), else to the child.
    private func send(_ number: Int32) {
        if let group {
            kill(-group, number)
        } else if process.isRunning {
            kill(process.processIdentifier, number)
        }
    }

    /// Whether the child, and every process of its group, has ended.
    private var ended: Bool {
        if process.isRunning { return false }
        guard let group else { return true }
        return kill(-group, 0) != 0
    }

    /// Whether everything ended, waiting up to `grace` for it (not at all once the caller is cancelled).
    private func exited(within grace: Duration) async -> Bool {
        let deadline = ContinuousClock.now + grace
        while !ended && ContinuousClock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return ended
    }
}
