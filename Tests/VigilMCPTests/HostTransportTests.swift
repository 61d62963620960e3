import Foundation
import Logging
import Testing
import VigilCore
import VigilTesting

@testable import VigilMCP

/// The host side against the real `vigil` executable: a stdio child process, and Streamable HTTP.
@Suite("Host transports", .serialized)
struct HostTransportTests {
    let logger = Logger(label: "test")

    @Test func stdioChildAnswersAndItsDeathFailsCallsAtOnce() async throws {
        let child = try await StdioServerProcess(
            executable: CommandRunner.vigilURL.path, arguments: ["mcp", "cloud", "--log-level", "error"],
            requestTimeout: 30, logger: logger)
        let tools = try await child.connection.listTools()
        #expect(tools.count == 5)
        let account = try await child.connection.callTool("get_account", arguments: ["account_id": "meridian-prod"])
        #expect(account.structured?["account"]?["environment"] == "production")

        kill(child.processIdentifier, SIGKILL)
        let error = await #expect(throws: (any Error).self) {
            _ = try await child.connection.callTool("get_account", arguments: ["account_id": "meridian-prod"])
        }
        // The failure comes from the child's death, not from the 30 s request timeout.
        #expect(error.map { !String(describing: $0).contains("timed out") } == true, "\(String(describing: error))")
        await child.stop()
        #expect(!child.isRunning)
    }

    @Test func stdioChildStopsAtEndOfInput() async throws {
        let child = try await StdioServerProcess(
            executable: CommandRunner.vigilURL.path, arguments: ["mcp", "ticketing", "--log-level", "error"],
            logger: logger)
        _ = try await child.connection.callTool("search_tickets", arguments: ["text": "terraform"])
        await child.stop(graceSeconds: 10)
        #expect(!child.isRunning)
    }

    @Test func streamableHTTPWithSessionsTokensAndSSE() async throws {
        let token = "test-token-\(UInt64.random(in: 0...UInt64.max))"
        let server = Process()
        server.executableURL = CommandRunner.vigilURL
        server.arguments = ["mcp", "identity", "--http", "127.0.0.1:0", "--allow-write", "--log-level", "warning"]
        server.environment = ProcessInfo.processInfo.environment.merging(["VIGIL_MCP_TOKEN": token]) { $1 }
        let errors = Pipe()
        server.standardError = errors
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let endpoint = try #require(Self.listeningURL(errors.fileHandleForReading))

        // Two clients, each with its own session, calling at the same time.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let connection = MCPConnection()
                    try await connection.connect(
                        StreamableHTTPClientTransport(endpoint: endpoint, bearerToken: token, logger: logger))
                    let tools = try await connection.listTools()
                    #expect(tools.contains { $0.name == "suspend_user" })
                    for _ in 0..<5 {
                        let user = try await connection.callTool("get_groups", arguments: ["login": "nobody@x"])
                        #expect(user.isError)
                        #expect(user.text.contains("not found"))
                    }
                    await connection.close()
                }
            }
            try await group.waitForAll()
        }

        // A body the server cannot parse (deeper than the parser's bound) is refused, not left hanging.
        let probe = StreamableHTTPClientTransport(endpoint: endpoint, bearerToken: token, logger: logger)
        let session = MCPConnection(requestTimeout: 10)
        try await session.connect(probe)
        let deep =
            #"{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"get_user","arguments":{"a":"#
            + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}}}"
        do {
            try await probe.send(Data(deep.utf8))
            Issue.record("a body nested 300 deep was accepted")
        } catch {
            #expect("\(error)".contains("400"))
        }
        await session.close()

        let intruder = MCPConnection(requestTimeout: 10)
        await #expect(throws: (any Error).self) {
            try await intruder.connect(
                StreamableHTTPClientTransport(endpoint: endpoint, bearerToken: "wrong", logger: logger))
        }
        await intruder.close()

        // Twelve wrong tokens, one after another: after ten (the intruder above sent one or more) the address is
        // refused (429, Retry-After). The count and the lengths are tested with a clock moved by hand in
        // VigilServerTests; here, only that the MCP server applies them.
        let guesses = """
            import sys, urllib.request, urllib.error
            def post(token):
                headers = {"Content-Type": "application/json"}
                if token:
                    headers["Authorization"] = "Bearer " + token
                request = urllib.request.Request(sys.argv[1], data=b"{}", method="POST", headers=headers)
                try:
                    return urllib.request.urlopen(request, timeout=30).status, ""
                except urllib.error.HTTPError as error:
                    return error.code, error.headers.get("Retry-After", "")
            # Without credentials: no guess, never counted.
            print(" ".join(str(post(None)[0]) for n in range(12)))
            answers = [post("guess-%d" % n) for n in range(12)]
            print(" ".join(str(status) for status, _ in answers))
            print(next((wait for status, wait in answers if status == 429), "none"))
            """
        let guessed = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", guesses, endpoint])
        let lines = guessed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(guessed.stdout) \(guessed.stderr)")
        #expect(lines.first == Array(repeating: "401", count: 12).joined(separator: " "), "\(lines)")
        let statuses = lines.count == 3 ? lines[1].split(separator: " ").map(String.init) : []
        #expect(statuses.count == 12 && statuses.allSatisfy { $0 == "401" || $0 == "429" }, "\(statuses)")
        // The intruder above sent one wrong token: nine more are answered, the tenth locks.
        #expect(statuses.prefix(9).allSatisfy { $0 == "401" } && statuses.contains("429"), "\(statuses)")
        #expect(Int(lines.last ?? "").map { $0 >= 1 } == true, "Retry-After: \(lines)")
    }

    /// Reads the server's stderr until it says where it listens.
    static func listeningURL(_ handle: FileHandle) -> String? {
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let data = handle.availableData
            if data.isEmpty { return nil }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: #"listening on (http://\S+)"#, options: .regularExpression) {
                return String(text[range].dropFirst("listening on ".count))
            }
        }
        return nil
    }
}
