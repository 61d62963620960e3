import Foundation

/// Buffered writing to stdout. A reader that goes away (`vigil … | head`, EPIPE) stops the output
/// quietly; any other write failure (a full disk) is recorded in `failure` for the caller to report.
struct StdoutWriter {
    private var buffer: [UInt8] = []
    /// True once nothing more can be written.
    private(set) var closed = false
    /// Why writing failed, when the cause was not the reader going away.
    private(set) var failure: String?
    private let flushThreshold = 1 << 20

    init() { buffer.reserveCapacity(flushThreshold + 4096) }

    /// Appends bytes; returns false once stdout is closed.
    @discardableResult
    mutating func write(_ bytes: [UInt8]) -> Bool {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { flush() }
        return !closed
    }

    mutating func flush() {
        guard !closed, !buffer.isEmpty else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                Foundation.write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if n < 0 && errno != EPIPE {
                    failure = InputFile.standardOutputClosed ? "standard output is closed" : String(cString: strerror(errno))
                }
                closed = true
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes what `print` buffered and reports a failure other than the reader going away.
    static func finishPrinting() throws(CLIError) {
        errno = 0
        if fflush(nil) != 0 && errno != EPIPE {
            if InputFile.standardOutputClosed { throw .cannotCreate("standard output is closed; results cannot be written") }
            throw .cannotCreate("cannot write to standard output: \(String(cString: strerror(errno)))")
        }
    }
}
