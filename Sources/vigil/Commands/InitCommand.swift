import ArgumentParser
import Foundation
import Logging
import VigilCore

struct InitCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a working default configuration file (uses the embedded lab).",
        discussion: "Refuses to overwrite an existing file unless --force is given.")

    @OptionGroup var global: GlobalOptions

    static var loadsConfiguration: Bool { false }

    @Option(name: .long, help: ArgumentHelp("Where to write the file.", valueName: "path"))
    var path: String = ConfigurationLoader.defaultPath

    @Flag(name: .long, help: "Overwrite an existing file.")
    var force = false

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        var isDirectory: ObjCBool = false
        var status = stat()
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || lstat(path, &status) == 0 {
            guard !isDirectory.boolValue else {
                throw .cannotCreate("\(path): is a directory; give the configuration file's path (e.g. \(path)/vigil.yaml)")
            }
            // A link (even to nothing yet) is something already there.
            guard force else { throw .cannotCreate("\(path) already exists; use --force to overwrite it") }
        }
        let text = ConfigurationLoader.template()
        // The template must load back to the defaults; a mismatch is a bug, not a user error.
        guard (try? ConfigurationLoader.parse(text)) == VigilConfiguration() else {
            throw .software("internal error: the built-in template does not parse to the defaults")
        }
        try OutputFile.write(Array(text.utf8), to: path)
        print("Wrote \(path). Try: vigil demo")
    }
}
