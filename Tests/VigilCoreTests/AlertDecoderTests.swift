import Testing
import VigilCore
import VigilTesting

@Suite("Alert intake decoding")
struct AlertDecoderTests {
    static let good =
        #"{"id":"a1","source":"siem","rule_id":"R1","title":"T","severity":"high","created_at":"2026-11-02T09:14:07Z","log_type":"AWS.CloudTrail","mitre":["TA0003:T1098"],"events":[{"eventName":"CreateUser","eventSource":"iam.amazonaws.com"}],"context":{"k":"v"}}"#

    func record(replacing key: String, with value: String?) throws -> String {
        var object = try #require(try JSONParser.parse(Self.good).objectValue)
        object[key] = try value.map { try JSONParser.parse($0) }
        return JSONValue.object(object).serialized()
    }

    @Test func decodesTheGenericFormat() throws {
        let result = AlertDecoder().decode(Self.good)
        #expect(result.errors.isEmpty && result.warnings.isEmpty)
        let alert = try #require(result.alerts.first?.alert)
        #expect(alert.id == "a1" && alert.source == "siem" && alert.ruleID == "R1" && alert.severity == .high)
        #expect(alert.createdAt == Timestamp(rfc3339: "2026-11-02T09:14:07Z"))
        #expect(alert.mitre == [AttackReference(tactic: "TA0003", technique: "T1098")])
        #expect(alert.events.first?.logType == .cloudTrail)
        #expect(alert.context["k"] == "v")
        #expect(result.alerts.first?.format == .generic && result.alerts.first?.position == .document)
    }

    @Test(
        arguments: [
            ("id", nil, "id", "is required"),
            ("title", "\"  \"", "title", "must not be empty"),
            ("severity", "\"urgent\"", "severity", "'urgent' is not a severity"),
            ("severity", "3", "severity", "found a number"),
            ("created_at", "\"02/11/2026\"", "created_at", "not an RFC 3339 timestamp"),
            ("created_at", nil, "created_at", "is required"),
            ("mitre", "[\"T1098\", \"Persistence\"]", "mitre[1]", "not an ATT&CK reference"),
            ("mitre", "\"TA0003:T1098\"", "mitre", "expected an array"),
            ("events", "[{}, 3]", "events[1]", "expected an object"),
            ("context", "[]", "context", "expected an object"),
            ("rule_id", "{}", "rule_id", "expected a string"),
        ] as [(String, String?, String, String)])
    func namesTheOffendingField(key: String, value: String?, field: String, message: String) throws {
        let result = AlertDecoder().decode(try record(replacing: key, with: value))
        #expect(result.alerts.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.field == field)
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func badLinesDoNotStopGoodOnes() throws {
        let bad = try record(replacing: "severity", with: "\"urgent\"")
        let second = try record(replacing: "id", with: "\"a2\"")
        let input = [Self.good, bad, "{not json", "", second, "[1]"].joined(separator: "\n")
        let result = AlertDecoder().decode(input)
        #expect(result.alerts.map(\.alert.id) == ["a1", "a2"])
        #expect(result.alerts.map(\.position) == [.line(1), .line(5)])
        #expect(result.errors.map(\.position) == [.line(2), .line(3), .line(6)])
        #expect(
            result.errors[0].description
                == "line 2, field 'severity': 'urgent' is not a severity (expected one of info|low|medium|high|critical)"
        )
        #expect(result.errors[1].message.contains("invalid JSON at column 2"))
        #expect(result.errors[2].message.contains("expected an alert object, found an array"))
        #expect(result.recordCount == 5)
    }

    /// Lines of stray text are each reported: the second of two was skipped unseen, with the bad record before it.
    @Test func everyLineOfStrayTextIsReported() throws {
        let second = try record(replacing: "id", with: "\"a2\"")
        let third = try record(replacing: "id", with: "\"a3\"")
        let result = AlertDecoder().decode(
            [Self.good, "not json", "garbage too", second, "{bad", "  more", third].joined(separator: "\n"))
        #expect(result.alerts.map(\.alert.id) == ["a1", "a2", "a3"])
        #expect(result.errors.map(\.position) == [.line(2), .line(3), .line(5)], "\(result.errors)")
        #expect(result.recordCount == 6)
    }

    /// A line of text that starts like a value is one bad record, not one per token; a document broken below its
    /// first line is one, even with its members unindented (`json.dumps(indent=0)`).
    @Test func aLineOfTextOrABrokenDocumentIsOneBadRecord() throws {
        let second = try record(replacing: "id", with: "\"a2\"")
        let text = [Self.good, "2026-11-02 sshd: fail", "true positive", "{", "\"id\": \"a9\",", "\"title\": x,", "\"severity\": \"high\"", "}", second]
        let result = AlertDecoder().decode(text.joined(separator: "\n"))
        #expect(result.alerts.map(\.alert.id) == ["a1", "a2"])
        #expect(result.errors.map(\.position) == [.line(2), .line(3), .line(4)], "\(result.errors)")
        #expect(result.errors[0].message.contains("the line is not JSON"), "\(result.errors[0])")
    }

    @Test func aBadFirstLineDoesNotHideTheRest() throws {
        let second = try record(replacing: "id", with: "\"a2\"")
        let result = AlertDecoder().decode(["{bad", Self.good, second].joined(separator: "\n"))
        #expect(result.alerts.map(\.alert.id) == ["a1", "a2"])
        #expect(result.errors.map(\.position) == [.line(1)])
    }

    @Test func readsConcatenatedPrettyPrintedDocuments() throws {
        let first = try JSONParser.parse(Self.good).prettyPrinted()
        let second = try JSONParser.parse(try record(replacing: "id", with: "\"a2\"")).prettyPrinted()
        let broken = first.replacingOccurrences(of: "\"rule_id\"", with: "rule_id")
        let result = AlertDecoder().decode([first, broken, second].joined(separator: "\n"))
        let lines = first.split(separator: "\n").count
        #expect(result.alerts.map(\.alert.id) == ["a1", "a2"])
        #expect(result.alerts.map(\.position) == [.line(1), .line(2 * lines + 1)])
        #expect(result.errors.count == 1, "one error for the broken document, not one per line: \(result.errors)")
        #expect(result.errors.first?.position == .line(lines + 1))
        #expect(result.errors.first?.message.contains("line \(lines + 4), column 3") == true, "\(result.errors)")
    }

    @Test func blankOptionalStringsAreAbsent() throws {
        let result = AlertDecoder().decode(try record(replacing: "description", with: "\"  \""))
        #expect(result.errors.isEmpty && result.alerts.first?.alert.description == nil)
        let panther = AlertDecoder().decode(
            #"{"alertId":"x","id":"R","title":"t","severity":"LOW","createdAt":"2026-11-02T00:00:00Z","description":"","runbook":""}"#
        )
        #expect(panther.errors.isEmpty)
    }

    @Test func recordsInNoKnownFormatSaySo() {
        let result = AlertDecoder().decode(#"{"eventName":"CreateUser","eventSource":"iam.amazonaws.com"}"#)
        #expect(result.errors.first?.message.hasPrefix("not an alert in any known format") == true)
        let envelope = AlertDecoder().decode("{\"results\": [\(Self.good)], \"next\": null}")
        #expect(envelope.alerts.count == 1 && envelope.alerts.first?.position == .element(1))
    }

    @Test func strictModeRejectsTheWholeInput() throws {
        let input = [Self.good, try record(replacing: "title", with: nil)].joined(separator: "\n")
        let strict = AlertDecoder(strict: true).decode(input)
        #expect(strict.alerts.isEmpty && strict.errors.count == 1)
        #expect(AlertDecoder().decode(input).alerts.count == 1)
    }

    @Test func arraysReportElementPositions() throws {
        let input = "[\(Self.good), {\"id\":\"x\"}]"
        let result = AlertDecoder().decode(input)
        #expect(result.alerts.count == 1)
        #expect(result.errors.first?.position == .element(2))
        #expect(result.errors.first?.description.hasPrefix("record 2, field 'source'") == true)
    }

    @Test func syntaxErrorInOneDocumentIsPrecise() {
        let result = AlertDecoder().decode("{\n  \"id\": \"a\",\n  \"title\": \"x\"\n  \"severity\": \"low\"\n}")
        #expect(result.alerts.isEmpty)
        #expect(result.errors.first?.message.contains("line 4, column 3") == true)
    }

    @Test func emptyInputAndByteOrderMark() {
        #expect(AlertDecoder().decode("  \n ").errors.first?.message == "input is empty")
        #expect(AlertDecoder().decode([0xEF, 0xBB, 0xBF] + Array(Self.good.utf8)).alerts.count == 1)
    }

    @Test func duplicatesAndUnknownFieldsAreWarnings() throws {
        let extra = try record(replacing: "priority", with: "1")
        let result = AlertDecoder().decode([Self.good, extra].joined(separator: "\n"))
        #expect(result.alerts.count == 1 && result.errors.isEmpty)
        #expect(result.warnings.map(\.position) == [.line(2), .line(2)])
        #expect(result.warnings.contains { $0.message.contains("duplicate of line 1") })
        #expect(result.warnings.contains { $0.field == "priority" && $0.message.contains("unknown field") })
    }

    @Test func unknownTechniquesAreWarnedNotRejected() throws {
        let result = AlertDecoder().decode(try record(replacing: "mitre", with: "[\"TA0003:T1108\", \"TA0007:T1078\"]"))
        #expect(result.alerts.count == 1)
        #expect(result.warnings.count == 2)
    }

    // MARK: OCSF

    @Test func decodesOCSFDetectionFindings() throws {
        let result = AlertDecoder().decode(try Fixtures.bytes("ocsf/detection-finding-aws.json"))
        #expect(result.errors.isEmpty)
        let decoded = try #require(result.alerts.first)
        #expect(decoded.format == .ocsf)
        let alert = decoded.alert
        #expect(alert.source == "ocsf:aws/guardduty")
        #expect(alert.ruleID == "Persistence:IAMUser/AnomalousBehavior")
        #expect(alert.severity == .high)
        #expect(alert.createdAt == Timestamp(millisecondsSinceEpoch: 1_715_677_985_512))
        #expect(alert.mitre.contains(AttackReference(tactic: "TA0003", technique: "T1098.003")))
        #expect(!alert.events.isEmpty)
        #expect(alert.context["cloud"]?.value(at: "account.uid") == "123456789012")

        let okta = AlertDecoder().decode(try Fixtures.bytes("ocsf/detection-findings-okta.jsonl"))
        #expect(okta.errors.isEmpty && okta.alerts.count == 2)
        #expect(okta.alerts.map(\.position) == [.line(1), .line(2)])
        #expect(okta.alerts.contains { $0.alert.severity == .critical })
    }

    @Test func readsEveryOCSFAttackShapeAndRawData() throws {
        let finding: JSONValue = [
            "class_uid": 2004, "severity_id": 0, "time": 1_793_610_847_000,
            "metadata": ["product": ["vendor_name": "Acme"]],
            "finding_info": [
                "uid": "f-1", "title": "t",
                "attacks": [["tactics": [["uid": "TA0006"], ["uid": "TA0001"]], "technique": ["uid": "T1110"]]],
            ],
            "attacks": [
                ["tactic": ["uid": "TA0003"], "technique": ["uid": "T1098"], "sub_technique": ["uid": "T1098.001"]]
            ],
            "raw_data": #"{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey"}"#,
        ]
        let result = AlertDecoder().decode(finding.serialized())
        let alert = try #require(result.alerts.first?.alert)
        #expect(alert.mitre.map(\.description) == ["TA0006:T1110", "TA0001:T1110", "TA0003:T1098.001"])
        #expect(alert.severity == .medium)
        #expect(result.warnings.contains { $0.field == "severity_id" })
        #expect(alert.events.last?.logType == .cloudTrail && alert.events.last?.normalized.action == "CreateAccessKey")
        #expect(alert.source == "ocsf:acme")
    }

    @Test(arguments: [Int64.max, -70_000_000_000_000, 253_402_300_800_000])
    func rejectsOCSFTimesOutsideTheCalendar(time: Int64) throws {
        let finding: JSONValue = [
            "class_uid": 2004, "severity_id": 3, "time": .int(time), "metadata": ["product": ["name": "P"]],
            "finding_info": ["uid": "f", "title": "t"],
        ]
        let result = AlertDecoder().decode(finding.serialized())
        #expect(result.alerts.isEmpty)
        #expect(result.errors.first?.field == "time" && result.errors.first?.message.contains("years 1–9999") == true)
    }

    @Test func warnsAboutOCSFTimesInSeconds() throws {
        let finding: JSONValue = [
            "class_uid": 2004, "severity_id": 3, "time": 1_793_610_847, "metadata": ["product": ["name": "P"]],
            "finding_info": ["uid": "f", "title": "t"],
        ]
        let result = AlertDecoder().decode(finding.serialized())
        #expect(result.alerts.count == 1)
        #expect(result.warnings.contains { $0.message.contains("not seconds") })
    }

    @Test func rejectsMalformedOCSF() throws {
        let result = AlertDecoder().decode(try Fixtures.bytes("ocsf/detection-finding-bad.json"))
        #expect(result.alerts.count == 1)
        #expect(result.errors.map(\.position) == [.element(2), .element(3)])
        #expect(result.errors[0].field == "finding_info" && result.errors[0].message.contains("is required"))
        #expect(result.errors[1].field == "severity_id" && result.errors[1].message.contains("found a string"))
        let notAFinding = AlertDecoder().decode(#"{"class_uid":3002,"metadata":{}}"#)
        #expect(notAFinding.errors.first?.message.contains("3002 is not an OCSF Detection Finding") == true)
    }

    // MARK: Panther

    @Test func decodesPantherAlerts() throws {
        let webhook = AlertDecoder().decode(try Fixtures.bytes("panther/webhook-alert.json"))
        let w = try #require(webhook.alerts.first)
        #expect(w.format == .panther)
        #expect(w.alert.id == "2a3f5b6b573e24fdada4adaa8e1e51db" && w.alert.ruleID == "AWS.IAM.Backdoor.User.Keys")
        #expect(w.alert.source == "panther" && w.alert.severity == .medium)
        #expect(!w.alert.title.hasPrefix("New Alert:"))
        #expect(w.alert.context["eventName"] == "CreateAccessKey")

        let api = AlertDecoder().decode(try Fixtures.bytes("panther/api-alert-with-events.json"))
        let a = try #require(api.alerts.first)
        #expect(api.errors.isEmpty)
        #expect(a.alert.ruleID == "AWS.IAM.Backdoor.User.Keys" && !a.alert.events.isEmpty)
        #expect(a.alert.logType == .cloudTrail)
        #expect(a.alert.events.allSatisfy { $0.normalized.action == "CreateAccessKey" })
    }

    @Test func pantherPolicyAlertsWithoutAnAlertIDGetOne() throws {
        let result = AlertDecoder().decode(
            #"{"alertId":null,"id":"AWS.S3.Public","title":"Policy Failure: bucket","severity":"HIGH","createdAt":"2026-11-02T00:00:00Z","link":"x","alertContext":{}}"#
        )
        let alert = try #require(result.alerts.first?.alert)
        #expect(alert.id == "AWS.S3.Public@2026-11-02T00:00:00Z" && alert.ruleID == "AWS.S3.Public")
    }

    @Test func pantherAPIAlertsNeedTheirDetection() {
        let result = AlertDecoder().decode(
            #"{"id":"x","title":"t","severity":"LOW","createdAt":"2026-11-02T00:00:00Z","detection":{"type":"RULE"}}"#)
        #expect(result.errors.first?.field == "detection.id")
    }

    @Test func rejectsMalformedPanther() {
        let result = AlertDecoder().decode(
            #"{"alertId":"x","id":"Rule","title":"t","severity":"SEVERE","createdAt":"2026-11-02T00:00:00Z"}"#)
        #expect(result.errors.first?.field == "severity")
    }

    // MARK: Real vendor events

    @Test func normalizesFailedConsoleLoginsAndPantherFDRRows() throws {
        let cloudTrail = try Fixtures.sharedJSONLines("panther-tests/aws-cloudtrail.jsonl").compactMap { $0["log"] }
        let failedLogins = cloudTrail.filter { $0.value(at: "responseElements.ConsoleLogin") == "Failure" }
        #expect(!failedLogins.isEmpty)
        for record in failedLogins {
            #expect(RawEvent(logType: .cloudTrail, record: record).normalized.outcome == "Failure")
        }
        let fdr = try Fixtures.sharedJSONLines("panther-tests/crowdstrike-fdrevent.jsonl").compactMap { $0["log"] }
        let nested = fdr.filter { $0["event"]?.objectValue != nil && $0["timestamp"] != nil }
        #expect(nested.count > 30)
        for record in nested {
            let n = RawEvent(logType: .crowdstrikeFDR, record: record).normalized
            #expect(n.time != nil, "no time from \(record["timestamp"] ?? nil)")
            #expect(n.action != nil)
        }
    }

    @Test func acceptsPantherRuleTestEventsWrappedAsAlerts() throws {
        var lines: [String] = []
        var total = 0
        for file in [
            "aws-cloudtrail.jsonl", "okta-systemlog.jsonl", "crowdstrike-fdrevent.jsonl", "gsuite-activityevent.jsonl",
            "crowdstrike-eventstreams.jsonl", "aws-guardduty.jsonl",
        ] {
            for (i, test) in try Fixtures.sharedJSONLines("panther-tests/\(file)").enumerated() {
                total += 1
                let alert: JSONValue = [
                    "id": .string("\(file)-\(i)"), "source": "panther-tests",
                    "rule_id": test["rule_id"] ?? "unknown", "title": test["display_name"] ?? "untitled",
                    "severity": test["severity"] ?? "info", "created_at": "2026-11-02T00:00:00Z",
                    "log_type": test["log_types"]?[0] ?? nil, "mitre": test["mitre"] ?? [],
                    "events": [test["log"] ?? [:]],
                ]
                lines.append(alert.serialized())
            }
        }
        let result = AlertDecoder().decode(lines.joined(separator: "\n"))
        #expect(total == 841)
        #expect(result.errors.isEmpty, "\(result.errors.prefix(3))")
        #expect(result.alerts.count == total)
        // Panther's own mappings include deprecated and mis-paired techniques: those are warnings.
        #expect(result.warnings.contains { $0.message.contains("T1108") })
        // Normalized fields read the vendor's own: every CloudTrail record's eventName is its action.
        let cloudTrail = result.alerts.filter { $0.alert.logType == .cloudTrail }.compactMap(\.alert.events.first)
        #expect(cloudTrail.count > 400)
        for event in cloudTrail {
            #expect(event.normalized.action == event.record["eventName"]?.stringValue)
            #expect(event.normalized.sourceIP == event.record["sourceIPAddress"]?.stringValue)
        }
    }
}
