import Testing
import VigilCore

@Suite("Domain model")
struct ModelTests {
    static let alert = Alert(
        id: "a-1", source: "vigil-lab", ruleID: "AWS.IAM.PrivilegeChange", title: "Policy attached", severity: .high,
        createdAt: Timestamp(rfc3339: "2026-11-02T09:14:07Z")!, logType: .cloudTrail, description: "why",
        mitre: [AttackReference("TA0004:T1098.003")!],
        events: [
            RawEvent(
                logType: .cloudTrail,
                record: [
                    "eventName": "AttachRolePolicy", "eventSource": "iam.amazonaws.com",
                    "eventTime": "2026-11-02T09:13:00Z", "sourceIPAddress": "203.0.113.9",
                    "userIdentity": ["arn": "arn:aws:iam::123456789012:user/ana", "accountId": "123456789012"],
                    "recipientAccountId": "123456789012",
                ])
        ],
        context: ["k": [1, 2]])

    @Test func alertRoundTripsThroughTheGenericFormat() throws {
        #expect(try roundTrip(Self.alert) == Self.alert)
        let text = Self.alert.genericV1.serialized()
        let decoded = AlertDecoder().decode(text)
        #expect(decoded.errors.isEmpty)
        #expect(decoded.alerts.first?.alert == Self.alert)
    }

    @Test func alertNamesItsEntities() {
        #expect(
            Self.alert.entities == [
                .cloudPrincipal("arn:aws:iam::123456789012:user/ana"), .ip("203.0.113.9"),
                .cloudAccount("123456789012"),
            ])
        #expect(Self.alert.key == AlertKey(source: "vigil-lab", id: "a-1"))
        #expect(Self.alert.key.description == "vigil-lab/a-1")
        #expect(AlertKey(source: "a/b", id: "c") != AlertKey(source: "a", id: "b/c"))
    }

    @Test func verdictCaseAndTimelineRoundTrip() throws {
        let verdict = Verdict(
            alertID: "a-1", classification: .truePositive, disposition: .escalated, confidence: 0.92, tier: 3,
            summary: "Backdoor user",
            evidence: [Evidence(claim: "created by hijacked session", toolCallIDs: ["tc-1", "tc-2"])],
            attack: ["T1136.003"],
            actions: [
                ProposedAction(
                    server: "cloud", tool: "deactivate_access_key", arguments: ["access_key_id": "AKIA..."],
                    rationale: "stop use", status: .pendingApproval)
            ],
            durationMilliseconds: 1234,
            usage: ModelUsage(turns: 4, inputTokens: 1000, outputTokens: 200, cacheReadTokens: 800))
        #expect(try roundTrip(verdict) == verdict)
        let encoded = String(decoding: try JSONEncoderForTests.encode(verdict), as: UTF8.self)
        for key in [
            "\"alert_id\"", "\"classification\":\"true_positive\"", "\"disposition\":\"escalated\"",
            "\"tool_call_ids\"", "\"duration_ms\"", "\"input_tokens\"", "\"pending_approval\"",
        ] {
            #expect(encoded.contains(key), "missing \(key) in \(encoded)")
        }
        let entry = TimelineEntry(
            time: Timestamp(millisecondsSinceEpoch: 5), summary: "CreateUser", entities: [.user("x")],
            technique: "T1136.003", toolCallIDs: ["tc-1"])
        let theCase = Case(
            id: "c-1", alertIDs: ["a-1"], status: .awaitingApproval, severity: .critical,
            openedAt: Timestamp(millisecondsSinceEpoch: 0), entities: [.host("web-01")], timeline: [entry],
            verdict: verdict, quarantined: true, report: "# Report")
        #expect(try roundTrip(theCase) == theCase)
        #expect(!theCase.mayAutoClose)
        #expect(try roundTrip(entry) == entry)
        #expect(
            try roundTrip(RawEvent(logType: .oktaSystemLog, record: ["x": 1]))
                == RawEvent(logType: .oktaSystemLog, record: ["x": 1]))
        #expect(try roundTrip(Entity(kind: .cloudAccount, id: "1", name: "prod")).kind == .cloudAccount)
    }

    @Test func severityOrderAndSpellings() {
        #expect(Severity.info < .low && Severity.low < .medium && Severity.medium < .high && Severity.high < .critical)
        #expect(Severity(lenient: "INFO") == .info)
        #expect(Severity(lenient: "Informational") == .info)
        #expect(Severity(lenient: "Critical") == .critical)
        #expect(Severity(lenient: "urgent") == nil)
    }

    @Test func attackReferences() {
        #expect(AttackReference("TA0003:T1098")?.tactic == "TA0003")
        #expect(AttackReference("T1098.001")?.technique == "T1098.001")
        for bad in ["T109", "TA003:T1098", "T1098.01", "TA0003:", "x", "TA0003:T1098:T1", "T1098.0011"] {
            #expect(AttackReference(bad) == nil, "\(bad) should not parse")
        }
    }

    @Test func normalizesVendorRecords() throws {
        let okta = RawEvent(
            logType: nil,
            record: try JSONParser.parse(
                #"{"published":"2026-11-02T09:00:00.123Z","eventType":"user.session.start","actor":{"alternateId":"ana@x.example"},"client":{"ipAddress":"198.51.100.7","userAgent":{"rawUserAgent":"UA"}},"outcome":{"result":"FAILURE"},"target":[{"alternateId":"t"}]}"#
            ))
        let n = okta.normalized
        #expect(n.time == Timestamp(rfc3339: "2026-11-02T09:00:00.123Z"))
        #expect(n.actor == "ana@x.example" && n.sourceIP == "198.51.100.7" && n.userAgent == "UA")
        #expect(n.action == "user.session.start" && n.outcome == "FAILURE" && n.targets == ["t"])
        let fdr = RawEvent(
            logType: .crowdstrikeFDR,
            record: [
                "event_simpleName": "DnsRequest", "aid": "abc", "timestamp": "1793610847250", "ComputerName": "MER-1",
                "UserName": "ana",
            ])
        #expect(fdr.normalized.time?.millisecondsSinceEpoch == 1_793_610_847_250)
        #expect(fdr.normalized.host == "MER-1")
    }
}
