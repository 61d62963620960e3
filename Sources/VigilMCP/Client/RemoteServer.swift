import Foundation
import Logging
import MCP
import VigilCore

/// An MCP server Vigil's host connects to beside its own: a command it starts and talks to over stdio,
/// or a Streamable HTTP endpoint. Third-party servers come in this way; their tools pass the same
/// Guard as Vigil's own.
public struct RemoteServer: Sendable {
    public enum Endpoint: Sendable, Hashable {
        /// The executable (a path, or a name looked up in `PATH`) and its arguments.
        case command([String])
        /// The endpoint URL and the bearer token to send, if any.
        case url(String, token: String?)
    }

    public let name: String
    public let connection: MCPConnection
    /// What the server listed at connection time.
    public let tools: [ListedTool]
    private let process: StdioServerProcess?

    /// Starts or reaches the server, initializes a session and lists its tools.
    /// A command's server runs in `directory` when one is given (the configuration's, so that relative arguments
    /// name the files beside it).
    public static func connect(
        name: String, endpoint: Endpoint, requestTimeout: Double = 30, directory: String? = nil, logger: Logger
    ) async throws(RemoteServerError) -> RemoteServer {
        var process: StdioServerProcess?
        let connection: MCPConnection
        do {
            switch endpoint {
            case .command(let command):
                guard let first = command.first, let executable = Self.executable(first) else {
                    throw RemoteServerError(
                        "MCP server '\(name)': cannot find the executable '\(command.first ?? "")' (give a path, or a name on PATH)")
                }
                let started = try await StdioServerProcess(
                    executable: executable, arguments: Array(command.dropFirst()), directory: directory,
                    requestTimeout: requestTimeout, logger: logger)
                process = started
                connection = started.connection
            case .url(let url, let token):
                connection = MCPConnection(requestTimeout: requestTimeout)
                try await connection.connect(
                    StreamableHTTPClientTransport(
                        endpoint: url, bearerToken: token, requestTimeoutSeconds: Int64(requestTimeout.rounded(.up)),
                        logger: logger))
            }
        } catch let error as RemoteServerError {
            throw error
        } catch {
            throw RemoteServerError("MCP server '\(name)': cannot connect (\(error))")
        }
        do {
            let tools = try await connection.listTools().map { ListedTool(listed: $0, server: name) }
            return RemoteServer(name: name, connection: connection, tools: tools, process: process)
        } catch {
            await process?.stop()
            await connection.close()
            throw RemoteServerError("MCP server '\(name)': cannot list its tools (\(error))")
        }
    }

    /// Ends the session (and the child process, for a command).
    public func close() async {
        if let process { await process.stop() } else { await connection.close() }
    }

    static func executable(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

public struct RemoteServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
