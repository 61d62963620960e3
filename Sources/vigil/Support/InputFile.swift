import Foundation

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
