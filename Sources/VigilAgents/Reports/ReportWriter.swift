import Foundation
import VigilCore
import VigilGuard

/// Writes a case's report in Markdown: the verdict, the narrative, the timeline, ATT&CK techniques by
/// name, the evidence with its tool-call ids, containment proposals and their approvals, the handoff
/// to a person if there was one, and every tool call made. Deterministic: the same case, the same text.
public enum ReportWriter {
    public static func report(
        alert: Alert, record: Case, calls: [ToolCallRecord], playbook: Playbook, narrative: String?,
        handoff: Watchdog.Handoff?, catalog: AttackCatalog = .enterprise
    ) -> String {
        guard let verdict = record.verdict else { return "# \(alert.title)\n\nNo verdict yet.\n" }
        let incident = verdict.classification == .truePositive
        var out = "# \(incident ? "Incident report" : "Case report"): \(cell(alert.title))\n\n"
        out += "| | |\n|---|---|\n"
        out +=
            "| Alert | `\(cell(alert.id))` (\(cell(alert.ruleID)), \(alert.severity.rawValue), \(alert.createdAt)) |\n"
        out +=
            "| Verdict | **\(verdict.classification.rawValue)**, \(verdict.disposition.rawValue), confidence \(percent(verdict.confidence)) |\n"
        out += "| Case status | \(record.status.rawValue) |\n"
        out += "| Tier reached | \(verdict.tier) |\n"
        out += "| Playbook | \(cell(playbook.title)) (`\(playbook.id)`) |\n"
        if !record.entities.isEmpty {
            out +=
                "| Entities | " + record.entities.map { "\($0.kind.rawValue) `\(cell($0.id))`" }.joined(separator: ", ")
                + " |\n"
        }
        out += "| Tool calls | \(verdict.toolCalls) |\n"
        if verdict.usage.turns > 0 {
            out +=
                "| Model | \(verdict.usage.turns) turns, \(verdict.usage.inputTokens) input and \(verdict.usage.outputTokens) output tokens |\n"
        }
        out += "\n## Summary\n\n\(verdict.summary)\n"
        if record.quarantined {
            out +=
                "\n> **Quarantined content.** A tool result or the alert held text aimed at an AI agent, or was not read in full by the intent model the Guard is configured with. It was quarantined, and this case cannot be closed automatically.\n"
        }
        if let handoff {
            out +=
                "\n## Handed to a person\n\n\(handoff.reason.description.prefix(1).uppercased() + handoff.reason.description.dropFirst()) (\(handoff.reason.code), tier \(handoff.tier)). "
            out += "Follow the runbook **\(handoff.runbook.title)**"
            out += handoff.runbook.path.map { " (`\($0)`)." } ?? "."
            out += "\n"
        }
        if let narrative, !narrative.isEmpty { out += "\n## Narrative\n\n\(narrative)\n" }
        if !record.timeline.isEmpty {
            out += "\n## Timeline\n\n| time (UTC) | what happened | ATT&CK | evidence |\n|---|---|---|---|\n"
            for entry in record.timeline {
                out +=
                    "| \(entry.time) | \(cell(entry.summary)) | \(entry.technique ?? "") | \(entry.toolCallIDs.map { "`\($0)`" }.joined(separator: " ")) |\n"
            }
        }
        if !verdict.attack.isEmpty {
            out += "\n## ATT&CK techniques\n\n"
            for id in verdict.attack {
                if let technique = catalog.technique(id: id) {
                    let tactics = technique.tactics.compactMap { catalog.tactic($0)?.name }.joined(separator: ", ")
                    out +=
                        "- **\(technique.id)** \(catalog.fullName(of: technique))\(tactics.isEmpty ? "" : " — \(tactics)")\n"
                } else {
                    out += "- **\(id)**\n"
                }
            }
        }
        if !verdict.evidence.isEmpty {
            out += "\n## Evidence\n\n"
            for item in verdict.evidence {
                out +=
                    "- \(item.claim)"
                    + (item.toolCallIDs.isEmpty
                        ? "" : " — " + item.toolCallIDs.map { "`\($0)`" }.joined(separator: ", ")) + "\n"
            }
        }
        if !verdict.actions.isEmpty {
            out +=
                "\n## Containment proposals\n\nNothing here has been executed: each step waits for a person to approve it (`vigil guard approve`).\n\n"
            for action in verdict.actions {
                out +=
                    "- `\(action.server).\(action.tool)` \(JSONValue.object(action.arguments).serialized()) — \(action.rationale) "
                out += "(**\(action.status.rawValue)**\(action.approvalID.map { ", \($0)" } ?? ""))\n"
            }
        }
        if !calls.isEmpty {
            out += "\n## Tool calls\n\n| call | tool | status |\n|---|---|---|\n"
            for call in calls { out += "| `\(call.callID ?? "—")` | \(call.tool) | \(call.status) |\n" }
        }
        return out
    }

    private static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }

    /// Text safe inside a table cell.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
