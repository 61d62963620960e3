import ArgumentParser

/// A user-facing failure: a message that says what was wrong and what to do, and an exit code.
/// Never a stack trace.
struct CLIError: Error, CustomStringConvertible {
    private enum Code {
        case invalidInput, noInput, cannotCreate, config, software, usage, unavailable
    }

    private let code: Code
    let message: String

    var description: String { message }

    /// The same failure, its message followed by `more`.
    func adding(_ more: String) -> CLIError { CLIError(code: code, message: message + more) }

    /// Input was read but is invalid (exit 1).
    static func invalidInput(_ message: String) -> CLIError { CLIError(code: .invalidInput, message: message) }
    /// Options that do not go together, found once the configuration is known (exit 64).
    static func usage(_ message: String) -> CLIError { CLIError(code: .usage, message: message) }
    /// An input file is missing or unreadable (exit 66).
    static func noInput(_ message: String) -> CLIError { CLIError(code: .noInput, message: message) }
    /// An output file cannot be written (exit 73).
    static func cannotCreate(_ message: String) -> CLIError { CLIError(code: .cannotCreate, message: message) }
    /// A service Vigil needs cannot be had: the address to listen on is in use (exit 69).
    static func unavailable(_ message: String) -> CLIError { CLIError(code: .unavailable, message: message) }
    /// A bug in Vigil (exit 70).
    static func software(_ message: String) -> CLIError { CLIError(code: .software, message: message) }
    /// The configuration file is invalid (exit 78).
    static func config(_ message: String) -> CLIError { CLIError(code: .config, message: message) }

    var exitCode: ExitCode {
        switch code {
        case .invalidInput: VigilExit.invalidInput
        case .noInput: VigilExit.noInput
        case .cannotCreate: VigilExit.cannotCreate
        case .config: VigilExit.config
        case .software: VigilExit.software
        case .usage: VigilExit.usage
        case .unavailable: VigilExit.unavailable
        }
    }
}

/// Exit codes, as documented in `docs/cli.md`. They follow the BSD `sysexits.h` convention.
enum VigilExit {
    /// Success.
    static let success = ExitCode.success
    /// The input was read but had invalid records (`alerts validate`), or a check failed.
    static let invalidInput = ExitCode(1)
    /// Bad command-line usage (ArgumentParser's validation failure).
    static let usage = ExitCode.validationFailure
    /// An input file does not exist or cannot be read.
    static let noInput = ExitCode(66)
    /// A service cannot be had (an address in use).
    static let unavailable = ExitCode(69)
    /// An internal error.
    static let software = ExitCode(70)
    /// An output file cannot be created.
    static let cannotCreate = ExitCode(73)
    /// The configuration is invalid.
    static let config = ExitCode(78)
}
