import CZlib
import Foundation
import VigilCore

/// Reads a file in chunks, transparently inflating gzip (`.gz`, or any file starting with the gzip
/// magic bytes). Memory stays bounded by the chunk size whatever the file size. The file may be a pipe
/// (`<(zcat …)`, a FIFO) or, for the path `-`, standard input: nothing is read twice, so the bytes that
/// tell gzip apart are kept rather than sought back to.
final class ByteSource {
    static let chunkSize = 1 << 22

    private let handle: FileHandle
    private var inflater: Inflater?
    /// The first chunk, read to recognise gzip, until `next` hands it out.
    private var first: Data?
    let path: String

    init(path: String) throws(LogReadError) {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LogReadError(file: path, message: "no such file")
            }
            guard !isDirectory.boolValue else {
                throw LogReadError(file: path, message: "is a directory, expected a file")
            }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw LogReadError(file: path, message: "cannot be read (check permissions)")
            }
            self.handle = handle
        }
        var head = try read()
        // A pipe can deliver fewer bytes than asked for; the magic needs two.
        while head.count == 1 {
            let more = try read()
            if more.isEmpty { break }
            head.append(more)
        }
        first = head
        if head.count >= 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B {
            inflater = try Inflater(path: path)
        }
    }

    deinit { if path != "-" { try? handle.close() } }

    private func read() throws(LogReadError) -> Data {
        do {
            return try handle.read(upToCount: Self.chunkSize) ?? Data()  // nil at the end of the file
        } catch {
            throw LogReadError(file: path, message: "read failed: \(SystemErrorText.reason(error))")
        }
    }

    /// The next chunk of (inflated) bytes, or nil at the end.
    func next() throws(LogReadError) -> [UInt8]? {
        let data: Data
        if let first {
            data = first
            self.first = nil
        } else {
            data = try read()
        }
        if let inflater {
            if data.isEmpty {
                return inflater.finished ? nil : try inflater.inflate([], final: true)
            }
            return try inflater.inflate(Array(data), final: false)
        }
        return data.isEmpty ? nil : Array(data)
    }
}

/// zlib's streaming inflate over gzip data (concatenated members included).
private final class Inflater {
    private var stream = z_stream()
    private(set) var finished = false
    let path: String

    init(path: String) throws(LogReadError) {
        self.path = path
        // 15 + 32: a 32 KiB window and automatic gzip/zlib header detection.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LogReadError(file: path, message: "cannot start gzip decompression")
        }
    }

    deinit { inflateEnd(&stream) }

    func inflate(_ input: [UInt8], final: Bool) throws(LogReadError) -> [UInt8] {
        var output: [UInt8] = []
        var pending = input[...]
        var buffer = [UInt8](repeating: 0, count: 1 << 18)
        repeat {
            if finished && !pending.isEmpty {
                // Another gzip member follows.
                inflateReset(&stream)
                finished = false
            }
            let (status, consumed, produced) = pending.withUnsafeBytes { inPointer in
                buffer.withUnsafeMutableBytes { outPointer -> (Int32, Int, Int) in
                    stream.next_in = UnsafeMutablePointer(mutating: inPointer.bindMemory(to: Bytef.self).baseAddress)
                    stream.avail_in = uInt(inPointer.count)
                    stream.next_out = outPointer.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(outPointer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, inPointer.count - Int(stream.avail_in), outPointer.count - Int(stream.avail_out))
                }
            }
            output.append(contentsOf: buffer[0..<produced])
            pending = pending.dropFirst(consumed)
            switch status {
            case Z_STREAM_END: finished = true
            case Z_OK: break
            case Z_BUF_ERROR where consumed == 0 && produced == 0:
                if final && !finished {
                    throw LogReadError(file: path, message: "gzip data ends early (truncated file)")
                }
                return output
            default:
                throw LogReadError(file: path, message: "gzip data is corrupt (zlib status \(status))")
            }
        } while !pending.isEmpty || (stream.avail_out == 0)
        if final && !finished { throw LogReadError(file: path, message: "gzip data ends early (truncated file)") }
        return output
    }
}

/// A file that cannot be read at all.
public struct LogReadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    /// Set by `EventStore.ingest`: the records read before the file failed, which it keeps (new, and already stored).
    public var inserted = 0
    public var duplicates = 0
    public var description: String { "\(file): \(message)" }
}
