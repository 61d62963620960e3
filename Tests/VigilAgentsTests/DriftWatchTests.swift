import Foundation
import Testing
import VigilCore
import VigilGuard
import VigilTesting

@testable import VigilAgents

/// The drift monitor as a triage run uses it: its history in the case store, checks on a schedule, one alert
/// per drift and window.
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

    @Test func theHistoryIsKeptByTimeAndPrunedBeyondTheHorizon() throws {
        let store = try store()
        let old = Self.history(rule: "R", count: 10, closed: 5, minutesAgo: 9 * 1440, prefix: "old")
        let recent = Self.history(rule: "R", count: 10, closed: 10, minutesAgo: 0, prefix: "new")
        try store.save([], history: old + recent)
        var seen: [CaseStore.HistoryEntry] = []
        try store.forEachVerdict(since: Timestamp(millisecondsSinceEpoch: 0)) { seen.append($0) }
        #expect(seen == old + recent)
        // A watch with a 7-day baseline forgets the 9-day-old verdicts, in the store too.
        let watch = try DriftWatch(settings: .init(), store: store, now: Self.now)
        #expect(watch.historyCount == 10)
        seen = []
        try store.forEachVerdict(since: Timestamp(millisecondsSinceEpoch: 0)) { seen.append($0) }
        #expect(seen == recent)
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
        for i in 0..<40 {
            watch.observe(
                .init(
                    time: Self.now.adding(seconds: Int64(i)), alertID: "r-\(i)", rule: "R",
                    classification: .falsePositive, disposition: .closed))
        }
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
            next.observe(
                .init(
                    time: Self.now.adding(seconds: Int64(300 + i)), alertID: "s-\(i)", rule: "R",
                    classification: .falsePositive, disposition: .closed))
        }
        #expect(next.check(at: Self.now.adding(seconds: 400), force: true).isEmpty)
        // Once the window has passed, a drift that persists is raised again.
        let later = Self.now.adding(seconds: 3 * 3600)
        var third = try DriftWatch(settings: settings, store: store, now: later)
        for i in 0..<40 {
            third.observe(
                .init(
                    time: later.adding(seconds: Int64(i)), alertID: "t-\(i)", rule: "R", classification: .falsePositive,
                    disposition: .closed))
        }
        #expect(third.check(at: later.adding(seconds: 60), force: true).contains { $0.rule == "R" })
        let saved = try store.driftAlerts(since: Timestamp(millisecondsSinceEpoch: 0))
        #expect(saved.count == drifts.count)
        #expect(saved.map { "\($0.drift.rule) \($0.drift.measure)" } == drifts.map { "\($0.rule) \($0.measure)" })
        #expect(saved.first?.raisedAt == Self.now.adding(seconds: 40))
    }

    @Test func theSameMixIsNotDrift() throws {
        let store = try store()
        try store.save([], history: Self.history(rule: "R", count: 500, closed: 200, minutesAgo: 120, prefix: "b"))
        var watch = try DriftWatch(settings: .init(), store: store, now: Self.now)
        for i in 0..<50 {
            watch.observe(
                .init(
                    time: Self.now.adding(seconds: Int64(i)), alertID: "r-\(i)", rule: "R",
                    classification: i % 5 < 2 ? .falsePositive : .truePositive, disposition: i % 5 < 2 ? .closed : .escalated))
        }
        #expect(watch.check(at: Self.now.adding(seconds: 60), force: true).isEmpty)
    }

    @Test func aDriftRoundTripsThroughItsJSON() {
        let drift = DriftMonitor.Drift(
            rule: "AWS.IAM.AccessKeyCreated", measure: "classification:benign", baselineShare: 0.25, recentShare: 0.9,
            recentCount: 40, baselineCount: 700, zScore: 9.5)
        #expect(DriftMonitor.Drift(json: drift.json) == drift)
        #expect(DriftMonitor.Drift(json: ["rule": "x"]) == nil)
    }
}
