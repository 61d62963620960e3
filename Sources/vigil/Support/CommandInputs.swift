import ArgumentParser
import Foundation
import VigilCore
import VigilSIEM

/// Inputs several commands take, checked and loaded one way.
enum CommandInputs {
    /// Validates a `--log-type` value (a known type or alias).
    static func validateLogType(_ text: String?) throws {
        if let text, LogType(named: text) == nil {
            throw ValidationError(
                "--log-type '\(text)' is not one of \(LogType.known.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The Sigma rules below a directory; a missing directory is an input error.
    static func loadRules(directory: String) throws(CLIError) -> SigmaRuleSet {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .noInput("\(directory): no such directory")
        }
        guard isDirectory.boolValue else { throw .noInput("\(directory): is a file, expected a directory of Sigma rules") }
        do {
            return try SigmaRuleSet.load(directory: URL(fileURLWithPath: directory))
        } catch {
            throw .noInput("\(directory): \(error)")
        }
    }
}
