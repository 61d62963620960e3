import Foundation
import Testing
import VigilCore
import VigilTesting

@testable import VigilSIEM

@Suite("Event store")
struct EventStoreTests {
    func record(
        _ id: String, _ name: String, actor: String, ip: String, at time: String, agent: String = "aws-cli/2"
    ) -> LogRecord {
        LogRecord(
            file: "f.jsonl", line: 1, logType: .cloudTrail,
            record: [
                "eventID": .string(id), "eventName": .string(name), "eventSource": "iam.amazonaws.com",
                "eventTime": .string(time), "sourceIPAddress": .string(ip), "userAgent": .string(agent),
                "userIdentity": ["type": "IAMUser", "arn": .string(actor), "accountId": "123456789012"],
                "recipientAccountId": "123456789012",
            ])
    }

    func filledStore() throws -> EventStore {
        let store = try EventStore()
        try store.insert([
            record("e1", "CreateUser", actor: "arn:a", ip: "198.51.100.1", at: "2026-11-02T09:00:00Z"),
            record("e2", "CreateAccessKey", actor: "arn:a", ip: "198.51.100.1", at: "2026-11-02T09:01:00Z"),
            record(
                "e3", "CreateUser", actor: "arn:b", ip: "203.0.113.9", at: "2026-11-02T10:00:00Z", agent: "Pacu kali"),
            record("e4", "ListUsers", actor: "arn:a", ip: "203.0.113.9", at: "2026-11-03T10:00:00Z"),
        ])
        return store
    }

    @Test func ingestingTwiceAddsNothing() throws {
        let store = try filledStore()
        #expect(try store.count() == 4)
        let again = try store.insert([
            record("e1", "CreateUser", actor: "arn:a", ip: "198.51.100.1", at: "2026-11-02T09:00:00Z")
        ])
        #expect(again.inserted == 0 && again.duplicates == 1)
        #expect(try store.count() == 4)
        // Records without a vendor id are keyed by their content.
        let plain = LogRecord(file: "g", line: 1, logType: nil, record: ["msg": "hello"])
        #expect(try store.insert([plain, plain]).inserted == 1)
        // Generic records that happen to share an `id` are different events.
        let a = LogRecord(file: "g", line: 2, logType: nil, record: ["id": "x", "msg": "one"])
        let b = LogRecord(file: "g", line: 3, logType: nil, record: ["id": "x", "msg": "two"])
        #expect(try store.insert([a, b]).inserted == 2)
    }

    @Test func filtersByFieldTextAndTime() throws {
        let store = try filledStore()
        let byActor = try store.search(EventQuery(filters: [.init(field: "actor", value: "arn:a")]))
        #expect(byActor.events.map { $0.record["eventID"] } == ["e1", "e2", "e4"])
        #expect(byActor.events.first?.action == "CreateUser" && byActor.events.first?.sourceIP == "198.51.100.1")
        let both = try store.search(EventQuery(filters: [.init("actor=arn:a")!, .init("action=CreateUser")!]))
        #expect(both.events.count == 1)
        let text = try store.search(EventQuery(text: "pacu KALI"))
        #expect(text.events.map { $0.record["eventID"] } == ["e3"])
        let hostile = try store.search(EventQuery(text: "\"; DROP TABLE events; --"))
        #expect(hostile.events.isEmpty)
        #expect(try store.count() == 4)
        let window = try store.search(
            EventQuery(from: Timestamp(rfc3339: "2026-11-02T09:30:00Z"), to: Timestamp(rfc3339: "2026-11-03T00:00:00Z"))
        )
        #expect(window.events.map { $0.record["eventID"] } == ["e3"])
    }

    @Test func keepsWhatEventsActedOn() throws {
        let store = try EventStore()
        var r = record("t1", "GetObject", actor: "arn:a", ip: "198.51.100.1", at: "2026-11-02T09:00:00Z")
        guard case .object(var object) = r.record else { return }
        object["resources"] = [["type": "AWS::S3::Object", "ARN": "arn:aws:s3:::b/k"]]
        r.record = .object(object)
        try store.insert([r])
        let event = try #require(try store.search(EventQuery()).events.first)
        #expect(event.targets == ["arn:aws:s3:::b/k"])
    }

    @Test func pagesWithACursor() throws {
        let store = try filledStore()
        var seen: [JSONValue?] = []
        var cursor: String?
        repeat {
            let page = try store.search(EventQuery(limit: 3, cursor: cursor))
            seen += page.events.map { $0.record["eventID"] }
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == ["e1", "e2", "e3", "e4"])
        #expect(throws: EventQueryError.self) { _ = try store.search(EventQuery(cursor: "not-a-cursor")) }
        #expect(throws: EventQueryError.self) { _ = try store.search(EventQuery(limit: 0)) }
    }

    @Test func countsAndSightings() throws {
        let store = try filledStore()
        let counts = try store.counts(by: "action", EventQuery())
        #expect(counts.first?.value == "CreateUser" && counts.first?.count == 2)
        let before = try store.sighting(EventQuery(filters: [.init("actor=arn:a")!, .init("source_ip=203.0.113.9")!]))
        #expect(before.count == 1 && before.first == Timestamp(rfc3339: "2026-11-03T10:00:00Z"))
        let never = try store.sighting(EventQuery(filters: [.init("actor=arn:b")!, .init("source_ip=198.51.100.1")!]))
        #expect(never.count == 0 && never.first == nil)
        #expect(throws: EventQueryError.self) { _ = try store.counts(by: "raw; DROP", EventQuery()) }
        #expect(throws: EventQueryError.self) { _ = try store.search(EventQuery(filters: [.init("password=x")!])) }
    }

    @Test func detectionRunsOverTheStore() throws {
        let store = try filledStore()
        var detector = Detector(rules: VigilRulePack.load().rules)
        try store.forEachEvent { detector.process($0) }
        #expect(detector.eventsSeen == 4)
        #expect(detector.alerts().contains { $0.context["rule_title"] == "AWS IAM User Created" })
    }

    @Test func aFileThatFailsHalfwayKeepsWhatWasRead() throws {
        let dir = try CommandRunner.temporaryDirectory()
        let lines = (0..<4000).map {
            record("g\($0)", "CreateUser", actor: "arn:a", ip: "198.51.100.1", at: "2026-11-02T09:00:00Z").record
                .serialized()
        }
        let plain = dir.appendingPathComponent("many.jsonl")
        try lines.joined(separator: "\n").write(to: plain, atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        let compressed = try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz"))
        let truncated = dir.appendingPathComponent("cut.jsonl.gz")
        try compressed.prefix(compressed.count * 2 / 3).write(to: truncated)
        let store = try EventStore()
        #expect(throws: LogReadError.self) {
            _ = try store.ingest(path: truncated.path, batchSize: 100, onIssue: { _ in })
        }
        let kept = try store.count()
        #expect(kept > 1000 && kept < 4000, "kept \(kept)")
    }

    @Test func ingestsFilesAndReportsBadRecords() throws {
        let dir = try CommandRunner.temporaryDirectory()
        let file = dir.appendingPathComponent("ct.jsonl")
        let lines = [
            record("x1", "CreateUser", actor: "arn:a", ip: "198.51.100.1", at: "2026-11-02T09:00:00Z").record
                .serialized(), "{oops",
            record("x2", "DeleteUser", actor: "arn:a", ip: "198.51.100.1", at: "2026-11-02T09:05:00Z").record
                .serialized(),
        ]
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let store = try EventStore(path: dir.appendingPathComponent("events.db").path)
        var issues: [LogIssue] = []
        let summary = try store.ingest(path: file.path, batchSize: 1, onIssue: { issues.append($0) })
        #expect(summary.inserted == 2 && summary.file.malformed == 1 && issues.first?.line == 2)
        let again = try store.ingest(path: file.path, onIssue: { _ in })
        #expect(again.inserted == 0 && again.duplicates == 2)
    }
}
