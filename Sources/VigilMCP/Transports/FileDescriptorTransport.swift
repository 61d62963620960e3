import Foundation
import Logging
import MCP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MCP over newline-delimited JSON on a pair of file descriptors: the server's stdin/stdout, or the
/// pipes to a child server process.
///
/// The SDK's `StdioTransport` polls a non-blocking descriptor and sleeps 10 ms whenever nothing is
/// there, which puts up to 10 ms on every request. This transport reads with blocking `read(2)` on
/// a thread of its own, so a message is handed on as soon as it arrives, and writes directly.
public actor FileDescriptorTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let messages: AsyncThrowingStream<Data, any Swift.Error>
    private let continuation: AsyncThrowingStream<Data, any Swift.Error>.Continuation
    private let onEndOfInput: (@Sendable () async -> Void)?
    private var connected = false
    private var started = false

    /// - Parameter onEndOfInput: called once when the input reaches end of file (the peer closed it
    ///   or died), after the message stream has finished.
    public init(
        input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger,
        onEndOfInput: (@Sendable () async -> Void)? = nil
    ) {
        self.input = input
        self.output = output
        self.logger = logger
        self.onEndOfInput = onEndOfInput
        (messages, continuation) = AsyncThrowingStream.makeStream()
    }

    public func connect() async throws {
        guard !started else { return }
        started = true
        connected = true
        for descriptor in [input, output] {
            let flags = fcntl(descriptor, F_GETFL)
            if flags >= 0 && flags & O_NONBLOCK != 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        }
        // The reader owns a duplicate of the input and closes it when it ends, so the original can be
        // closed at any time without the reader reading from a recycled descriptor number.
        let owned = dup(input)
        guard owned >= 0 else { throw MCPError.transportError(POSIXError(.EBADF)) }
        let reader = LineReader(descriptor: owned, continuation: continuation, onEnd: onEndOfInput)
        let thread = Thread { reader.run() }
        thread.name = "vigil-mcp-read-\(input)"
        thread.start()
    }

    public func disconnect() async {
        connected = false
        continuation.finish()
    }

    public func send(_ data: Data) async throws {
        guard connected else { throw MCPError.connectionClosed }
        var message = data
        message.append(UInt8(ascii: "\n"))
        let failure: Int32? = message.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(output, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure {
            connected = false
            if failure == EPIPE { throw MCPError.connectionClosed }
            throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO))
        }
    }

    public nonisolated func receive() -> AsyncThrowingStream<Data, any Swift.Error> { messages }
}

/// Reads newline-delimited messages from a descriptor on a dedicated thread.
private struct LineReader: @unchecked Sendable {
    let descriptor: Int32
    let continuation: AsyncThrowingStream<Data, any Swift.Error>.Continuation
    let onEnd: (@Sendable () async -> Void)?

    func run() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pending: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            var start = 0
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                pending.append(contentsOf: buffer[start..<index])
                if !pending.isEmpty {
                    continuation.yield(Data(pending))
                }
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            pending.append(contentsOf: buffer[start..<count])
        }
        if !pending.isEmpty {
            continuation.yield(Data(pending))
        }
        close(descriptor)
        continuation.finish()
        if let onEnd {
            // A thread cannot await: hand the notification to the concurrency runtime.
            Task { await onEnd() }
        }
    }
}
