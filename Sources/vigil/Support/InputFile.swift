import Foundation

enum InputFile {
    /// The bytes of `path`, or of stdin for `-`. Read to the end rather than by the size the file claims, so
    /// that a pipe (`<(zcat …)`), a FIFO or a file under /proc is read whole.
    static func read(_ path: String) throws(CLIError) -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        try requireReadable(path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .noInput("\(path): cannot be read (check permissions)")
        }
        defer { try? handle.close() }
        do {
            return Array(try handle.readToEnd() ?? Data())
        } catch {
            throw .noInput("\(path): read failed: \(error.localizedDescription)")
        }
    }

    /// The UTF-8 text of `path` (`what` names it in messages), read whole as `read` does.
    static func text(_ path: String, _ what: String) throws(CLIError) -> String {
        try requireReadable(path, what)
        let bytes = try read(path)
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw .noInput("\(path): the \(what) is not UTF-8 text")
        }
        return text
    }

    /// Fails unless `path` is a file this process can read, naming what it is instead: missing, a directory,
    /// unreadable, or (with `regular`) a device or other special file. `what` names the file in the message.
    static func requireReadable(_ path: String, _ what: String = "file", regular: Bool = false) throws(CLIError) {
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
