import Foundation

/// The lines of an audit log, read a chunk at a time: a reader of the log holds its longest line in memory,
/// not the whole file, however long the log has grown.
public enum AuditLineReader {
    /// Bytes read at a time.
    public static let defaultChunk = 1 << 20

    /// How far a read of the whole file went.
    public struct Extent: Sendable, Hashable {
        /// Bytes up to and including the last newline: the complete lines.
        public var complete: Int64
        /// Bytes read, to the end of the file: more than `complete` when the last line has no newline (a
        /// write a crash cut short).
        public var total: Int64
    }

    /// Why the file could not be read to its end.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    /// Calls `body` with each newline-terminated line of the file open at `descriptor`, from its first byte
    /// (with `pread`: the descriptor's offset is left alone), without the newline, up to the file's end as it
    /// was when the reading began: what a writer appends meanwhile is not read, so a live log is read as it was
    /// then, and a line cut there is an incomplete one. An unterminated last line is not passed; `Extent` says
    /// it is there. A blank line is a line (an empty one). A read error stops the reading: `.failure`, after the
    /// lines before it were passed.
    public static func forEachLine<E: Error>(
        descriptor: Int32, chunk: Int = defaultChunk, _ body: (ArraySlice<UInt8>) throws(E) -> Void
    ) throws(E) -> Result<Extent, ReadError> {
        precondition(chunk > 0, "a chunk holds at least one byte")
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(ReadError(code: errno)) }
        let end = Int64(status.st_size)
        var buffer = [UInt8](repeating: 0, count: chunk)
        // The start of a line that runs past the chunk it began in.
        var pending: [UInt8] = []
        var offset: Int64 = 0
        while offset < end {
            let wanted = Int(min(Int64(chunk), end - offset))
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, wanted, off_t(offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(code: errno))
            }
            if count == 0 { break }
            offset += Int64(count)
            var start = 0
            while let newline = buffer[start..<count].firstIndex(of: 0x0A) {
                if pending.isEmpty {
                    try body(buffer[start..<newline])
                } else {
                    pending.append(contentsOf: buffer[start..<newline])
                    try body(pending[...])
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            pending.append(contentsOf: buffer[start..<count])
        }
        return .success(Extent(complete: offset - Int64(pending.count), total: offset))
    }
}
