import Foundation
import Testing
import VigilCore
import VigilLab

@testable import VigilAgents

@Suite("Playbooks")
struct PlaybookTests {
    let good = """
        id: iam
        title: IAM privilege change
        matches: [AWS.IAM.PrivilegeChange]
        attack: [T1098.003]
        steps:
          - id: principal
            tool: cloud.get_principal
            arguments: {principal: "{{entity.cloud_principal}}"}
          - id: ticket
            tool: ticketing.get_ticket
            arguments: {key: "{{steps.principal.principal.ticket}}"}
        facts:
          - id: automation
            claim: "Run by {{value}}"
            step: principal
            path: principal.automation
            test: {contains: terraform}
          - id: keys
            claim: "{{value}} keys"
            step: principal
            path: "principal.access_keys[*]"
            test: {count_at_least: 2}
        benign:
          - [automation]
        escalate: [keys]
        """

    @Test func aGoodPlaybookLoads() throws {
        let playbook = try Playbook.parse(yaml: good, source: "iam.yaml")
        #expect(playbook.id == "iam" && playbook.steps.count == 2 && playbook.facts.count == 2)
        #expect(playbook.steps[0].server == "cloud" && playbook.steps[0].tool == "get_principal")
        #expect(playbook.benign == [["automation"]] && playbook.escalate == ["keys"])
        #expect(playbook.facts[1].test == .countAtLeast(2))
    }

    /// Each mistake is refused with the file, the key path and the line.
    @Test(arguments: [
        ("title: IAM privilege change", "title: IAM\nnotes: x", "notes (line 3): unknown key"),
        (
            "tool: cloud.get_principal", "tool: get_principal",
            "steps[0].tool (line 7): 'get_principal' is not SERVER.TOOL"
        ),
        (
            "step: principal\n    path: principal.automation", "step: nowhere\n    path: principal.automation",
            "facts[0].step: no step 'nowhere'"
        ),
        ("escalate: [keys]", "escalate: [typo]", "escalate[0] (line 25): no fact 'typo'"),
        ("  - [automation]", "  - [automaton]", "benign[0] (line 24): no fact 'automaton'"),
        ("{{entity.cloud_principal}}", "{{secrets.key}}", "must start with one of"),
        ("path: principal.automation", "path: principal.[x", "is not a path"),
        ("attack: [T1098.003]", "attack: [T9999]", "T9999 is not an ATT&CK technique"),
        ("test: {contains: terraform}", "test: {resembles: terraform}", "unknown test"),
        ("{{steps.principal.principal.ticket}}", "{{steps.ticket.key}}", "must name an earlier step"),
    ])
    func mistakesAreRefusedWithTheirPlace(original: String, replacement: String, expected: String) {
        let text = good.replacingOccurrences(of: original, with: replacement)
        #expect(text != good, "the test's replacement did not apply")
        do {
            _ = try Playbook.parse(yaml: text, source: "iam.yaml")
            Issue.record("accepted a playbook with '\(replacement)'")
        } catch {
            #expect(error.description.hasPrefix("iam.yaml: "), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func theLibraryPicksExactThenPatternThenGeneric() throws {
        func playbook(_ id: String, _ matches: String) throws -> Playbook {
            try Playbook.parse(
                yaml: "id: \(id)\ntitle: \(id)\nmatches: [\"\(matches)\"]\nsteps: []\nfacts: []\n", source: id)
        }
        let library = try PlaybookLibrary(playbooks: [
            try playbook("okta-any", "Okta.*"), try playbook("okta-mfa", "Okta.MFA.PushDenials"),
            try playbook("generic", "*"),
        ])
        func alert(_ rule: String) -> Alert {
            Alert(
                id: "a", source: "t", ruleID: rule, title: "t", severity: .low,
                createdAt: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!)
        }
        #expect(library.playbook(for: alert("Okta.MFA.PushDenials")).id == "okta-mfa")
        #expect(library.playbook(for: alert("Okta.Login.NewCountry")).id == "okta-any")
        #expect(library.playbook(for: alert("AWS.Anything")).id == "generic")
        #expect(throws: PlaybookError.self) { try PlaybookLibrary(playbooks: [try playbook("okta-any", "Okta.*")]) }
    }

    /// The playbooks shipped in the repository all load, and every lab rule has its own.
    @Test func theShippedPlaybooksLoad() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../playbooks").standardized.path
        let library = try PlaybookLibrary.load(directory: directory)
        #expect(library.generic.id == "generic")
        #expect(library.generic.benign.isEmpty, "the generic playbook must never close an alert on its own")
        #expect(library.playbooks.count >= 15)
        for rule in LabRule.all {
            #expect(
                library.playbooks.contains { $0.matches.contains { $0.description == rule.id } },
                "no playbook for the lab rule \(rule.id)")
        }
        // Every playbook's benign sets rest on at least one tool result, not on the alert alone.
        for playbook in library.playbooks {
            for set in playbook.benign {
                let steps = set.compactMap { id in playbook.facts.first { $0.id == id }?.step }
                #expect(steps.contains { $0 != "alert" }, "\(playbook.id): \(set) rests on the alert alone")
            }
        }
    }

    @Test func pathsFanOutOverArrays() throws {
        let value: JSONValue = ["tickets": [["key": "CHG-1", "type": "Change"], ["key": "IT-2", "type": "Task"]]]
        #expect(try ValuePath("tickets[*].key").values(in: value) == ["CHG-1", "IT-2"])
        #expect(try ValuePath("tickets[1].type").values(in: value) == ["Task"])
        #expect(try ValuePath("tickets[5].type").values(in: value).isEmpty)
        #expect(try ValuePath("missing.key").values(in: value).isEmpty)
        #expect(FactTest.oneOf(["Task", "Incident"]).holds(for: try ValuePath("tickets[*].type").values(in: value)))
        #expect(!FactTest.equals("Incident").holds(for: try ValuePath("tickets[*].type").values(in: value)))
    }
}

/// Alerts from `vigil detect` carry the rule pack's ids: every id a playbook names is a rule of the
/// pack, and each such alert gets its family's playbook, not the generic one.
@Suite("Playbooks for the rule pack")
struct RulePackPlaybookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    @Test func packRuleIdsNamedByPlaybooksExistAndChooseTheirFamily() throws {
        let rules = Self.root.appendingPathComponent("Rules/vigil")
        var packIDs: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: rules.path) where name.hasSuffix(".yml") {
            let text = try String(contentsOf: rules.appendingPathComponent(name), encoding: .utf8)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("id: ") }) {
                packIDs.insert(String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces))
            }
        }
        #expect(packIDs.count == 25)
        let library = try PlaybookLibrary.load(directory: Self.root.appendingPathComponent("playbooks").path)
        var mapped = 0
        for playbook in library.playbooks where !playbook.isGeneric {
            for pattern in playbook.matches where pattern.description.count == 36 && pattern.description.contains("-") {
                #expect(packIDs.contains(pattern.description), "\(playbook.id) names \(pattern) which is no rule of the pack")
                let alert = Alert(
                    id: "a", source: "vigil-detect", ruleID: pattern.description, title: "t", severity: .high,
                    createdAt: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!)
                #expect(library.playbook(for: alert).id == playbook.id)
                mapped += 1
            }
        }
        #expect(mapped >= 15)
    }
}
