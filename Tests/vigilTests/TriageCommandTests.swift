import Foundation
import Testing
import VigilAgents
import VigilCore
import VigilTesting

/// `vigil triage` as a user runs it: lab alerts in, one verdict per alert out, in input order.
@Suite("vigil triage")
struct TriageCommandTests {
    static let playbooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../playbooks").standardized.path

    @Test func labAlertsGetOneVerdictEachInInputOrder() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "40"], in: directory)
        #expect(alerts.status == 0, "\(alerts.stderr)")
        let ids = try alerts.stdout.split(separator: "\n").map { try #require(JSONParser.parse(String($0))["id"]) }
        let result = try await CommandRunner.vigil(
            ["triage", "-", "--playbooks", Self.playbooks, "--concurrency", "6", "--lab-alerts", "40", "--explain"],
            stdin: alerts.stdoutBytes, in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        let verdicts = try result.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(verdicts.map { $0["alert_id"] } == ids)
        for verdict in verdicts {
            #expect(["closed", "escalated"].contains(verdict["disposition"]?.stringValue ?? ""))
            #expect(verdict["summary"]?.stringValue?.isEmpty == false)
            for claim in verdict["evidence"]?.arrayValue ?? [] {
                #expect(claim["tool_call_ids"]?.arrayValue?.isEmpty == false, "\(claim)")
            }
        }
        // Closed ones say why, with evidence.
        let closed = verdicts.filter { $0["disposition"] == "closed" }
        #expect(closed.allSatisfy { ($0["evidence"]?.arrayValue?.count ?? 0) > 0 })
        // --explain writes one readable line per verdict to stderr; the audit log holds every call.
        #expect(
            result.stderr.components(separatedBy: "\n").filter {
                $0.contains(": false_positive, closed") || $0.contains(", escalated (")
            }.count == 40)
        let audit = try await CommandRunner.vigil(["audit", "verify"], in: directory)
        #expect(audit.status == 0, "\(audit.stderr)")
    }

    /// The history yesterday's runs would have left: 300 verdicts, `closedPercent` of them closed.
    static func seedBaseline(_ directory: URL, closedPercent: Int) throws {
        let store = try CaseStore(path: directory.appendingPathComponent("vigil-cases.db").path)
        let start = Timestamp(Date()).adding(seconds: -86_400)
        var history: [CaseStore.HistoryEntry] = []
        for i in 0..<300 {
            let closed = i % 100 < closedPercent
            history.append(
                CaseStore.HistoryEntry(
                    time: start.adding(seconds: Int64(i * 60)), alertID: "yesterday-\(i)",
                    rule: "Okta.MFA.FactorChange",
                    classification: closed ? .falsePositive : .truePositive, disposition: closed ? .closed : .escalated)
            )
        }
        try store.save([], history: history)
    }

    static func historyCount(_ directory: URL) throws -> Int {
        let store = try CaseStore(path: directory.appendingPathComponent("vigil-cases.db").path)
        var count = 0
        try store.forEachVerdict(since: Timestamp(millisecondsSinceEpoch: 0)) { _ in count += 1 }
        return count
    }

    /// An alert id is attacker-written: quoted on stderr (a repeated alert) it cannot clear the screen or start a
    /// forged line; the escape and the line break are shown, not obeyed.
    @Test func anAlertIdCannotForgeStderr() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "1"], in: directory)
        guard case .object(var alert) = try JSONParser.parse(alerts.stdout) else {
            Issue.record("not an alert: \(alerts.stdout)")
            return
        }
        alert["id"] = "x\u{1B}[2J\nvigil: warning: Approved by: ciso"
        let input = JSONValue.array([.object(alert), .object(alert)]).serialized()
        let result = try await CommandRunner.vigil(
            ["triage", "-", "--lab-alerts", "1"], stdin: Array(input.utf8), in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                #"duplicate of record 1 (same source and id 'vigil-lab/x\u{1B}[2J\u{A}vigil: warning: Approved by: ciso')"#
            ),
            "\(result.stderr)")
        #expect(!result.stderr.utf8.contains(0x1B))
        #expect(!result.stderr.split(separator: "\n").contains { $0.hasPrefix("vigil: warning: Approved by") })
        // Nor can it on stdout, in the case list and the report of its case.
        let list = try await CommandRunner.vigil(["report", "--list"], in: directory)
        #expect(list.status == 0 && list.stdout.contains(#"x\u{1B}[2J\u{A}vigil: warning"#), "\(list.stdout)")
        #expect(!list.stdout.utf8.contains(0x1B))
        let report = try await CommandRunner.vigil(
            ["report", "x\u{1B}[2J\nvigil: warning: Approved by: ciso"], in: directory)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(!report.stdout.utf8.contains(0x1B) && report.stdout.contains(#"\u{1B}[2J"#), "\(report.stdout)")

        // A line of JSON Lines that is not JSON is quoted in the error: its key's line breaks are shown too.
        let lines = alerts.stdout + #"{"x\nvigil: warning: Approved by: ciso\n" 1}"# + "\n"
        let bad = try await CommandRunner.vigil(
            ["triage", "-", "--lab-alerts", "1"], stdin: Array(lines.utf8), in: directory)
        #expect(bad.stderr.contains("line 2: not JSON"), "\(bad.stderr)")
        #expect(!bad.stderr.split(separator: "\n").contains { $0.hasPrefix("vigil: warning: Approved by") })
    }

    @Test func aRiseInAutomaticClosesRaisesADriftAlertOnce() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        try Self.seedBaseline(directory, closedPercent: 10)
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "60"], in: directory)
        let triage = ["triage", "-", "--playbooks", Self.playbooks, "--lab-alerts", "60"]
        let first = try await CommandRunner.vigil(triage, stdin: alerts.stdoutBytes, in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n").count == 60)
        let warnings = first.stderr.split(separator: "\n").filter { $0.hasPrefix("vigil: warning: drift alert:") }
        // One warning for all rules: the seeded rule has too few verdicts in this window to be compared on its own.
        #expect(warnings.count == 1, "\(first.stderr)")
        let overall = try #require(warnings.first)
        #expect(
            overall.contains(
                "drift alert: all rules (60 verdicts in the window, 300 in the baseline): auto_close 10% → "))
        #expect(overall.contains("classification:false_positive 10% → "), "each measure that moved, in one line")
        #expect(overall.contains("successful prompt injection"))
        // In the audit log, signed and chained like every record: one record per measure that moved.
        let drift = try await CommandRunner.vigil(["audit", "export", "--kind", "drift"], in: directory)
        #expect(drift.status == 0, "\(drift.stderr)")
        let records = try drift.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(records.contains { $0["data"]?["rule"] == "*" && $0["data"]?["measure"] == "auto_close" })
        #expect(try await CommandRunner.vigil(["audit", "verify"], in: directory).status == 0)
        // `vigil guard drift` shows it, and fails as a check while the mix stays drifted; it changes nothing (a
        // verdict past the history's retention, which triage would delete, is still there after it).
        try CaseStore(path: directory.appendingPathComponent("vigil-cases.db").path).save(
            [],
            history: [
                CaseStore.HistoryEntry(
                    time: Timestamp(Date()).adding(seconds: -401 * 86_400), alertID: "ancient", rule: "R",
                    classification: .falsePositive, disposition: .closed)
            ])
        let shown = try await CommandRunner.vigil(["guard", "drift"], in: directory)
        #expect(shown.status == 1, "\(shown.stderr)")
        #expect(shown.stdout.contains("all rules"))
        #expect(shown.stdout.contains("Drifting now: "))
        #expect(shown.stderr.contains("the verdict mix is drifting"))
        let json = try JSONParser.parse(
            try await CommandRunner.vigil(["guard", "drift", "--json"], in: directory).stdout)
        #expect(json["drifts"]?.arrayValue?.contains { $0["rule"] == "*" && $0["measure"] == "auto_close" } == true)
        #expect(json["raised"]?.arrayValue?.count == records.count)
        #expect(json["windows"]?[0]?["recent"] == 60 && json["windows"]?[0]?["baseline"] == 300)
        #expect(json["windows"]?[0]?["baseline_classifications"]?["true_positive"] == 270)
        #expect(try Self.historyCount(directory) == 300 + 60 + 1, "vigil guard drift only reads")
        // The next run over the same alerts raises nothing again, and counts each alert once (and prunes).
        let second = try await CommandRunner.vigil(triage, stdin: alerts.stdoutBytes, in: directory)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stderr.contains("drift alert"), "\(second.stderr)")
        #expect(try Self.historyCount(directory) == 300 + 60)
        // Switched off, triage adds nothing to the history.
        try "guard:\n  drift:\n    enabled: false\n".write(
            to: directory.appendingPathComponent("vigil.yaml"), atomically: true, encoding: .utf8)
        let other = try await CommandRunner.vigil(["lab", "alerts", "--count", "10", "--seed", "11"], in: directory)
        let off = try await CommandRunner.vigil(
            ["triage", "-", "--playbooks", Self.playbooks, "--lab-alerts", "10", "--lab-seed", "11"],
            stdin: other.stdoutBytes, in: directory)
        #expect(off.status == 0, "\(off.stderr)")
        #expect(try Self.historyCount(directory) == 300 + 60)
    }

    @Test func theSameMixRaisesNothing() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "60"], in: directory)
        let triage = ["triage", "-", "--playbooks", Self.playbooks, "--lab-alerts", "60"]
        // Nothing to compare with yet.
        let empty = try await CommandRunner.vigil(["guard", "drift"], in: directory)
        #expect(empty.status == 66 && empty.stderr.contains("no case store here"), "\(empty.stderr)")
        // What share of these alerts triage closes, found in a scratch directory; then a baseline with that mix.
        let scratch = try CommandRunner.temporaryDirectory()
        let probe = try await CommandRunner.vigil(triage, stdin: alerts.stdoutBytes, in: scratch)
        let closed = try probe.stdout.split(separator: "\n").filter {
            try JSONParser.parse(String($0))["disposition"] == "closed"
        }.count
        #expect(closed > 10 && closed < 60, "the lab mixes closes and escalations")
        try Self.seedBaseline(directory, closedPercent: Int((Double(closed) / 60 * 100).rounded()))
        let run = try await CommandRunner.vigil(triage, stdin: alerts.stdoutBytes, in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("drift"), "\(run.stderr)")
        let shown = try await CommandRunner.vigil(["guard", "drift"], in: directory)
        #expect(shown.status == 0, "\(shown.stderr)\(shown.stdout)")
        #expect(shown.stdout.contains("Drifting now: nothing."))
        let json = try JSONParser.parse(
            try await CommandRunner.vigil(["guard", "drift", "--json"], in: directory).stdout)
        #expect(json["windows"]?[0]?["compared"] == true)
        // Not a case store: named, exit 66, nothing written into it.
        let notes = directory.appendingPathComponent("notes.db")
        try "just notes\n".write(to: notes, atomically: true, encoding: .utf8)
        let wrong = try await CommandRunner.vigil(["guard", "drift", "--cases", "notes.db"], in: directory)
        #expect(
            wrong.status == 66 && wrong.stderr.contains("notes.db: cannot read it as a case store"), "\(wrong.stderr)")
        #expect(try String(contentsOf: notes, encoding: .utf8) == "just notes\n")
        let blank = try await CommandRunner.vigil(["guard", "drift", "--cases", ""], in: directory)
        #expect(blank.status == 64 && blank.stderr.contains("--cases is empty"), "\(blank.stderr)")
    }

    /// A monitoring account that may read the store but not write beside it (so SQLite cannot make the WAL's
    /// shared-memory file) still gets the report, and leaves no file behind.
    @Test(
        .enabled(
            if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
            "runs vigil as the user nobody, which needs root and runuser"))
    func aReadOnlyAccountCanWatchForDrift() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        let store = directory.appendingPathComponent("store")
        try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "30"], in: store)
        let triage = try await CommandRunner.vigil(
            ["triage", "-", "--playbooks", Self.playbooks, "--lab-alerts", "30"], stdin: alerts.stdoutBytes, in: store)
        #expect(triage.status == 0, "\(triage.stderr)")
        // A copy of vigil where nobody may run it, whatever the checkout's permissions.
        let vigil = directory.appendingPathComponent("vigil")
        try FileManager.default.copyItem(at: CommandRunner.vigilURL, to: vigil)
        let cases = store.appendingPathComponent("vigil-cases.db").path
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: cases)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: store.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: store.path) }
        let before = try FileManager.default.contentsOfDirectory(atPath: store.path).sorted()
        let shown = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/sbin/runuser"),
            ["-u", "nobody", "--", vigil.path, "guard", "drift", "--cases", cases], in: store)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("all rules") && shown.stdout.contains("30"), "\(shown.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.path).sorted() == before)
    }

    /// A rate limit too tight to wait for: the calls are refused, their alerts escalate rather than close, and the
    /// run says which limit refused how many: a server's, or the vendor API's its server calls (`guard.vendors`).
    @Test(arguments: [
        ("guard:\n  rate_limits:\n    \"server:cloud\": {per_second: 0.01, burst: 1}\n", "server:cloud"),
        (
            "guard:\n  vendors: {aws: [cloud]}\n  rate_limits:\n    \"vendor:aws\": {per_second: 0.01, burst: 1}\n",
            "vendor:aws"
        ),
    ])
    func aRateLimitTooTightToWaitForEscalatesAndSaysSo(configuration: String, bucket: String) async throws {
        let directory = try CommandRunner.temporaryDirectory()
        try configuration.write(
            to: directory.appendingPathComponent("vigil.yaml"), atomically: true, encoding: .utf8)
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "12"], in: directory)
        let result = try await CommandRunner.vigil(
            ["triage", "-", "--playbooks", Self.playbooks, "--lab-alerts", "12", "--explain"],
            stdin: alerts.stdoutBytes,
            in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "were refused by the rate limit of \(bucket) (the next token, or the end of the Retry-After a server asked for, was over 30 s away)"
            ),
            "\(result.stderr)")
        #expect(result.stderr.contains("\(bucket): 0.0/1 tokens, 0.01/s"), "\(result.stderr)")
        let verdicts = try result.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let refused = verdicts.filter { $0["summary"]?.stringValue?.contains("refused by its rate limit") == true }
        #expect(!refused.isEmpty)
        #expect(refused.allSatisfy { $0["disposition"] == "escalated" }, "a fact not established never closes an alert")
    }

    /// Another program's SQLite database is not turned into a case store.
    @Test func anotherProgramsDatabaseIsNotACaseStore() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        let other = directory.appendingPathComponent("inventory.db").path
        let made = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sqlite3; c = sqlite3.connect('\(other)'); c.execute('CREATE TABLE cases (id TEXT)'); c.commit()",
            ])
        #expect(made.status == 0, "\(made.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "2"], in: directory)
        let triage = try await CommandRunner.vigil(
            ["triage", "-", "--playbooks", Self.playbooks, "--lab-alerts", "2", "--cases", other],
            stdin: alerts.stdoutBytes,
            in: directory)
        #expect(triage.status == 73 && triage.stderr.contains("not a Vigil case store"), "\(triage.stderr)")
        let drift = try await CommandRunner.vigil(["guard", "drift", "--cases", other], in: directory)
        #expect(drift.status == 66 && drift.stderr.contains("not a Vigil case store"), "\(drift.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)
    }

    @Test func badInputIsNamedAndTheRestIsTriaged() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        let alerts = try await CommandRunner.vigil(["lab", "alerts", "--count", "3"], in: directory)
        let input = alerts.stdout + "{\"not\": \"an alert\"}\n"
        let result = try await CommandRunner.vigil(
            ["triage", "-", "--playbooks", Self.playbooks, "--lab-alerts", "3"], stdin: Array(input.utf8),
            in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").count == 3)
        #expect(result.stderr.contains("line 4"), "\(result.stderr)")
    }

    @Test func refusesWhatItCannotDo() async throws {
        let directory = try CommandRunner.temporaryDirectory()
        let provider = try await CommandRunner.vigil(
            ["triage", "-", "--provider", "psychic"], stdin: [], in: directory)
        #expect(provider.status == 64 && provider.stderr.contains("--provider 'psychic'"))
        let missing = try await CommandRunner.vigil(
            ["triage", "-", "--playbooks", "/nonexistent"], stdin: Array("[]".utf8), in: directory)
        #expect(
            missing.status == 66 && missing.stderr.contains("the playbooks directory /nonexistent does not exist"),
            "\(missing.stderr)")
        let keyless = try await CommandRunner.vigil(
            ["triage", "-", "--provider", "anthropic"], stdin: Array("[]".utf8), in: directory,
            environment: ["ANTHROPIC_API_KEY": ""])
        #expect(
            keyless.status == 78 && keyless.stderr.contains("needs an API key in $ANTHROPIC_API_KEY"),
            "\(keyless.stderr)")
        #expect(keyless.stdout.isEmpty)
        let noFile = try await CommandRunner.vigil(["triage", "/nonexistent/alerts.jsonl"], in: directory)
        #expect(noFile.status == 66, "\(noFile.stderr)")
    }

    /// `vigil eval` on labelled lab alerts: the figures on stdout, the same as JSON in --output; a bad
    /// labels file is named with its line and nothing is written.
    @Test func evalScoresLabelledAlerts() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let alerts = try await CommandRunner.vigil(
            ["lab", "alerts", "--count", "60", "--labels", "labels.jsonl"], in: dir)
        try alerts.stdout.write(to: dir.appendingPathComponent("alerts.jsonl"), atomically: true, encoding: .utf8)
        let result = try await CommandRunner.vigil(
            ["eval", "--alerts", "alerts.jsonl", "--labels", "labels.jsonl", "--output", "eval.json"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Evaluation of 60 alerts (offline-reasoner)"))
        #expect(result.stdout.contains("malicious alerts closed: none"), "\(result.stdout)")
        let json = try JSONParser.parse(String(contentsOf: dir.appendingPathComponent("eval.json"), encoding: .utf8))
        #expect(json["alerts"] == 60 && json["claims_without_tool_call"] == 0)
        #expect(json["malicious_escalation_rate"]?.doubleValue == 1)
        #expect((json["benign_auto_close_rate"]?.doubleValue ?? 0) >= 0.9)
        #expect(json["malicious_closed"]?.arrayValue?.isEmpty == true)
        #expect((json["per_alert"]?["tool_calls"]?.doubleValue ?? 0) > 0)

        try "{\"alert_id\":\"x\",\"label\":\"maybe\"}\n".write(
            to: dir.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)
        let bad = try await CommandRunner.vigil(
            ["eval", "--alerts", "alerts.jsonl", "--labels", "bad.jsonl", "--output", "bad-eval.json"], in: dir)
        #expect(bad.status == 1 && bad.stderr.contains("bad.jsonl line 1: label 'maybe' is not malicious|benign"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad-eval.json").path))

        // Labels that contradict each other are named, not resolved by whichever comes last.
        for (name, text, message) in [
            (
                "twice.jsonl",
                "{\"alert_id\":\"x\",\"label\":\"benign\"}\n{\"alert_id\":\"x\",\"label\":\"malicious\"}\n",
                "twice.jsonl line 2: alert x is labelled malicious here and benign on line 1"
            ),
            (
                "contra.jsonl",
                "{\"alert_id\":\"x\",\"label\":\"benign\",\"expected_classification\":\"true_positive\"}\n",
                "contra.jsonl line 1: label 'benign' contradicts expected_classification 'true_positive'"
            ),
        ] {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            let result = try await CommandRunner.vigil(
                ["eval", "--alerts", "alerts.jsonl", "--labels", name, "--output", "eval.json"], in: dir)
            #expect(result.status == 1 && result.stderr.contains(message), "\(result.stderr)")
        }
        // No alerts: an error, and the results of the run before are left as they were.
        let before = try Data(contentsOf: dir.appendingPathComponent("eval.json"))
        try Data().write(to: dir.appendingPathComponent("empty.jsonl"))
        let empty = try await CommandRunner.vigil(
            ["eval", "--alerts", "empty.jsonl", "--labels", "labels.jsonl", "--output", "eval.json"], in: dir)
        #expect(empty.status == 1 && empty.stderr.contains("no alerts to evaluate"), "\(empty.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("eval.json")) == before)
        // --alerts is served only by the event store: without --data it is a usage error, not ignored.
        let ignored = try await CommandRunner.vigil(["triage", "alerts.jsonl", "--alerts", "missing.jsonl"], in: dir)
        #expect(ignored.status == 64 && ignored.stderr.contains("give --data PATH"), "\(ignored.stderr)")
    }
}
