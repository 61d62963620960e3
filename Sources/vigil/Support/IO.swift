import Foundation

/// Buffered writing to stdout that stops cleanly when the reader goes away (`vigil … | head`).
struct StdoutWriter {
    private var buffer: [UInt8] = []
    private(set) var closed = false
    private let flushThreshold = 1 << 20

    init() { buffer.reserveCapacity(flushThreshold + 4096) }

    /// Appends bytes; returns false once stdout is closed.
    @discardableResult
    mutating func write(_ bytes: [UInt8]) -> Bool {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { flush() }
        return !closed
    }

    mutating func write(line: String) -> Bool {
        write(Array(line.utf8) + [0x0A])
    }

    /// Appends into the internal buffer directly (no copy) and flushes when it is large.
    mutating func append(_ body: (inout [UInt8]) -> Void) -> Bool {
        body(&buffer)
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
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                closed = true
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

enum InputFile {
    /// The bytes of `path`, or of stdin for `-`.
    static func read(_ path: String) throws(CLIError) -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .noInput("\(path): no such file")
        }
        guard !isDirectory.boolValue else { throw .noInput("\(path): is a directory, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .noInput("\(path): cannot be read (check permissions)")
        }
        return Array(data)
    }
}

enum OutputFile {
    /// Writes `bytes` to `path` atomically, so a failure never leaves a partial file behind.
    static func write(_ bytes: [UInt8], to path: String) throws(CLIError) {
        let file = try StagedFile(path: path)
        try file.write(bytes)
        try file.commit()
    }
}

/// A file written in pieces that appears at its path only when complete: the pieces go to a temporary
/// file beside it, renamed into place by `commit()`; `discard()` (or failing to commit) leaves nothing.
final class StagedFile {
    let path: String
    private let temporaryPath: String
    private let handle: FileHandle

    init(path: String) throws(CLIError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporaryPath)
        else {
            throw .cannotCreate("\(path): cannot write here (check that the directory exists and is writable)")
        }
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) throws(CLIError) {
        guard !bytes.isEmpty else { return }
        do {
            try handle.write(contentsOf: Data(bytes))
        } catch {
            discard()
            throw .cannotCreate("\(path): \(error.localizedDescription)")
        }
    }

    func commit() throws(CLIError) {
        try? handle.close()
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw .cannotCreate("\(path): \(reason)")
        }
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }
}
