import Foundation
import Testing
import VigilCore
import VigilTesting

@testable import VigilSIEM

@Suite("Log reading")
struct LogReaderTests {
    let ct1 =
        #"{"eventVersion":"1.09","eventSource":"iam.amazonaws.com","eventName":"CreateUser","eventTime":"2026-11-02T09:00:00Z","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/a","accountId":"123456789012"},"requestParameters":{"note":"brace } and [ in \"string\""}}"#
    let ct2 =
        #"{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2026-11-02T09:00:01Z","sourceIPAddress":"198.51.100.8"}"#

    func write(_ text: String, name: String) throws -> String {
        let dir = try CommandRunner.temporaryDirectory()
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func read(_ path: String, logType: LogType? = nil) throws -> ([LogRecord], [LogIssue], LogFileSummary) {
        var records: [LogRecord] = []
        var issues: [LogIssue] = []
        let summary = try LogReader.read(
            path: path, logType: logType, onRecord: { records.append($0) }, onIssue: { issues.append($0) })
        return (records, issues, summary)
    }

    /// Feeds the scanner one byte at a time, so every state crosses a chunk boundary.
    func scan(_ text: String) -> [RecordScanner.Span] {
        var scanner = RecordScanner()
        var spans: [RecordScanner.Span] = []
        for byte in text.utf8 { scanner.feed([byte]) { spans.append($0) } }
        scanner.finish { spans.append($0) }
        return spans
    }

    @Test func readsEveryLayoutAtAnyChunkBoundary() throws {
        let layouts = [
            "\(ct1)\n\(ct2)\n",
            "[\n  \(ct1),\n  \(ct2)\n]",
            "{\"Records\": [\(ct1), \(ct2)]}",
            "{\"Records\":[\n\(ct1),\n\(ct2)\n], \"other\": {\"x\": [1]}}",
            try JSONParser.parse(ct1).prettyPrinted() + "\n" + (try JSONParser.parse(ct2).prettyPrinted()),
        ]
        for text in layouts {
            let spans = scan(text)
            #expect(spans.count == 2, "\(text)")
            #expect(
                try spans.map { try JSONParser.parse($0.bytes) } == [
                    try JSONParser.parse(ct1), try JSONParser.parse(ct2),
                ])
        }
    }

    @Test func aBrokenLineCostsOneRecord() throws {
        let path = try write(
            [ct1, #"{"eventName": "Broken, "x": 1}"#, "{\"unbalanced\": [1, 2", ct2, "", "7"].joined(separator: "\n"),
            name: "mixed.jsonl")
        let (records, issues, summary) = try read(path)
        #expect(records.map { $0.record["eventName"] } == ["CreateUser", "GetObject"])
        #expect(records.map(\.line) == [1, 4])
        #expect(issues.map(\.line) == [2, 3, 6], "\(issues)")
        #expect(issues[2].message.contains("expected a JSON object"))
        #expect(summary.records == 2 && summary.malformed == 3 && summary.logType == .cloudTrail)
        #expect(records.allSatisfy { $0.logType == .cloudTrail })
    }

    /// Lines of text outside any record are each a malformed record of their own: the second of two was taken
    /// into the first and never reported.
    @Test func everyLineOfStrayTextIsReported() throws {
        let path = try write([ct1, "not json", "garbage too", ct2].joined(separator: "\n"), name: "stray.jsonl")
        let (records, issues, summary) = try read(path)
        #expect(records.map(\.line) == [1, 4])
        #expect(issues.map(\.line) == [2, 3], "\(issues)")
        #expect(summary.records == 2 && summary.malformed == 2)
        #expect(scan("not json\ngarbage too\n\(ct1)").map(\.line) == [1, 2, 3])
    }

    @Test func prettyPrintedNestedDocumentsStayWhole() throws {
        let okta =
            #"{"uuid":"u1","published":"2026-11-02T09:00:00.000Z","eventType":"user.session.start","actor":{"alternateId":"a@x","type":"User"},"target":[{"id":"t1","type":"User"},{"id":"t2","type":"App"}]}"#
        let pretty = try JSONParser.parse(okta).prettyPrinted()
        let spans = scan(pretty + "\n" + pretty.replacingOccurrences(of: "u1", with: "u2"))
        #expect(spans.count == 2)
        #expect(try spans.map { try JSONParser.parse($0.bytes)["uuid"] } == ["u1", "u2"])
    }

    @Test func concatenatedDeliveriesAndByteOrderMarks() throws {
        let two = scan("{\"Records\":[\(ct1)]}\n{\"Records\":[\(ct2)]}\n")
        #expect(two.count == 2)
        let path = try write("\u{FEFF}[\(ct1),\(ct2)]", name: "bom.json")
        let (records, issues, _) = try read(path)
        #expect(records.count == 2 && issues.isEmpty)
    }

    @Test func badRecordsInADeliveryAreNamedByNumber() throws {
        let path = try write("{\"Records\":[\(ct1),{\"eventName\": tru},\(ct2)]}", name: "s3bad.json")
        let (records, issues, _) = try read(path)
        #expect(records.count == 2)
        #expect(issues.first?.message.contains("record 2, column") == true, "\(issues)")
    }

    @Test func garbageBeforeARecordDoesNotSwallowIt() throws {
        let path = try write(["not json", ct1, "42", ct2].joined(separator: "\n"), name: "garbage.jsonl")
        let (records, issues, _) = try read(path)
        #expect(records.map(\.line) == [2, 4])
        #expect(issues.map(\.line) == [1, 3])
    }

    @Test func readsGzipAndTheS3DeliveryFormat() throws {
        let path = try write("{\"Records\":[\(ct1),\(ct2)]}", name: "delivery.json")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        let (records, issues, summary) = try read(path + ".gz")
        #expect(issues.isEmpty && records.count == 2)
        #expect(summary.logType == .cloudTrail)
        #expect(records[0].record.value(at: "requestParameters.note") == "brace } and [ in \"string\"")
    }

    @Test func reportsTruncatedAndCorruptFiles() throws {
        let truncated = try write("[\(ct1), {\"eventName\": \"Cut", name: "cut.json")
        let (records, issues, _) = try read(truncated)
        #expect(records.count == 1)
        #expect(issues.contains { $0.message.contains("truncated") })
        let notGzip = try write("", name: "bad.gz")
        try Data([0x1F, 0x8B] + Array("not really gzip".utf8)).write(to: URL(fileURLWithPath: notGzip))
        #expect(throws: LogReadError.self) { _ = try read(notGzip) }
        #expect(throws: LogReadError.self) { _ = try read("/no/such/file.json") }
    }

    @Test func recognizesOktaAndFDRFilesAndHonoursAForcedType() throws {
        let okta = try write(
            #"[{"uuid":"u","published":"2026-11-02T09:00:00.000Z","eventType":"user.session.start","actor":{"alternateId":"a@x"}}]"#,
            name: "okta.json")
        #expect(try read(okta).2.logType == .oktaSystemLog)
        let fdr = try write(
            #"{"event_simpleName":"DnsRequest","aid":"abc","timestamp":"1793610847000","DomainName":"x.example"}"#,
            name: "fdr.jsonl")
        #expect(try read(fdr).2.logType == .crowdstrikeFDR)
        let generic = try write(#"{"msg":"hello"}"#, name: "generic.jsonl")
        #expect(try read(generic).2.logType == nil)
        #expect(try read(generic, logType: "Custom.Log").0.first?.logType == "Custom.Log")
    }
}
