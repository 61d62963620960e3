import Foundation
import GRDB
import Testing
import VigilCore
import VigilGuard
import VigilTesting

@testable import VigilAgents

/// The drift monitor as a triage run uses it: its history in the case store, checks on a schedule, one alert
/// per drift and window, and alert-controlled rule names kept in their place.
@Suite("Drift watch")
struct DriftWatchTests {
    static let now = Timestamp(rfc3339: "2026-11-20T12:00:00Z")!

    func store() throws -> CaseStore {
        try CaseStore(path: try CommandRunner.temporaryDirectory().appendingPathComponent("cases.db").path)
    }

    /// `count` verdicts of `rule`, one a minute ending `minutesAgo` before `now`, the first `closed` of them closed.
    static func history(
        rule: String, count: Int, closed: Int, minutesAgo: Int, prefix: String
    ) -> [CaseStore.HistoryEntry] {
        (0..<count).map { i in
            CaseStore.HistoryEntry(
                time: now.adding(seconds: -Int64(60 * (minutesAgo + count - i))), alertID: "\(prefix)-\(i)", rule: rule,
                classification: i < closed ? .falsePositive : .truePositive, disposition: i < closed ? .closed : .escalated)
        }
    }

    static func verdict(
        _ id: String, rule: String = "R", closed: Bool, classification: Verdict.Classification? = nil, at time: Timestamp
    ) -> CaseStore.HistoryEntry {
        CaseStore.HistoryEntry(
            time: time, alertID: id, rule: rule, classification: classification ?? (closed ? .falsePositive : .truePositive),
            disposition: closed ? .closed : .escalated)
    }

    func all(_ store: CaseStore) throws -> [CaseStore.HistoryEntry] {
        var seen: [CaseStore.HistoryEntry] = []
        try store.forEachVerdict(since: Timestamp(millisecondsSinceEpoch: 0)) { seen.append($0) }
        return seen
    }

    @Test func theHistoryHoldsEachAlertsLatestVerdictAndIsPrunedAfterItsRetention() throws {
        let store = try store()
        let ancient = Self.history(rule: "R", count: 5, closed: 5, minutesAgo: 401 * 1440, prefix: "ancient")
        let old = Self.history(rule: "R", count: 10, closed: 5, minutesAgo: 9 * 1440, prefix: "old")
        let recent = Self.history(rule: "R", count: 10, closed: 10, minutesAgo: 0, prefix: "new")
        try store.save([], history: ancient + old + recent)
        #expect(try all(store) == ancient + old + recent)
        // Decided again: the alert's new verdict replaces the old one.
        let again = Self.verdict("old-0", closed: false, at: Self.now)
        try store.save([], history: [again])
        #expect(try store.historyEntry(alertID: "old-0") == again)
        #expect(try all(store).count == 25)
        // A watch with a 7-day baseline counts the recent ten and the re-decided one; the store keeps 400 days.
        let watch = try DriftWatch(settings: .init(), store: store, now: Self.now)
        #expect(watch.historyCount == 11)
        #expect(try all(store).count == 20, "only the verdicts past the retention are deleted")
        #expect(try all(store).allSatisfy { !$0.alertID.hasPrefix("ancient") })
    }

    @Test func aRiseInClosesIsRaisedOncePerWindowAcrossRuns() throws {
        let store = try store()
        // Two days of baseline closing 40%; nothing recent yet.
        try store.save([], history: Self.history(rule: "R", count: 500, closed: 200, minutesAgo: 120, prefix: "b"))
        var settings = VigilConfiguration.Guardrails.Drift()
        settings.checkSeconds = 60
        var watch = try DriftWatch(settings: settings, store: store, now: Self.now)
        #expect(watch.historyCount == 500)
        #expect(watch.check(at: Self.now, force: true).isEmpty, "no recent verdicts: nothing to compare")
        // Then every alert closes.
        for i in 0..<40 { watch.observe(Self.verdict("r-\(i)", closed: true, at: Self.now.adding(seconds: Int64(i)))) }
        #expect(watch.check(at: Self.now.adding(seconds: 40)).isEmpty, "not due: 60 seconds have not passed")
        let drifts = watch.check(at: Self.now.adding(seconds: 40), force: true)
        #expect(drifts.contains { $0.rule == "R" && $0.measure == "auto_close" && $0.rising && $0.recentShare == 1 })
        #expect(drifts.contains { $0.rule == "*" && $0.measure == "auto_close" })
        // Raised once: the next check in the window stays quiet.
        #expect(watch.check(at: Self.now.adding(seconds: 120)).isEmpty)
        // A second run in the same window knows what the first raised (from the store).
        try store.saveDriftAlerts(drifts.map { .init(raisedAt: Self.now.adding(seconds: 40), drift: $0) })
        var next = try DriftWatch(settings: settings, store: store, now: Self.now.adding(seconds: 300))
        for i in 0..<40 {
            next.observe(Self.verdict("s-\(i)", closed: true, at: Self.now.adding(seconds: Int64(300 + i))))
        }
        #expect(next.check(at: Self.now.adding(seconds: 400), force: true).isEmpty)
        // Once the window has passed, a drift that persists is raised again.
        let later = Self.now.adding(seconds: 3 * 3600)
        var third = try DriftWatch(settings: settings, store: store, now: later)
        for i in 0..<40 { third.observe(Self.verdict("t-\(i)", closed: true, at: later.adding(seconds: Int64(i)))) }
        #expect(third.check(at: later.adding(seconds: 60), force: true).contains { $0.rule == "R" })
        let saved = try store.driftAlerts(since: Timestamp(millisecondsSinceEpoch: 0))
        #expect(saved.map { "\($0.drift.rule) \($0.drift.measure)" } == drifts.map { "\($0.rule) \($0.measure)" })
        #expect(saved.first?.raisedAt == Self.now.adding(seconds: 40))
    }

    @Test func theSameMixIsNotDriftNorIsOneRareVerdict() throws {
        let store = try store()
        try store.save([], history: Self.history(rule: "R", count: 1000, closed: 400, minutesAgo: 120, prefix: "b"))
        var watch = try DriftWatch(settings: .init(), store: store, now: Self.now)
        for i in 0..<50 {
            watch.observe(Self.verdict("r-\(i)", closed: i % 5 < 2, at: Self.now.adding(seconds: Int64(i))))
        }
        #expect(watch.check(at: Self.now.adding(seconds: 60), force: true).isEmpty)
        // One `unknown` where the baseline had none is improbable, but one verdict is not a drift.
        var rare = try DriftWatch(settings: .init(), store: store, now: Self.now)
        for i in 0..<19 {
            rare.observe(Self.verdict("q-\(i)", closed: i % 5 < 2, at: Self.now.adding(seconds: Int64(i))))
        }
        rare.observe(Self.verdict("q-19", closed: false, classification: .unknown, at: Self.now.adding(seconds: 19)))
        #expect(rare.check(at: Self.now.adding(seconds: 60), force: true).isEmpty)
        // Five of them are.
        for i in 20..<25 {
            rare.observe(Self.verdict("q-\(i)", closed: false, classification: .unknown, at: Self.now.adding(seconds: Int64(i))))
        }
        #expect(
            rare.check(at: Self.now.adding(seconds: 120), force: true).contains {
                $0.rule == "R" && $0.measure == "classification:unknown" && $0.rising
            })
    }

    /// Re-triaging the same alerts moves nothing: each alert counts once, at its latest verdict.
    @Test func anAlertDecidedAgainCountsOnce() throws {
        let store = try store()
        try store.save([], history: Self.history(rule: "R", count: 200, closed: 20, minutesAgo: 120, prefix: "b"))
        var watch = try DriftWatch(settings: .init(), store: store, now: Self.now)
        var sinkHistory: [CaseStore.HistoryEntry] = []
        for round in 0..<5 {
            for i in 0..<20 {
                let entry = Self.verdict("r-\(i)", closed: i < 2, at: Self.now.adding(seconds: Int64(round * 20 + i)))
                let previous = round == 0 ? nil : sinkHistory.first { $0.alertID == entry.alertID }
                watch.observe(entry, replacing: previous)
                sinkHistory.removeAll { $0.alertID == entry.alertID }
                sinkHistory.append(entry)
            }
        }
        let window = try #require(watch.monitor.windows(at: Self.now.adding(seconds: 100)).first { $0.rule == "R" })
        #expect(window.recent == 20)
        #expect(window.recentClosed == 2)
        #expect(window.baseline == 200)
    }

    /// Rule names come from alerts: `*` is a rule like another, control characters are not printed, and past the
    /// cap the rest count as one.
    @Test func ruleNamesFromAlertsStayInTheirPlace() throws {
        let store = try store()
        var watch = try DriftWatch(settings: .init(), store: store, now: Self.now)
        watch.observe(Self.verdict("a", rule: "*", closed: true, at: Self.now))
        watch.observe(Self.verdict("b", rule: "X\u{1B}[2K\rvigil: all clear", closed: true, at: Self.now))
        watch.observe(Self.verdict("c", rule: "", closed: true, at: Self.now))
        let windows = watch.monitor.windows(at: Self.now)
        #expect(windows.first { $0.rule == "*" }?.recent == 3, "the overall count holds each verdict once")
        #expect(windows.map(\.rule).contains("(rule named *)"))
        #expect(windows.map(\.rule).contains("X?[2K?vigil: all clear"))
        #expect(windows.map(\.rule).contains("(no rule)"))
        watch.observe(Self.verdict("d", rule: "(other rules)", closed: true, at: Self.now))
        #expect(watch.monitor.windows(at: Self.now).map(\.rule).contains("(rule named (other rules))"))
        for i in 0..<(DriftWatch.maxRules + 10) {
            watch.observe(Self.verdict("t-\(i)", rule: "title \(i)", closed: true, at: Self.now))
        }
        let rules = watch.monitor.windows(at: Self.now).map(\.rule)
        #expect(rules.count == DriftWatch.maxRules + 2)  // the cap, "(other rules)" and "*"
        #expect(watch.monitor.windows(at: Self.now).first { $0.rule == "(other rules)" }?.recent == 14)
    }

    /// A store written before the verdict history: triage adds the tables and keeps the cases; a read-only look
    /// changes nothing and finds no history.
    @Test func aStoreFromBeforeTheHistoryIsUpgradedInPlace() throws {
        let path = try Self.writeOldStore(
            "old.db", migrations: ["v1"],
            """
            CREATE INDEX cases_disposition ON cases (disposition, saved_at);
            INSERT INTO cases VALUES ('alert-1', 'false_positive', 'closed', 'closed', 1, 0, '{}', 'report');
            """)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try CaseStore(readingOnly: path)
        #expect(!reader.hasHistory)
        #expect(try DriftWatch(settings: .init(), store: reader, now: Self.now, prune: false).historyCount == 0)
        #expect(try reader.driftAlerts(since: Timestamp(millisecondsSinceEpoch: 0)).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "a read-only look changes nothing")
        let store = try CaseStore(path: path)
        #expect(try store.alertIDs() == ["alert-1"])
        try store.save([], history: [Self.verdict("alert-2", closed: true, at: Self.now)])
        #expect(try all(store).map(\.alertID) == ["alert-2"])
    }

    /// The history's first form kept every verdict of an alert; opening such a store keeps each alert's latest.
    @Test func aHistoryWithRepeatsIsKeyedByAlert() throws {
        let path = try Self.writeOldStore(
            "dev.db", migrations: ["v1", "v2"],
            """
            CREATE TABLE verdict_history (
                decided_at INTEGER NOT NULL, alert_id TEXT NOT NULL, rule TEXT NOT NULL,
                classification TEXT NOT NULL, disposition TEXT NOT NULL);
            CREATE INDEX verdict_history_time ON verdict_history (decided_at);
            CREATE TABLE drift_alerts (
                raised_at INTEGER NOT NULL, rule TEXT NOT NULL, measure TEXT NOT NULL, record TEXT NOT NULL);
            INSERT INTO verdict_history VALUES
                (1000, 'a', 'R', 'true_positive', 'escalated'),
                (3000, 'a', 'R', 'false_positive', 'closed'),
                (2000, 'a', 'R', 'unknown', 'escalated'),
                (1500, 'b', 'R', 'false_positive', 'closed');
            """)
        let store = try CaseStore(path: path)
        let all = try all(store)
        #expect(all.map(\.alertID) == ["b", "a"])
        #expect(try store.historyEntry(alertID: "a")?.disposition == .closed)
        try store.save([], history: [Self.verdict("a", closed: false, at: Timestamp(millisecondsSinceEpoch: 4000))])
        #expect(try self.all(store).count == 2)
    }

    /// Taking back a verdict that was not counted where it is said to be changes nothing (no negative counts).
    @Test func takingBackWhatWasNotCountedChangesNothing() {
        var monitor = DriftMonitor()
        let closed = DriftMonitor.Observation(rule: "R", autoClosed: true, classification: "false_positive")
        let escalated = DriftMonitor.Observation(rule: "R", autoClosed: false, classification: "true_positive")
        monitor.record(closed, at: Self.now)
        monitor.remove(escalated, at: Self.now)
        monitor.remove(closed, at: Self.now.adding(seconds: 3600))
        let window = monitor.windows(at: Self.now).first { $0.rule == "R" }
        #expect(window?.recent == 1 && window?.recentClosed == 1)
        #expect(window?.recentClassifications == ["false_positive": 1])
        monitor.remove(closed, at: Self.now)
        #expect(monitor.windows(at: Self.now).isEmpty, "the last verdict taken back leaves nothing")
    }

    /// A case store as an earlier version left it: its `cases` table, the migrations it recorded, then `sql`.
    static func writeOldStore(_ name: String, migrations: [String], _ sql: String) throws -> String {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent(name).path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            for migration in migrations {
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES (?)", arguments: [migration])
            }
            try db.execute(
                sql: """
                    CREATE TABLE cases (
                        alert_id TEXT PRIMARY KEY, classification TEXT NOT NULL, disposition TEXT NOT NULL,
                        status TEXT NOT NULL, tier INTEGER NOT NULL, saved_at INTEGER NOT NULL, record TEXT NOT NULL,
                        report TEXT NOT NULL);
                    """ + sql)
        }
        try queue.close()
        return path
    }

    @Test func aFileThatIsNotACaseStoreIsRefusedForReading() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let empty = directory.appendingPathComponent("empty.db").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(throws: CaseStoreError.self) { try CaseStore(readingOnly: empty) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty, "nothing written into it")
        let text = directory.appendingPathComponent("notes.txt").path
        #expect(FileManager.default.createFile(atPath: text, contents: Data("not a database at all, just notes\n".utf8)))
        do {
            _ = try CaseStore(readingOnly: text)
            Issue.record("a text file was read as a case store")
        } catch {
            #expect(error.description.contains("cannot read it as a case store"), "\(error)")
            #expect(!error.description.contains("sqlite_master"), "no SQL in the message: \(error)")
        }
    }

    @Test func aDriftRoundTripsThroughItsJSON() {
        let drift = DriftMonitor.Drift(
            rule: "AWS.IAM.AccessKeyCreated", measure: "classification:benign", baselineShare: 0.25, recentShare: 0.9,
            recentCount: 40, baselineCount: 700, zScore: 9.5)
        #expect(DriftMonitor.Drift(json: drift.json) == drift)
        #expect(DriftMonitor.Drift(json: ["rule": "x"]) == nil)
    }
}
