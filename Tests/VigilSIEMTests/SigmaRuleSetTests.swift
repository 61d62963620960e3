import Foundation
import Testing
import VigilCore
import VigilTesting

@testable import VigilSIEM

@Suite("SigmaHQ rules")
struct SigmaRuleSetTests {
    @Test func everyRuleLoadsOrIsReportedWithAReason() throws {
        let set = try SigmaRuleSet.load(directory: Fixtures.sharedData("sigma/rules"))
        #expect(set.problems.isEmpty, "\(set.problems)")
        #expect(set.rules.filter { $0.logType == .cloudTrail }.count == 57)
        #expect(set.rules.filter { $0.logType == .oktaSystemLog }.count == 21)
        #expect(set.rules.allSatisfy { $0.author != nil }, "the DRL requires the author on every rule")
        #expect(set.rules.contains { !$0.attack.isEmpty })
    }

    @Test func aBadRuleIsReportedByFileAndTitleAndTheRestStillLoad() throws {
        let dir = try CommandRunner.temporaryDirectory()
        let good =
            "title: Good\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: X}\n  condition: s\n"
        let bad =
            "title: Counts\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: X}\n  condition: s | count() > 3\n"
        try good.write(to: dir.appendingPathComponent("a.yml"), atomically: true, encoding: .utf8)
        try bad.write(to: dir.appendingPathComponent("b.yml"), atomically: true, encoding: .utf8)
        let set = try SigmaRuleSet.load(directory: dir)
        #expect(set.rules.map(\.title) == ["Good"])
        #expect(set.problems.count == 1)
        #expect(set.problems.first?.title == "Counts" && set.problems.first?.file.hasSuffix("b.yml") == true)
        #expect(set.problems.first?.description.contains("unsupported: aggregation") == true)
    }

    @Test func consoleLoginWithoutMFAFiresOnTheRealShape() throws {
        let set = try SigmaRuleSet.load(directory: Fixtures.sharedData("sigma/rules/cloud/aws/cloudtrail"))
        let rule = try #require(set.rules.first { $0.title.contains("Console Login") && $0.title.contains("MFA") })
        let login: JSONValue = [
            "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
            "userIdentity": ["type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/ana"],
            "responseElements": ["ConsoleLogin": "Success"],
            "additionalEventData": ["MFAUsed": "No", "MobileVersion": "No"],
        ]
        #expect(rule.matches(login))
        var withMFA = login.objectValue!
        withMFA["additionalEventData"] = ["MFAUsed": "Yes", "MobileVersion": "No"]
        #expect(!rule.matches(.object(withMFA)))
    }

    @Test func oktaRulesMatchOktasCamelCaseFields() throws {
        let set = try SigmaRuleSet.load(directory: Fixtures.sharedData("sigma/rules/identity/okta"))
        let proxy = try #require(set.rules.first { $0.title == "Okta Admin Functions Access Through Proxy" })
        let event: JSONValue = [
            "eventType": "user.session.access_admin_app",
            "debugContext": ["debugData": ["requestUri": "/admin/users"]],
            "securityContext": ["isProxy": true],
        ]
        #expect(proxy.matches(event))
        #expect(
            !proxy.matches([
                "debugContext": ["debugData": ["requestUri": "/app/home"]], "securityContext": ["isProxy": true],
            ]))
    }
}
