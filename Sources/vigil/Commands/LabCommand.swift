import ArgumentParser

struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "The embedded simulated enterprise: generate alerts, browse the organisation.",
        subcommands: [LabAlertsCommand.self, LabShowCommand.self])
}
