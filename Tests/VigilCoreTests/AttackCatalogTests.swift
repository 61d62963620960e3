import Foundation
import Testing
import VigilCore
import VigilTesting

@Suite("MITRE ATT&CK catalog")
struct AttackCatalogTests {
    let catalog = AttackCatalog.enterprise

    @Test func holdsTheWholeEnterpriseMatrix() {
        #expect(catalog.version == "18.1")
        #expect(catalog.tactics.count == 14)
        #expect(catalog.techniques.count == 691)
        #expect(catalog.techniques.filter(\.isSubtechnique).count == 475)
        #expect(catalog.tactics.first?.id == "TA0043" && catalog.tactics.last?.id == "TA0040")
    }

    @Test func matchesTheSourceData() throws {
        let url = Fixtures.sharedData("attack/enterprise-techniques.json")
        let source = try JSONParser.parse(Array(try Data(contentsOf: url)))
        let entries = try #require(source.arrayValue)
        #expect(entries.count == catalog.techniques.count)
        for entry in entries {
            let id = try #require(entry["id"]?.stringValue)
            let technique = try #require(catalog.technique(id: id), "\(id) missing")
            #expect(technique.name == entry["name"]?.stringValue)
            #expect(technique.tactics == entry["tactics"]?.arrayValue?.compactMap(\.stringValue))
            #expect(technique.parent == entry["parent"]?.stringValue)
            #expect(technique.url == entry["url"]?.stringValue)
        }
    }

    @Test func looksUpByIDAndName() throws {
        let cloudAccounts = try #require(catalog.technique(id: "t1078.004"))
        #expect(cloudAccounts.name == "Cloud Accounts" && cloudAccounts.parent == "T1078")
        #expect(catalog.fullName(of: cloudAccounts) == "Valid Accounts: Cloud Accounts")
        #expect(catalog.techniques(named: "Cloud Accounts").count > 1)
        #expect(catalog.techniques(named: "valid accounts: cloud accounts").map(\.id) == ["T1078.004"])
        #expect(catalog.techniques(named: "Password Spraying").map(\.id) == ["T1110.003"])
        #expect(catalog.techniques(named: "No Such Technique").isEmpty)
        #expect(catalog.tactic("TA0003")?.name == "Persistence")
        #expect(catalog.tactic("credential-access")?.id == "TA0006")
        #expect(catalog.tactic("Defense Evasion")?.id == "TA0005")
        #expect(catalog.techniques(inTactic: "TA0010").contains { $0.id == "T1537" })
        #expect(catalog.subtechniques(of: "T1098").map(\.id).contains("T1098.001"))
    }

    @Test func checksAlertMappings() {
        #expect(catalog.problem(with: AttackReference("TA0003:T1098")!) == nil)
        #expect(catalog.problem(with: AttackReference("T1108")!)?.contains("not an active") == true)
        #expect(catalog.problem(with: AttackReference("TA0007:T1078")!)?.contains("not a technique of TA0007") == true)
        #expect(catalog.problem(with: AttackReference("TA0099:T1078")!)?.contains("not an ATT&CK tactic") == true)
    }
}
