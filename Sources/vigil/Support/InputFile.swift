import Foundation

enum InputFile {
    /// The bytes of `path`, or of stdin for `-`.
    static func read(_ path: String) throws(CLIError) -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        try requireReadable(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .noInput("\(path): cannot be read (check permissions)")
        }
        return Array(data)
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
