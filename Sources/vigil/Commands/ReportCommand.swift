import ArgumentParser
import Foundation
import Logging
import VigilAgents
import VigilCore

struct ReportCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the report of a case (Markdown), or list the cases.",
        discussion: """
            Reads the case store `vigil triage` writes (agents.cases). The report holds the verdict, \
            the timeline, ATT&CK techniques, the evidence with its tool-call ids, containment proposals \
            and their approvals, and every tool call. --json prints the case record instead, and with \
            --list one JSON object per case (alert_id, classification, disposition, status, summary).
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The alert id of the case.", valueName: "alert-id"))
    var alertID: String?

    @Option(name: .long, help: ArgumentHelp("Case store (default: agents.cases).", valueName: "path"))
    var cases: String?

    @Flag(name: .long, help: "List the most recent cases (escalated first) instead.")
    var list = false

    @Flag(name: .long, help: "Print the case as JSON instead of the Markdown report.")
    var json = false

    func validate() throws {
        guard list || alertID != nil else { throw ValidationError("name an alert id, or use --list") }
    }

    /// The report was written when the case was; the proposals' requests may have been decided since. Their
    /// state now, from the approvals database (nil when no proposal has a request, or the database is absent).
    static func approvalsNow(_ record: Case, _ configuration: VigilConfiguration) -> String? {
        let ids = (record.verdict?.actions ?? []).compactMap(\.approvalID)
        guard !ids.isEmpty, let book = try? GuardSetup.existingApprovals(configuration) else { return nil }
        var out = "\n## Approvals now\n\n"
        for id in ids {
            guard let approval = try? book.approval(id) else {
                out += "- \(id): not in \(configuration.guardrails.approvals)\n"
                continue
            }
            var line = "- \(id) (\(approval.tool)): **\(approval.status.rawValue)**"
            if let by = approval.decidedBy, let at = approval.decidedAt { line += " by \(by) at \(at)" }
            if let note = approval.note { line += " — \(note)" }
            if approval.status == .pending { line += ", expires \(approval.expiresAt)" }
            out += line + "\n"
        }
        return out
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let path = cases ?? configuration.agents.cases
        guard FileManager.default.fileExists(atPath: path) else {
            throw .noInput("\(path): no case store here (run `vigil triage` first, or name one with --cases)")
        }
        try InputFile.requireReadable(path, "case store")
        let store: CaseStore
        do {
            store = try CaseStore(path: path)
        } catch {
            throw .noInput(error.description)
        }
        do {
            if list {
                for disposition in [Verdict.Disposition.escalated, .investigating, .closed] {
                    for id in try store.alertIDs(disposition: disposition, limit: 50) {
                        guard let record = try store.record(alertID: id), let verdict = record.verdict else { continue }
                        if json {
                            let line: JSONValue = [
                                "alert_id": .string(id), "classification": .string(verdict.classification.rawValue),
                                "disposition": .string(verdict.disposition.rawValue),
                                "status": .string(record.status.rawValue), "summary": .string(verdict.summary),
                            ]
                            print(line.serialized())
                            continue
                        }
                        print(
                            "\(TerminalText.inert("\(id)"))\t\(verdict.classification.rawValue)\t\(verdict.disposition.rawValue)\t\(record.status.rawValue)\t\(TerminalText.inert(String(verdict.summary.prefix(100))))"
                        )
                    }
                }
                return
            }
            guard let alertID, let record = try store.record(alertID: alertID) else {
                throw CLIError.noInput(
                    "\(path): no case for alert '\(alertID ?? "")' (`vigil report --list` shows the cases)")
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: (try? encoder.encode(record)) ?? Data(), as: UTF8.self))
            } else {
                // The report quotes the alert (title, fields): escape sequences in it are shown, not obeyed.
                print(
                    TerminalText.inert(record.report ?? "No report for this case.", keepingLineBreaks: true),
                    terminator: record.report?.hasSuffix("\n") == true ? "" : "\n")
                if let now = Self.approvalsNow(record, configuration) {
                    print(TerminalText.inert(now, keepingLineBreaks: true), terminator: "")
                }
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw .noInput("\(error)")
        }
    }
}
