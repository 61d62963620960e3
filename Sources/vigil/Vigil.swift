import ArgumentParser
import Foundation
import VigilCore

@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Vigil: an autonomous security operations center.",
        discussion: """
            Alerts come in; tiered agents investigate them through MCP servers that wrap the security \
            platforms; noise is closed with an explanation and incidents are escalated with evidence. \
            Without any configuration Vigil runs on the embedded lab enterprise, offline.

            Exit codes: 0 success; 1 invalid input or a failed check; 64 bad usage; 66 input file \
            missing or unreadable; 70 internal error; 73 output file cannot be written; 78 invalid \
            configuration; 130/143 triage stopped by SIGINT/SIGTERM. See docs/cli.md.
            """,
        version: "vigil \(VigilVersion.current)",
        subcommands: [
            DemoCommand.self, InitCommand.self, LabCommand.self, AlertsCommand.self, IngestCommand.self,
            SearchCommand.self, DetectCommand.self, RulesCommand.self, MCPCommand.self, AuditCommand.self,
            IntegrityCommand.self, GuardCommand.self, TriageCommand.self, EvalCommand.self, ReportCommand.self,
            ServeCommand.self,
        ]
    )

    static func main() async {
        InputFile.holdClosedStandardStreams()
        await main(nil)
    }
}
