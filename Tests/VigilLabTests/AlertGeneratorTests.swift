import Testing
import VigilCore

@testable import VigilLab

@Suite("Lab scenario generator")
struct AlertGeneratorTests {
    static let enterprise = Enterprise.generate()
    static let sample = AlertGenerator(enterprise: enterprise, seed: 7).alerts(count: 3000)

    func bytes(_ generator: AlertGenerator, count: Int, concurrency: Int) -> ([UInt8], [UInt8]) {
        var alerts: [UInt8] = []
        var labels: [UInt8] = []
        generator.jsonLines(count: count, labels: true, concurrency: concurrency, chunkSize: 64) { chunk in
            alerts += chunk.alerts
            labels += chunk.labels
            return true
        }
        return (alerts, labels)
    }

    @Test func sameSeedGivesByteIdenticalOutputAtAnyConcurrency() {
        let a = bytes(AlertGenerator(enterprise: Self.enterprise, seed: 42), count: 400, concurrency: 1)
        let b = bytes(AlertGenerator(enterprise: Enterprise.generate(), seed: 42), count: 400, concurrency: 4)
        #expect(a.0 == b.0 && a.1 == b.1)
        #expect(a.0.filter { $0 == 0x0A }.count == 400 && a.1.filter { $0 == 0x0A }.count == 400)
        let c = bytes(AlertGenerator(enterprise: Self.enterprise, seed: 43), count: 400, concurrency: 2)
        #expect(c.0 != a.0)
    }

    @Test func differentSeedsKeepTheSameMix() {
        let share = { (alerts: [GeneratedAlert]) in
            Double(alerts.filter { $0.truth.label == .benign }.count) / Double(alerts.count)
        }
        let a = share(Self.sample)
        let b = share(AlertGenerator(enterprise: Self.enterprise, seed: 1234).alerts(count: 3000))
        #expect((0.75...0.85).contains(a), "benign share \(a)")
        #expect((0.75...0.85).contains(b), "benign share \(b)")
        #expect(abs(a - b) < 0.04)
        #expect(Set(Self.sample.map(\.alert.id)).count == Self.sample.count)
    }

    @Test func benignRatioAndScenarioFilterAreHonoured() throws {
        let allMalicious = AlertGenerator(enterprise: Self.enterprise, seed: 1, benignRatio: 0).alerts(count: 200)
        #expect(allMalicious.allSatisfy { $0.truth.label == .malicious })
        let allBenign = AlertGenerator(enterprise: Self.enterprise, seed: 1, benignRatio: 1).alerts(count: 200)
        #expect(allBenign.allSatisfy { $0.truth.label == .benign })
        let only = try AlertGenerator(enterprise: Self.enterprise, seed: 1, only: ["mfa_fatigue"]).alerts(count: 50)
        #expect(only.allSatisfy { $0.truth.scenario == "mfa_fatigue" })
        #expect(throws: UnknownScenarioError.self) {
            _ = try AlertGenerator(enterprise: Self.enterprise, seed: 1, only: ["mfa_fatigue", "no_such"])
        }
    }

    @Test func coversEnoughFamiliesOnBothSides() {
        #expect(ScenarioCatalog.benign.count >= 12)
        #expect(ScenarioCatalog.malicious.count >= 10)
        #expect(Set(ScenarioCatalog.all.map(\.id)).count == ScenarioCatalog.all.count)
        let seen = Set(Self.sample.map(\.truth.scenario))
        for scenario in ScenarioCatalog.all {
            #expect(seen.contains(scenario.id), "\(scenario.id) never generated in 3000 alerts")
        }
        #expect(ScenarioCatalog.benign.contains { $0.hard } && ScenarioCatalog.malicious.contains { $0.hard })
    }

    @Test func rulesDoNotGiveTheAnswerAway() {
        var labelsByRule: [String: Set<GroundTruth.Label>] = [:]
        for g in Self.sample { labelsByRule[g.alert.ruleID, default: []].insert(g.truth.label) }
        let mixed = labelsByRule.values.filter { $0.count == 2 }.count
        #expect(mixed >= 12, "only \(mixed) rules fire for both benign and malicious activity")
        for g in Self.sample {
            let text = g.alert.genericV1.serialized().lowercased()
            #expect(!text.contains("benign") && !text.contains("malicious") && !text.contains(g.truth.scenario))
        }
    }

    @Test func labelsAreConsistentWithScenarios() throws {
        let catalog = AttackCatalog.enterprise
        for g in Self.sample {
            let scenario = try #require(ScenarioCatalog.scenario(id: g.truth.scenario))
            #expect(g.truth.alertID == g.alert.id)
            #expect(g.truth.label == scenario.label && g.truth.hard == scenario.hard)
            #expect(g.truth.expectedClassification == (scenario.label == .benign ? .falsePositive : .truePositive))
            if scenario.label == .malicious {
                #expect(!g.truth.attack.isEmpty, "\(scenario.id) has no techniques")
            } else {
                #expect(g.truth.attack.isEmpty)
            }
            for technique in g.truth.attack { #expect(catalog.technique(id: technique) != nil, "\(technique)") }
            for reference in g.alert.mitre { #expect(catalog.problem(with: reference) == nil, "\(reference)") }
            #expect(g.truth.tickets == g.tickets.map(\.key))
            #expect(!g.truth.rationale.isEmpty)
        }
    }

    @Test func alertsAreValidIntakeRecords() throws {
        let text = Self.sample.prefix(500).map { $0.alert.genericV1.serialized() }.joined(separator: "\n")
        let result = AlertDecoder(strict: true).decode(text)
        #expect(
            result.errors.isEmpty && result.warnings.isEmpty, "\(result.errors.prefix(2)) \(result.warnings.prefix(2))")
        #expect(result.alerts.map(\.alert) == Self.sample.prefix(500).map(\.alert))
        for g in Self.sample {
            let last = try #require(g.alert.events.compactMap { $0.normalized.time }.max())
            #expect(g.alert.createdAt >= last, "alert created before its last event")
            #expect(g.alert.createdAt.millisecondsSinceEpoch - last.millisecondsSinceEpoch < 600_000)
        }
    }

    @Test func cloudTrailRecordsCarryTheRealFields() throws {
        let records = Self.sample.flatMap(\.alert.events).filter { $0.logType == .cloudTrail }.map(\.record)
        #expect(records.count > 1000)
        let required = [
            "eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
            "userIdentity", "eventID", "eventType", "recipientAccountId", "requestID", "readOnly", "managementEvent",
            "eventCategory",
        ]
        for r in records {
            for field in required { #expect(r[field] != nil, "CloudTrail record lacks \(field)") }
            let identity = try #require(r["userIdentity"])
            #expect(identity["type"]?.stringValue != nil)
            #expect(identity["arn"]?.stringValue?.hasPrefix("arn:aws:") == true)
            #expect(identity["accountId"]?.stringValue?.count == 12)
            #expect(Timestamp(rfc3339: r["eventTime"]?.stringValue ?? "") != nil)
            #expect(r["eventSource"]?.stringValue?.hasSuffix(".amazonaws.com") == true)
            #expect(["AwsApiCall", "AwsConsoleSignIn"].contains(r["eventType"]?.stringValue ?? ""))
            if identity["type"] == "AssumedRole" {
                #expect(identity.value(at: "sessionContext.sessionIssuer.arn")?.stringValue?.contains(":role/") == true)
            }
        }
    }

    @Test func oktaEventsCarryTheRealFields() throws {
        let records = Self.sample.flatMap(\.alert.events).filter { $0.logType == .oktaSystemLog }.map(\.record)
        #expect(records.count > 1000)
        let required = [
            "uuid", "published", "eventType", "version", "displayMessage", "severity", "actor", "client", "outcome",
            "target", "authenticationContext", "securityContext", "debugContext", "transaction", "request",
        ]
        for r in records {
            for field in required { #expect(r[field] != nil, "Okta event lacks \(field)") }
            #expect(r.value(at: "client.ipAddress")?.stringValue != nil)
            #expect(r.value(at: "client.geographicalContext.country")?.stringValue != nil)
            #expect(r.value(at: "client.geographicalContext.geolocation.lat")?.doubleValue != nil)
            #expect(
                r.value(at: "actor.alternateId")?.stringValue != nil && r.value(at: "actor.type")?.stringValue != nil)
            #expect(["SUCCESS", "FAILURE"].contains(r.value(at: "outcome.result")?.stringValue ?? ""))
            #expect(["INFO", "WARN", "ERROR", "DEBUG"].contains(r["severity"]?.stringValue ?? ""))
            #expect(r["target"]?.arrayValue != nil)
            #expect(r.value(at: "authenticationContext.externalSessionId")?.stringValue != nil)
            #expect(Timestamp(rfc3339: r["published"]?.stringValue ?? "") != nil)
        }
    }

    @Test func edrEventsCarryTheRealFields() throws {
        let records = Self.sample.flatMap(\.alert.events).filter { $0.logType == .crowdstrikeFDR }.map(\.record)
        #expect(records.count > 200)
        for r in records {
            for field in [
                "event_simpleName", "aid", "aip", "cid", "timestamp", "event_platform", "ConfigBuild",
                "id",
            ] {
                #expect(r[field] != nil, "FDR event lacks \(field)")
            }
            switch r["event_simpleName"]?.stringValue {
            case "ProcessRollup2":
                for field in [
                    "ImageFileName", "CommandLine", "SHA256HashData", "TargetProcessId", "ParentProcessId",
                    "ProcessStartTime",
                    "ParentBaseFileName",
                ] {
                    #expect(r[field] != nil, "ProcessRollup2 lacks \(field)")
                }
                #expect(r["SHA256HashData"]?.stringValue?.count == 64)
                #expect(r["UserSid"] != nil || r["UID"] != nil, "a process event names its user by SID or UID")
                #expect(r["ProcessStartTime"]?.stringValue?.wholeMatch(of: /\d{10}\.\d{3}/) != nil)
                #expect(r["ComputerName"] == nil && r["UserName"] == nil, "FDR process events carry neither")
            case "NetworkConnectIP4":
                for field in ["RemoteAddressIP4", "RemotePort", "LocalAddressIP4", "ContextProcessId"] {
                    #expect(r[field] != nil)
                }
            case "DnsRequest":
                #expect(r["DomainName"] != nil && r["ContextProcessId"] != nil)
            default:
                Issue.record("unexpected FDR event \(r["event_simpleName"] ?? nil)")
            }
        }
    }

    @Test func ticketKeysAreUniqueAndNamedInLabels() {
        let tickets = Self.sample.flatMap(\.tickets)
        #expect(tickets.count > 300)
        #expect(Set(tickets.map(\.key)).count == tickets.count, "two generated tickets share a key")
        let history = Set(Self.enterprise.tickets.map(\.key))
        #expect(tickets.allSatisfy { !history.contains($0.key) })
    }

    @Test func sprayTitlesCountDistinctAccounts() throws {
        let sprays = try AlertGenerator(enterprise: Self.enterprise, seed: 3, only: ["password_spray_success"]).alerts(
            count: 40)
        for g in sprays {
            let failed = g.alert.events.filter { $0.record.value(at: "outcome.result") == "FAILURE" }
            let accounts = Set(failed.compactMap { $0.record.value(at: "actor.alternateId")?.stringValue })
            #expect(accounts.count == failed.count)
            #expect(g.alert.title.hasPrefix("Failed sign-ins for \(accounts.count) accounts"))
        }
    }

    @Test func cloudTrailResponseDatesUseCloudTrailsOwnFormat() throws {
        #expect(
            CloudTrailRecord.responseDate(Timestamp(rfc3339: "2024-12-12T16:19:32Z")!) == "Dec 12, 2024, 4:19:32 PM")
        #expect(
            CloudTrailRecord.responseDate(Timestamp(rfc3339: "2026-11-02T00:05:09Z")!) == "Nov 2, 2026, 12:05:09 AM")
        let keys = Self.sample.flatMap(\.alert.events).compactMap {
            $0.record.value(at: "responseElements.accessKey.createDate")?.stringValue
        }
        #expect(!keys.isEmpty)
        for text in keys {
            #expect(text.wholeMatch(of: /[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M/) != nil, "\(text)")
        }
        let policies = Self.sample.flatMap(\.alert.events).compactMap {
            $0.record.value(at: "requestParameters.bucketPolicy")
        }
        #expect(!policies.isEmpty && policies.allSatisfy { $0.value(at: "Statement.0.Effect") == "Allow" })
    }

    @Test func nearbySeedsGiveUnrelatedStreams() {
        let a = AlertGenerator(enterprise: Self.enterprise, seed: 7).alerts(count: 20).map(\.alert.id)
        let b = AlertGenerator(enterprise: Self.enterprise, seed: 8).alerts(count: 20).map(\.alert.id)
        #expect(Set(a).isDisjoint(with: b))
    }

    @Test func encodedCommandsDecodeToTheScript() throws {
        let encoded = EncodedCommand.encode("Get-Date")
        #expect(encoded == "RwBlAHQALQBEAGEAdABlAA==")
    }
}
