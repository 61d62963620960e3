import Dispatch
import Foundation

/// A file written in pieces that appears at its path only when complete: the pieces go to a hidden
/// temporary file beside it, renamed into place by `commit()`. `discard()`, a failure, or SIGINT/SIGTERM
/// while staging leave nothing behind.
final class StagedFile {
    let path: String
    private let temporaryPath: String
    private let handle: FileHandle
    private var signalSources: [any DispatchSourceSignal] = []

    init(path: String) throws(CLIError) {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .cannotCreate("\(path): is a directory, expected a file name")
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())"
        ).path
        // The handlers come first: a signal between creating the file and handling signals would
        // leave it behind.
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                unlink(temporary)
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
            throw .cannotCreate("\(path): cannot write here (check that the directory exists and is writable)")
        }
        self.temporaryPath = temporary
        self.handle = handle
        self.signalSources = sources
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
        finish()
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .cannotCreate("\(path): \(reason)")
        }
    }

    func discard() {
        finish()
        unlink(temporaryPath)
    }

    private func finish() {
        try? handle.close()
        for source in signalSources { source.cancel() }
        signalSources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
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
