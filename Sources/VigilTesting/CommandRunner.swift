import Foundation
import Synchronization

/// Runs the built `vigil` executable (or any program) as a user would, for end-to-end tests of the
/// command line. Waiting for the child never blocks a thread of the concurrency pool (on a 2-core
/// machine it has two, and tests that held them while children ran starved every other test): the
/// pipes are read on Dispatch threads and the exit is awaited through the termination handler.
public enum CommandRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var stdoutBytes: [UInt8]
    }

    /// The folder with the build products (where the test bundle and `vigil` are).
    public static var productsDirectory: URL {
        let bundle = Bundle.main.bundleURL
        return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
    }

    public static var vigilURL: URL { productsDirectory.appendingPathComponent("vigil") }

    /// Runs `vigil arguments…` in `directory`, feeding `stdin`, with `environment` added to this
    /// process's, and waits for it.
    public static func vigil(
        _ arguments: [String], stdin: [UInt8]? = nil, in directory: URL? = nil, environment added: [String: String] = [:]
    ) async throws -> Result {
        var environment = added
        environment["VIGIL_TEST"] = "1"
        return try await run(vigilURL, arguments, stdin: stdin, in: directory, environment: environment)
    }

    /// Runs `executable arguments…` and waits for it; stderr is kept apart unless `mergeOutput`.
    public static func run(
        _ executable: URL, _ arguments: [String], stdin: [UInt8]? = nil, in directory: URL? = nil,
        environment added: [String: String] = [:], mergeOutput: Bool = false
    ) async throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(added) { _, new in new }
        let out = Pipe()
        let err = mergeOutput ? out : Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()
        // Both pipes are drained on Dispatch threads so a large output cannot block the child.
        async let stdoutData = drain(out.fileHandleForReading)
        async let stderrData = mergeOutput ? Data() : drain(err.fileHandleForReading)
        // A child may exit before reading its input: that write fails (EPIPE) and is not an error here.
        signal(SIGPIPE, SIG_IGN)
        await Task.detached {
            if let stdin { try? input.fileHandleForWriting.write(contentsOf: Data(stdin)) }
            try? input.fileHandleForWriting.close()
        }.value
        var status: Int32 = -1
        for await code in exited.stream {
            status = code
            break
        }
        let o = await stdoutData
        return Result(
            status: status, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: await stderrData, as: UTF8.self), stdoutBytes: Array(o))
    }

    /// Everything a pipe delivers until end of file, read on a Dispatch thread.
    static func drain(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }

    /// A fresh empty directory for a test, removed with everything in it when the test process exits.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        TemporaryDirectories.shared.add(url)
        return url
    }
}

/// The directories handed out by `CommandRunner.temporaryDirectory()`. They are removed at exit
/// rather than by each test, because a test's children (servers, `vigil` runs) and the case stores
/// they leave may still be in use until the test has finished.
final class TemporaryDirectories: Sendable {
    static let shared = TemporaryDirectories()

    private let paths = Mutex<[String]>([])

    private init() {
        atexit { TemporaryDirectories.shared.removeAll() }
    }

    func add(_ url: URL) {
        paths.withLock { $0.append(url.path) }
    }

    func removeAll() {
        let all = paths.withLock { paths in
            defer { paths.removeAll() }
            return paths
        }
        for path in all { try? FileManager.default.removeItem(atPath: path) }
    }
}
