import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilSIEM

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with Sigma detection rules.",
        subcommands: [RulesCheckCommand.self])
}

struct RulesCheckCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load every Sigma rule below a directory and report each one that cannot be used, with the reason.",
        discussion: "Exits 1 if any rule is invalid or unsupported. Rules are never skipped silently.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("A directory of Sigma rules (.yml, .yaml), searched recursively.", valueName: "dir"))
    var directory: String

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let set = try CommandInputs.loadRules(directory: directory)
        for problem in set.problems { print(problem) }
        var byLogType: [String: Int] = [:]
        for rule in set.rules { byLogType[rule.logType.rawValue, default: 0] += 1 }
        let summary = byLogType.keys.sorted().map { "\($0): \(byLogType[$0]!)" }.joined(separator: ", ")
        print(
            "\(set.rules.count) rules loaded\(summary.isEmpty ? "" : " (\(summary))"), \(set.problems.count) not usable"
        )
        if !set.problems.isEmpty {
            throw .invalidInput(
                "\(set.problems.count) rule\(set.problems.count == 1 ? "" : "s") in \(directory) cannot be used")
        }
    }
}
