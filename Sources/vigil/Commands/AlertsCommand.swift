import ArgumentParser
import Foundation
import Logging
import VigilCore

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Work with alert inputs (generic v1, OCSF Detection Finding, Panther).",
        subcommands: [ValidateCommand.self])
}

struct ValidateCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an alert input and report every bad record with its position and field.",
        discussion: """
            The input is one JSON object, a JSON array, or JSON Lines, in the generic v1 format, \
            OCSF 1.x Detection Finding (class_uid 2004) or a Panther alert; formats may be mixed. \
            Exits 1 if any record is invalid. With --strict any error rejects the whole input.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The input file, or - for standard input.", valueName: "file"))
    var file: String

    func validate() throws {
        try InputFile.requireStandardInputOnce([(file, file), ("--config \(global.config ?? "")", global.config)])
    }

    @Flag(
        name: .long,
        help: "Reject the whole input if any record is invalid (default: the configuration's intake.strict).")
    var strict = false

    @Flag(name: .long, help: "Print the report as one JSON object.")
    var json = false

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let bytes = try InputFile.read(file)
        let strictMode = strict || configuration.intake.strict
        let result = AlertDecoder(strict: strictMode).decode(bytes)
        let valid = result.recordCount - result.errors.count
        var formats: [String: Int] = [:]
        for decoded in result.alerts { formats[decoded.format.rawValue, default: 0] += 1 }
        if json {
            func issues(_ list: [IntakeIssue]) -> JSONValue {
                .array(
                    list.map {
                        [
                            "position": .string($0.position.description),
                            "field": $0.field.map(JSONValue.string) ?? .null, "message": .string($0.message),
                        ]
                    })
            }
            let report: JSONValue = [
                "input": .string(file), "records": .int(Int64(result.recordCount)), "valid": .int(Int64(valid)),
                "invalid": .int(Int64(result.errors.count)), "accepted": .int(Int64(result.alerts.count)),
                "strict": .bool(strictMode),
                "formats": .object(JSONObject(formats.mapValues { JSONValue.int(Int64($0)) })),
                "errors": issues(result.errors), "warnings": issues(result.warnings),
            ]
            print(report.prettyPrinted())
        } else {
            // The issues quote the alerts (ids, fields), which an attacker may write: shown inert.
            for issue in result.errors { print("error: \(TerminalText.inert("\(issue)"))") }
            for issue in result.warnings { print("warning: \(TerminalText.inert("\(issue)"))") }
            let formatText = formats.keys.sorted().map { "\($0): \(formats[$0]!)" }.joined(separator: ", ")
            print(
                "\(file): \(result.recordCount) record\(result.recordCount == 1 ? "" : "s"), \(valid) valid, \(result.errors.count) invalid, \(result.warnings.count) warning\(result.warnings.count == 1 ? "" : "s")\(formatText.isEmpty ? "" : " (\(formatText))")"
            )
            if strictMode && !result.errors.isEmpty { print("strict mode: the whole input is rejected") }
        }
        if !result.errors.isEmpty {
            throw .invalidInput(
                "\(result.errors.count) invalid record\(result.errors.count == 1 ? "" : "s") in \(file)")
        }
    }
}
