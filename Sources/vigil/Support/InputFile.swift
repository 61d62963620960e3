import ArgumentParser
import Foundation
import VigilCore

enum InputFile {
    /// The bytes of `path`, or of stdin for `-`. Read to the end rather than by the size the file claims, so
    /// that a pipe (`<(zcat …)`), a FIFO or a file under /proc is read whole.
    static func read(_ path: String, _ what: String = "file") throws(CLIError) -> [UInt8] {
        if path == "-" {
            try requireStandardInput()
            do {
                return Array(try FileHandle.standardInput.readToEnd() ?? Data())
            } catch {
                throw .noInput("standard input: read failed: \(SystemErrorText.reason(error))")
            }
        }
        try requireReadable(path, what)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .noInput("\(path): cannot be read (check permissions)")
        }
        defer { try? handle.close() }
        do {
            return Array(try handle.readToEnd() ?? Data())
        } catch {
            throw .noInput("\(path): read failed: \(SystemErrorText.reason(error))")
        }
    }

    /// The UTF-8 text of `path` (`what` names it in messages), read whole as `read` does.
    static func text(_ path: String, _ what: String) throws(CLIError) -> String {
        let bytes = try read(path, what)
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw .noInput("\(path): the \(what) is not UTF-8 text")
        }
        return text
    }

    /// Whether the process started with standard input closed (`<&-`).
    nonisolated(unsafe) private(set) static var standardInputClosed = false
    /// Whether it started with standard output closed (`>&-`): results cannot be delivered.
    nonisolated(unsafe) private(set) static var standardOutputClosed = false

    /// Run first: a standard stream the process started without is held open, so that the next file opened (a
    /// log, a database) does not become descriptor 0, 1 or 2 and get read as input or written as output. Standard
    /// input reads nothing (and `-` is refused); standard output fails every write, so a command whose results
    /// would be lost says so (`standard output is closed`) instead of exiting 0.
    static func holdClosedStandardStreams() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) == -1 {
            let device = descriptor == STDOUT_FILENO ? "/dev/full" : "/dev/null"
            let opened = open(device, descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if descriptor == STDIN_FILENO { standardInputClosed = true }
            if descriptor == STDOUT_FILENO { standardOutputClosed = true }
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }

    /// Whether `path` names standard input itself (`/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`).
    static func namesStandardInput(_ path: String) -> Bool {
        path == "-" || path == "/dev/stdin" || path == "/dev/fd/0" || path == "/proc/self/fd/0"
    }

    /// Fails unless standard input is open and not a directory (`< /`, `<&-`).
    static func requireStandardInput() throws(CLIError) {
        var status = stat()
        guard !standardInputClosed, fstat(STDIN_FILENO, &status) == 0 else { throw .noInput("standard input is closed") }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw .noInput("standard input is a directory") }
    }

    /// Whether reading `path` consumes standard input: `-`, or a path naming standard input's pipe or socket
    /// (`/dev/stdin`, `/dev/fd/0`), which only one reader can read. (A path naming a redirected file opens it anew.)
    static func readsStandardInput(_ path: String) -> Bool {
        if path == "-" { return true }
        var input = stat()
        var named = stat()
        guard fstat(STDIN_FILENO, &input) == 0, stat(path, &named) == 0 else { return false }
        let kind = input.st_mode & S_IFMT
        guard kind == S_IFIFO || kind == S_IFSOCK else { return false }
        return input.st_dev == named.st_dev && input.st_ino == named.st_ino
    }

    /// A usage error when more than one of `inputs` (name, path) would read standard input: the second would get
    /// nothing and say so as if the input were empty.
    static func requireStandardInputOnce(_ inputs: [(name: String, path: String?)]) throws {
        let readers = inputs.compactMap { input in input.path.flatMap { readsStandardInput($0) ? input.name : nil } }
        guard readers.count <= 1 else {
            throw ValidationError(
                "\(readers.joined(separator: ", ")) all read standard input, which can be read only once")
        }
    }

    /// Fails unless `path` is a file this process can read, naming what it is instead: missing, a directory,
    /// unreadable, or (with `regular`) a device or other special file. `what` names the file in the message.
    static func requireReadable(_ path: String, _ what: String = "file", regular: Bool = false) throws(CLIError) {
        if namesStandardInput(path) { try requireStandardInput() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .noInput("\(path): no such \(what)")
        }
        let article = what.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        guard !isDirectory.boolValue else { throw .noInput("\(path): is a directory, expected \(article) \(what)") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .noInput("\(path): the \(what) cannot be read (permission denied)")
        }
        // `stat` follows a symbolic link to what it names (a log rotated behind a link is still a log).
        var status = stat()
        if regular, stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw .noInput("\(path): not a regular file, expected \(article) \(what)")
        }
    }
}
