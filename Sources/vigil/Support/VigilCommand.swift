import ArgumentParser
import Foundation
import Logging
import VigilCore

/// A `vigil` subcommand: its work goes in `execute()`, which reports failures as `CLIError`s that
/// `run()` prints as one clear line on stderr with the documented exit code.
protocol VigilCommand: ParsableCommand {
    var global: GlobalOptions { get }
    /// Whether the command reads `vigil.yaml` first (`init` does not: it may be replacing a broken one).
    static var loadsConfiguration: Bool { get }
    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError)
}

extension VigilCommand {
    static var loadsConfiguration: Bool { true }

    func run() throws {
        let (configuration, logger) = try global.prepare(loadingConfiguration: Self.loadsConfiguration)
        do {
            try execute(configuration: configuration, logger: logger)
            try StdoutWriter.finishPrinting()
        } catch {
            throw Console.fail(error)
        }
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Configuration file (default: ./vigil.yaml if present, else built-in defaults).", valueName: "path"))
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Log level on stderr: trace|debug|info|notice|warning|error|critical (default: the configuration's log_level).",
            valueName: "level"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, VigilConfiguration.LogLevel(rawValue: logLevel) == nil {
            throw ValidationError(
                "--log-level '\(logLevel)' is not one of \(VigilConfiguration.LogLevel.allCases.map(\.rawValue).joined(separator: "|"))"
            )
        }
    }

    /// What every command does first: ignore SIGPIPE (a closed pipe is an error, not death), load the
    /// configuration, start logging.
    func prepare(loadingConfiguration: Bool) throws -> (VigilConfiguration, Logger) {
        signal(SIGPIPE, SIG_IGN)
        var configuration = VigilConfiguration()
        if loadingConfiguration {
            do {
                configuration = try ConfigurationLoader.load(path: config)
            } catch {
                throw Console.fail(error)
            }
        }
        return (configuration, bootstrapLogging(default: configuration.logLevel))
    }

    func bootstrapLogging(default level: VigilConfiguration.LogLevel) -> Logger {
        let chosen = logLevel.flatMap(VigilConfiguration.LogLevel.init(rawValue:)) ?? level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: chosen.rawValue) ?? .info
            return InertLogHandler(handler)
        }
        return Logger(label: "vigil")
    }
}

/// Messages for people on stderr (stdout is for results).
enum Console {
    /// Prints a failure and returns the exit code to throw.
    static func fail(_ error: CLIError) -> ExitCode {
        self.error(error.message)
        return error.exitCode
    }

    // Escape sequences, carriage returns and bidi controls in a message (from an alert, a file, a server) are
    // shown, not obeyed, and every line after a message's first is indented: whatever a quoted part holds, no line
    // of it can pass for a message of Vigil's own (`vigil: warning: …`).
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("vigil: error: \(shown(message))\n".utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("vigil: warning: \(shown(message))\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(shown(message))\n".utf8))
    }

    static func shown(_ message: String) -> String {
        TerminalText.inert(message, keepingLineBreaks: true).replacingOccurrences(of: "\n", with: "\n  ")
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// A `vigil` subcommand whose work is asynchronous (serving, network clients). Same contract as
/// `VigilCommand`.
protocol AsyncVigilCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError)
}

extension AsyncVigilCommand {
    func run() async throws {
        let (configuration, logger) = try global.prepare(loadingConfiguration: true)
        do {
            try await execute(configuration: configuration, logger: logger)
            try StdoutWriter.finishPrinting()
        } catch {
            throw Console.fail(error)
        }
    }
}

/// The log lines on stderr with their message and metadata made inert (`TerminalText`): a value from an alert (an
/// alert id with a line break and "Approved by: …") cannot forge a log line, move the cursor or reorder the text.
struct InertLogHandler: LogHandler {
    private var inner: StreamLogHandler

    init(_ inner: StreamLogHandler) { self.inner = inner }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: TerminalText.inert(event.message.description))
        event.metadata = event.metadata.map { Self.inert($0) }
        // An error attached to the event would be printed as it describes itself.
        if let error = event.error {
            var metadata = event.metadata ?? [:]
            metadata["error"] = .string(TerminalText.inert("\(error)"))
            event.metadata = metadata
            event.error = nil
        }
        inner.log(event: event)
    }

    static func inert(_ metadata: Logger.Metadata) -> Logger.Metadata {
        Dictionary(metadata.map { (TerminalText.inert($0.key), inert($0.value)) }, uniquingKeysWith: { a, _ in a })
    }

    static func inert(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(TerminalText.inert(text))
        case .stringConvertible(let convertible): .string(TerminalText.inert(convertible.description))
        case .array(let values): .array(values.map { inert($0) })
        case .dictionary(let dictionary): .dictionary(inert(dictionary))
        }
    }
}
