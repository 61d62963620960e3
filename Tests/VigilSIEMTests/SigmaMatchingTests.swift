import Foundation
import Testing
import VigilCore

@testable import VigilSIEM

@Suite("Sigma matching")
struct SigmaMatchingTests {
    func rule(_ detection: String, product: String = "aws", service: String = "cloudtrail") throws -> SigmaRule {
        try SigmaRuleParser.parse(
            """
            title: Test
            author: Tester
            logsource:
              product: \(product)
              service: \(service)
            detection:
            \(detection.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            """)
    }

    let event: JSONValue = [
        "eventName": "CreateAccessKey", "eventSource": "iam.amazonaws.com", "sourceIPAddress": "10.1.2.3",
        "userAgent": "aws-cli/2.13.5 Python/3.11.4 Linux/6.3.0-kali1-amd64",
        "requestParameters": ["userName": "Backdoor", "count": 12, "flag": true],
        "tags": ["a", "Prod"], "nothing": nil,
        "commandLine": "powershell.exe /enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
    ]

    @Test(arguments: [
        ("sel:\n  eventName: createaccesskey\ncondition: sel", true),
        ("sel:\n  eventName|cased: createaccesskey\ncondition: sel", false),
        ("sel:\n  eventName: Create*Key\ncondition: sel", true),
        ("sel:\n  eventName: Create?ccessKey\ncondition: sel", true),
        ("sel:\n  eventName: CreateAccess\ncondition: sel", false),
        ("sel:\n  userAgent|contains: KALI\ncondition: sel", true),
        ("sel:\n  userAgent|startswith: aws-cli/\ncondition: sel", true),
        ("sel:\n  userAgent|endswith: amd64\ncondition: sel", true),
        ("sel:\n  userAgent|contains|all:\n    - kali\n    - python\ncondition: sel", true),
        ("sel:\n  userAgent|contains|all:\n    - kali\n    - windows\ncondition: sel", false),
        ("sel:\n  userAgent|re: 'kali\\d-amd64$'\ncondition: sel", true),
        ("sel:\n  userAgent|re: 'KALI'\ncondition: sel", false),
        ("sel:\n  userAgent|re|i: 'KALI'\ncondition: sel", true),
        ("sel:\n  sourceIPAddress|cidr: 10.0.0.0/8\ncondition: sel", true),
        ("sel:\n  sourceIPAddress|cidr: 192.168.0.0/16\ncondition: sel", false),
        ("sel:\n  requestParameters.count|gt: 10\ncondition: sel", true),
        ("sel:\n  requestParameters.count|lte: 11\ncondition: sel", false),
        ("sel:\n  requestParameters.flag: 'true'\ncondition: sel", true),
        ("sel:\n  requestParameters.missing|exists: false\ncondition: sel", true),
        ("sel:\n  requestParameters.userName|exists: true\ncondition: sel", true),
        ("sel:\n  nothing: null\ncondition: sel", true),
        ("sel:\n  absent: null\ncondition: sel", true),
        ("sel:\n  eventName: null\ncondition: sel", false),
        ("sel:\n  tags: prod\ncondition: sel", true),
        ("sel:\n  eventName:\n    - DeleteUser\n    - CreateAccessKey\ncondition: sel", true),
        ("sel:\n  - eventName: DeleteUser\n  - eventSource: iam.amazonaws.com\ncondition: sel", true),
        ("sel:\n  eventName: CreateAccessKey\n  eventSource: s3.amazonaws.com\ncondition: sel", false),
        ("keywords:\n  - backdoor\ncondition: keywords", true),
        ("keywords:\n  - frontdoor\ncondition: keywords", false),
        ("sel:\n  commandLine|base64offset|contains: 'IEX (New-Object'\ncondition: sel", false),
        ("sel:\n  commandLine|wide|base64offset|contains: 'IEX (New-Object'\ncondition: sel", true),
        ("sel:\n  commandLine|windash|contains: ' -enc '\ncondition: sel", true),
        ("sel:\n  commandLine|contains: ' -enc '\ncondition: sel", false),
        (
            "sel:\n  eventName: CreateAccessKey\nfilter:\n  requestParameters.userName: Backdoor\ncondition: sel and not filter",
            false
        ),
        (
            "sel:\n  eventName: CreateAccessKey\nfilter_a:\n  eventSource: x\nfilter_b:\n  eventSource: y\ncondition: sel and not 1 of filter_*",
            true
        ),
        ("sel_a:\n  eventName: CreateAccessKey\nsel_b:\n  eventSource: x\ncondition: all of sel_*", false),
        ("sel_a:\n  eventName: CreateAccessKey\nsel_b:\n  eventSource: x\ncondition: 1 of them", true),
        (
            "a:\n  eventName: X\nb:\n  eventSource: iam.amazonaws.com\nc:\n  eventName: CreateAccessKey\ncondition: a or b and c",
            true
        ),
        (
            "a:\n  eventName: X\nb:\n  eventSource: iam.amazonaws.com\nc:\n  eventName: CreateAccessKey\ncondition: (a or b) and not c",
            false
        ),
        ("sel:\n  requestParameters.userName|fieldref: requestParameters.userName\ncondition: sel", true),
        ("sel:\n  eventName: 'Create\\*'\ncondition: sel", false),
    ])
    func matches(detection: String, expected: Bool) throws {
        let compiled = try rule(detection)
        #expect(compiled.matches(event) == expected, "\(detection)")
    }

    @Test(arguments: [
        ("sel:\n  eventName|expand: '%x%'\ncondition: sel", "unsupported", "expand"),
        ("sel:\n  eventName|sounds_like: x\ncondition: sel", "unsupported", "sounds_like"),
        ("sel:\n  eventName: x\ncondition: sel | count() > 5", "unsupported", "aggregation"),
        ("sel:\n  eventName: x\ntimeframe: 5m\ncondition: sel", "unsupported", "timeframe"),
        ("sel:\n  eventName: x\ncondition: sel and other", "invalid", "'other'"),
        ("sel:\n  eventName: x\ncondition: (sel", "invalid", "missing ')'"),
        ("sel:\n  eventName: x\ncondition: 1 of nothing_*", "invalid", "matches no search identifier"),
        ("sel:\n  eventName: x", "invalid", "condition"),
        ("sel:\n  eventName|re: '('\ncondition: sel", "invalid", "does not compile"),
        ("sel:\n  sourceIPAddress|cidr: 10.0.0.0/40\ncondition: sel", "invalid", "prefix length"),
        ("sel:\n  eventName|contains|startswith: x\ncondition: sel", "invalid", "cannot be combined"),
        ("sel:\n  eventName|wide: x\ncondition: sel", "invalid", "base64"),
    ])
    func reportsWhatItCannotDo(detection: String, kind: String, message: String) throws {
        #expect {
            _ = try rule(detection)
        } throws: { error in
            guard let error = error as? SigmaError else { return false }
            return error.kind.rawValue == kind && error.message.contains(message)
        }
    }

    @Test func keywordAllModifierNeedsEveryWord() throws {
        let rule = try rule("keywords:\n  '|all':\n    - foo\n    - bar\ncondition: keywords")
        #expect(rule.matches(["userAgent": "xfoox ybary"]))
        #expect(!rule.matches(["userAgent": "foo"]))
        #expect(rule.matches(["a": "foo", "b": ["c": "BAR"]]))
    }

    @Test func trailingBackslashesStayLiteral() throws {
        let contains = try rule("sel:\n  ImageFileName|contains: '\\Downloads\\'\ncondition: sel")
        let starts = try rule("sel:\n  ImageFileName|startswith: 'C:\\Users\\'\ncondition: sel")
        let event: JSONValue = ["ImageFileName": "C:\\Users\\bob\\Downloads\\x.exe"]
        #expect(contains.matches(event) && starts.matches(event))
    }

    @Test func pathsReachIntoArraysOfObjects() throws {
        let okta = try rule(
            "sel:\n  target.displayName: Okta Admin Console\ncondition: sel", product: "okta", service: "okta")
        #expect(okta.matches(["target": [["displayName": "Ana"], ["displayName": "Okta Admin Console"]]]))
        #expect(!okta.matches(["target": [["displayName": "Ana"]]]))
    }

    @Test func windashSwapsDashesAndSlashesBothWays() throws {
        let rule = try rule("sel:\n  CommandLine|windash|contains: ' /c '\ncondition: sel")
        #expect(rule.matches(["CommandLine": "cmd -c whoami"]))
        #expect(rule.matches(["CommandLine": "cmd /c whoami"]))
        #expect(rule.matches(["CommandLine": "cmd \u{2013}c whoami"]))
        #expect(!rule.matches(["CommandLine": "cmd c whoami"]))
        #expect(SigmaFieldMatcher.windashVariants("-a -b /c").count == 125)
        #expect(SigmaFieldMatcher.windashVariants("a-b").count == 1, "a dash inside a word is not a flag")
    }

    @Test func caseInsensitiveRegexFoldsBeyondASCII() throws {
        let rule = try rule("sel:\n  CommandLine|re|i: 'ÉCOLE'\ncondition: sel")
        #expect(rule.matches(["CommandLine": "école"]))
    }

    @Test func fdrFieldsResolveInPanthersNestedCopies() throws {
        let rule = try rule(
            "sel:\n  ImageFileName|endswith: '\\powershell.exe'\ncondition: sel", product: "crowdstrike", service: "fdr"
        )
        #expect(
            rule.matches([
                "event_simpleName": "ProcessRollup2", "event": ["ImageFileName": "\\Device\\x\\powershell.exe"],
            ]))
        #expect(rule.matches(["ImageFileName": "\\Device\\x\\powershell.exe"]))
    }

    @Test(arguments: [
        "sel:\n  eventName|re|base64: x\ncondition: sel",
        "sel:\n  sourceIPAddress|cidr|windash: 10.0.0.0/8\ncondition: sel",
        "sel:\n  eventName|exists|contains: true\ncondition: sel",
        "sel:\n  eventName|base64offset|wide|contains: x\ncondition: sel",
        "sel: {}\ncondition: sel",
        "sel:\n  eventName|gt|cased: 3\ncondition: sel",
    ])
    func rejectsModifiersThatWouldBeHalfApplied(detection: String) {
        #expect(throws: SigmaError.self) { _ = try rule(detection) }
    }

    @Test func unsupportedLogSourcesAreReported() {
        #expect(
            throws: SigmaError.unsupported(
                "log source 'windows/process_creation' (Vigil reads aws/cloudtrail, okta and crowdstrike/fdr)")
        ) {
            _ = try SigmaRuleParser.parse(
                "title: T\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  s:\n    a: b\n  condition: s"
            )
        }
    }

    @Test func readsAttackTagsAndMetadata() throws {
        let rule = try SigmaRuleParser.parse(
            """
            title: Key for another user
            id: 1234
            author: Someone
            level: high
            tags:
              - attack.persistence
              - attack.t1098.001
              - attack.privilege-escalation
            logsource: {product: aws, service: cloudtrail}
            detection:
              sel: {eventName: CreateAccessKey}
              condition: sel
            """)
        #expect(rule.level == .high && rule.author == "Someone" && rule.id == "1234")
        #expect(rule.attack == [AttackReference(tactic: "TA0003", technique: "T1098.001")])
        #expect(rule.logType == .cloudTrail)
    }

    @Test(
        arguments: [
            (".+:assumed-role/aws:.+", false, ":assumed-role/aws:"),
            ("foo\\.bar\\d+", false, "foo.bar"),
            ("abcd?e", false, "abc"),
            ("x(abcdef)y", false, nil),
            ("(^0oa.*|[a-z]+@example\\.com)", false, nil),
            ("^abc|def$", false, nil),
            ("(?i)secret", false, nil),
            ("Admin[0-9]{2}Role", true, "admin"),
            ("Secret[0-9]{2}Key", true, nil),
        ] as [(String, Bool, String?)])
    func regexLiteralsAreOnlyWhatEveryMatchContains(pattern: String, caseInsensitive: Bool, literal: String?) {
        let found = SigmaRegexLiteral(pattern: pattern, caseInsensitive: caseInsensitive)
        #expect(found.map { String(decoding: $0.bytes, as: UTF8.self) } == literal)
    }

    @Test func wildcardsHandleEscapesAndUnicode() {
        #expect(SigmaWildcard("a\\*b", caseSensitive: true).matches(Array("a*b".utf8)))
        #expect(!SigmaWildcard("a\\*b", caseSensitive: true).matches(Array("axb".utf8)))
        #expect(SigmaWildcard("é?", caseSensitive: true).matches(Array("éà".utf8)))
        #expect(SigmaWildcard("*a*a*", caseSensitive: true).matches(Array("banana".utf8)))
        #expect(!SigmaWildcard("*a*c*", caseSensitive: true).matches(Array("banana".utf8)))
        #expect(SigmaWildcard("C:\\\\Windows\\*", caseSensitive: true).matches(Array("C:\\Windows*".utf8)))
    }
}
