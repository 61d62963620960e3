import Foundation
import Synchronization

/// A file written in pieces that appears at its path only when complete: the pieces go to a hidden
/// temporary file beside it, renamed into place by `commit()`. `discard()`, a failure, or SIGINT/SIGTERM
/// while staging leave nothing behind. A device or FIFO (`/dev/null`, a pipe) is written to directly, never
/// replaced, and so is an open descriptor named as a file (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`), as it is
/// open (an append redirect keeps appending). A symbolic link to a file is refused rather than followed (whoever
/// made it would choose what is replaced) or replaced (the user meant the file); a directory or socket is refused.
final class StagedFile {
    let path: String
    /// Empty when writing straight to a device, FIFO or descriptor.
    private let temporaryPath: String
    private let handle: FileHandle
    private let slot: Int?
    private var finished = false  // committed or discarded: the slot may belong to another file now

    init(path: String) throws(CLIError) {
        self.path = path
        if let descriptor = Self.descriptor(named: path) {
            let copy = dup(descriptor)
            guard copy >= 0 else { throw .cannotCreate("\(path): cannot be written (\(String(cString: strerror(errno))))") }
            self.handle = FileHandle(fileDescriptor: copy, closeOnDealloc: true)
            self.temporaryPath = ""
            self.slot = nil
            return
        }
        var status = stat()
        let exists = stat(path, &status) == 0
        let kind = status.st_mode & S_IFMT
        if exists && (kind == S_IFCHR || kind == S_IFIFO) {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw .cannotCreate("\(path): cannot be written (\(String(cString: strerror(errno))))")
            }
            self.handle = handle
            self.temporaryPath = ""
            self.slot = nil
            return
        }
        var link = stat()
        if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
            let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            throw .cannotCreate(
                "\(path): is a symbolic link (to \(destination)); name the file itself, so that what is replaced is what you meant")
        }
        if exists {
            switch kind {
            case S_IFREG: break
            case S_IFDIR: throw .cannotCreate("\(path): is a directory, expected a file name")
            default: throw .cannotCreate("\(path): not a file that can be written (a socket?)")
            }
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(getpid())"
        ).path
        // The handler is in place before the file exists, so no signal can leave it behind.
        guard let slot = SignalCleanup.register(temporary) else {
            throw .cannotCreate("\(path): too many files being written at once")
        }
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            SignalCleanup.unregister(slot)
            throw .cannotCreate("\(path): cannot write here (check that the directory exists and is writable)")
        }
        self.temporaryPath = temporary
        self.handle = handle
        self.slot = slot
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
        guard !finished else { return }
        finished = true
        guard let slot else {
            do {
                try handle.close()
            } catch {
                throw .cannotCreate("\(path): \(error.localizedDescription)")
            }
            return
        }
        try? handle.close()
        defer { SignalCleanup.unregister(slot) }
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .cannotCreate("\(path): \(reason)")
        }
    }

    /// The descriptor a path names when it is one of the process's own: `/dev/stdout`, `/dev/stderr`,
    /// `/dev/fd/N`, `/proc/self/fd/N`.
    static func descriptor(named path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
    }

    func discard() {
        guard !finished else { return }
        finished = true
        try? handle.close()
        guard let slot else { return }
        unlink(temporaryPath)
        SignalCleanup.unregister(slot)
    }
}

/// Removes the temporary files of staged writes when SIGINT or SIGTERM ends the process.
///
/// The handler is installed with `sigaction` at once (a dispatch signal source registers later, on
/// another thread, and a signal in between would be lost) and does only what is safe in a signal
/// handler: read fixed slots of C strings, `unlink` them, `_exit`.
enum SignalCleanup {
    static let capacity = 8
    // Written only under `lock`, read by the handler; each slot holds a path or nil.
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        return slots
    }()
    private static let lock = Mutex(0)  // how many slots are in use

    /// Keeps `path` for removal on a signal; nil when every slot is taken.
    static func register(_ path: String) -> Int? {
        lock.withLock { inUse -> Int? in
            guard let free = (0..<capacity).first(where: { slots[$0] == nil }) else { return nil }
            slots[free] = strdup(path)
            if inUse == 0 { install(onSignal) }
            inUse += 1
            return free
        }
    }

    static func unregister(_ slot: Int) {
        lock.withLock { inUse in
            guard slots[slot] != nil else { return }
            inUse -= 1
            if inUse == 0 { install(nil) }
            // The copy of the path is not freed: a handler running on another thread may still be
            // reading it. It is a few bytes per staged file, and a process stages only a few.
            slots[slot] = nil
        }
    }

    private static let onSignal: @convention(c) (Int32) -> Void = { signalNumber in
        for i in 0..<SignalCleanup.capacity {
            if let path = SignalCleanup.slots[i] { unlink(path) }
        }
        _exit(128 + signalNumber)
    }

    /// Installs `handler` for SIGINT and SIGTERM, or restores the default action when nil.
    private static func install(_ handler: (@convention(c) (Int32) -> Void)?) {
        var action = sigaction()
        if let handler {
            action.__sigaction_handler.sa_handler = handler
        } else {
            action.__sigaction_handler.sa_handler = SIG_DFL
        }
        sigemptyset(&action.sa_mask)
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
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
