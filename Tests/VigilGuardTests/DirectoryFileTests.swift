import Foundation
import Testing
import VigilCore

@testable import VigilGuard

@Suite("Directory file")
struct DirectoryFileTests {
    static let text = """
        groups:
          executives: [ceo@corp.example, CFO@corp.example]
          break-glass: [root.admin@corp.example]
        accounts:
          "264705010919": [security-prod, svc-siem-ingest]
          "111122223333": []
        """

    @Test func groupsAndAccountsAreReadAsExported() throws {
        let directory = try StaticGroupDirectory.parse(yaml: Self.text)
        #expect(directory.groups(of: "ceo@corp.example") == ["executives"])
        #expect(directory.groups(of: "cfo@corp.example") == ["executives"])
        #expect(directory.groups(of: "nobody@corp.example") == nil)
        #expect(directory.allGroups == ["executives", "break-glass"])
        #expect(directory.accounts(of: "svc-siem-ingest") == ["264705010919"])
        #expect(directory.accounts(of: "111122223333") == ["111122223333"])
        #expect(directory.allAccountIDs == ["264705010919", "111122223333"])
    }

    /// The standard policy's conditions, decided on the file's people and accounts.
    @Test func thePolicyAsksTheFile() throws {
        let directory = try StaticGroupDirectory.parse(yaml: Self.text)
        let engine = PolicyEngine(policy: .standard, directory: directory)
        let ledger = TaintLedger()
        ledger.observe(
            .object(["login": "ceo@corp.example", "other": "someone@corp.example", "principal": "svc-siem-ingest"]),
            source: "identity.get_user", trusted: true)
        func decide(_ profile: ToolProfile, _ arguments: JSONObject) -> PolicyDecision {
            engine.evaluate(PolicyEngine.Request(tier: "tier3", profile: profile, arguments: arguments), taint: ledger)
        }
        let executive = decide(Tools.revoke, ["login": "ceo@corp.example"])
        #expect(executive.decision == .approve && executive.rule == "executives-need-approval", "\(executive)")
        let inSecurity = decide(Tools.denyAll, ["principal": "svc-siem-ingest"])
        #expect(inSecurity.decision == .deny && inSecurity.rule == "never-act-in-security-account", "\(inSecurity)")
    }

    @Test(arguments: [
        ("groups: {executives: []}", "groups.executives (line 1): a group with no login says nothing"),
        ("accounts: {\"26470501091\": [x]}", "accounts.26470501091 (line 1): '26470501091' is not an AWS account id"),
        ("accounts: {abcdefghijkl: [x]}", "is not an AWS account id"),
        ("grups: {executives: [a]}", "grups (line 1): unknown key"),
        ("groups: {executives: [\"\"]}", "groups.executives (line 1): must not be empty"),
        ("groups: [executives]", "groups (line 1): expected a mapping of keys"),
        ("groups: {executives: ceo@corp.example}", "groups.executives (line 1): expected a list"),
        ("", "the directory is empty"),
        ("groups: {a: [b]\n", "not valid YAML"),
    ])
    func aBadFileIsRefusedNamingWhere(text: String, message: String) {
        #expect {
            _ = try StaticGroupDirectory.parse(yaml: text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
