import Foundation
import Synchronization
import Testing
import VigilCore
import VigilTesting

@testable import VigilGuard

@Suite("Watchdog, runbooks and drift")
struct WatchdogTests {
    static let runbooks = RunbookLibrary(runbooks: [
        try! Runbook.parse(
            """
            ---
            id: brute-force
            title: Brute force
            matches: ["brute force", "password spray", "okta.login_failures"]
            attack: [T1110]
            ---
            # Brute force
            """),
        try! Runbook.parse(
            """
            ---
            id: mfa-fatigue
            title: MFA fatigue
            matches: ["mfa push", "push fatigue"]
            attack: [T1621]
            ---
            """),
    ])

    @Test func runbooksArePickedByTheirTermsWithTheGenericOneLast() throws {
        #expect(Self.runbooks.runbook(ruleID: "Okta.Login_Failures", title: "Many failures").id == "brute-force")
        #expect(Self.runbooks.runbook(ruleID: "x", title: "Repeated MFA push denials").id == "mfa-fatigue")
        #expect(Self.runbooks.runbook(ruleID: "x", title: "Something new").id == "generic")
        #expect(Self.runbooks.generic == RunbookLibrary.fallback)
    }

    @Test(arguments: [
        ("# no front matter", "front-matter"),
        ("---\ntitle: T\n---", "needs an id"),
        ("---\nid: a\n---", "needs a title"),
        ("---\nid: a\ntitle: T\nmatches: \"x\"\n---", "must be a list"),
        ("---\nid: a\ntitle: T\nowner: me\n---", "unknown key 'owner'"),
        ("---\nid: a\ntitle: T\nmatches: [\"x]\n---", "unclosed quote"),
    ])
    func badRunbooksAreRefused(text: String, expected: String) {
        #expect {
            try Runbook.parse(text, path: "runbooks/x.md")
        } throws: { error in
            (error as? RunbookError)?.description.contains(expected) == true
        }
    }

    @Test func theRepositoryRunbooksLoadAndCoverEveryFamily() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../runbooks"
        ).path
        let library = try RunbookLibrary(directory: directory)
        #expect(library.runbooks.count >= 15)
        #expect(library.generic.path != nil)
        #expect(Set(library.runbooks.map(\.id)).count == library.runbooks.count)
        for runbook in library.runbooks {
            #expect(!runbook.matches.isEmpty, "\(runbook.id) has no match terms")
            #expect(runbook.text.count > 500, "\(runbook.id) is too thin to guide anyone")
        }
    }

    @Test func budgetsStopTheInvestigationAndHandItOverWithItsRunbook() {
        let clock = FakeClock()
        let handed = Mutex<[Watchdog.Handoff]>([])
        let watchdog = Watchdog(runbooks: Self.runbooks, clock: clock, silenceSeconds: 30) { h in
            handed.withLock { $0.append(h) }
        }
        let cancelled = Mutex<Set<String>>([])
        func begin(_ id: String, title: String, budget: Watchdog.Budget) -> Watchdog.Ticket {
            watchdog.begin(caseID: id, alertID: "a-\(id)", ruleID: "r", title: title, tier: "tier1", budget: budget) {
                _ = cancelled.withLock { $0.insert(id) }
            }
        }
        let budget = Watchdog.Budget(steps: 5, tokens: 10_000, seconds: 60)
        let steps = begin("steps", title: "Brute force against okta", budget: budget)
        for _ in 0..<5 { #expect(watchdog.heartbeat(steps, steps: 1, tokens: 100) == nil) }
        let over = watchdog.heartbeat(steps, steps: 1)
        #expect(over?.reason == .stepBudget(used: 6, budget: 5))
        #expect(over?.runbook.id == "brute-force")
        // Once stopped, further heartbeats are ignored.
        #expect(watchdog.heartbeat(steps, steps: 1) == nil)

        let tokens = begin("tokens", title: "x", budget: budget)
        #expect(watchdog.heartbeat(tokens, tokens: 10_001)?.reason.code == "token_budget")

        let model = begin("model", title: "Repeated MFA push denials", budget: budget)
        let failed = watchdog.modelFailed(model, "HTTP 529 overloaded after 4 attempts")
        #expect(
            failed?.reason == .modelFailure("HTTP 529 overloaded after 4 attempts")
                && failed?.runbook.id == "mfa-fatigue")

        let fine = begin("fine", title: "x", budget: budget)
        watchdog.end(fine)
        #expect(watchdog.active == 0)
        #expect(cancelled.withLock { $0 } == ["steps", "tokens", "model"])
        #expect(handed.withLock { $0.map(\.caseID) } == ["steps", "tokens", "model"])
        #expect(handed.withLock { $0[0].json["runbook"] } == "brute-force")
    }

    @Test func aHungModelIsStoppedByTheSweep() async throws {
        let clock = FakeClock()
        let watchdog = Watchdog(runbooks: Self.runbooks, clock: clock, silenceSeconds: 30)
        // The investigation awaits a model that never answers.
        let investigation = Task {
            try await Task.sleep(for: .seconds(86_400))
        }
        let ticket = watchdog.begin(
            caseID: "hung", alertID: "a", ruleID: "r", title: "t", tier: "tier2",
            budget: .init(steps: 50, tokens: 100_000, seconds: 300)
        ) { investigation.cancel() }
        clock.advance(seconds: 20)
        #expect(watchdog.sweep().isEmpty)
        watchdog.heartbeat(ticket, steps: 1)
        clock.advance(seconds: 31)
        let handoffs = watchdog.sweep()
        #expect(handoffs.map(\.reason.code) == ["no_heartbeat"])
        #expect(handoffs.first?.runbook.id == "generic")
        // Taken over: a late heartbeat is told so (the investigation must not go on), and so is its end.
        #expect(watchdog.heartbeat(ticket, steps: 1)?.caseID == "hung")
        #expect(watchdog.end(ticket)?.reason.code == "no_heartbeat")
        let result = await investigation.result
        #expect(throws: CancellationError.self) { try result.get() }

        // And one that heartbeats but runs past its time budget.
        let slow = watchdog.begin(
            caseID: "slow", alertID: "b", ruleID: "r", title: "t", tier: "tier1",
            budget: .init(steps: 50, tokens: 1, seconds: 60)
        ) {}
        for _ in 0..<3 {
            clock.advance(seconds: 25)
            watchdog.heartbeat(slow)
        }
        #expect(watchdog.active == 0)
    }

    @Test func aSuddenRiseInAutoClosesIsDrift() {
        var monitor = DriftMonitor(
            configuration: .init(
                recentSeconds: 3600, baselineSeconds: 86_400, minimumRecent: 20, minimumBaseline: 100, threshold: 4))
        let start = Timestamp(rfc3339: "2026-11-20T00:00:00Z")!
        // A day of baseline: rule A closes 60% automatically, rule B 90%.
        var t = start
        for i in 0..<1440 {
            monitor.record(
                .init(rule: "A", autoClosed: i % 5 < 3, classification: i % 5 < 3 ? "false_positive" : "true_positive"),
                at: t)
            monitor.record(.init(rule: "B", autoClosed: i % 10 != 0, classification: "false_positive"), at: t)
            t = t.adding(seconds: 60)
        }
        // The same mix for the next hour: no drift.
        for i in 0..<60 {
            monitor.record(
                .init(rule: "A", autoClosed: i % 5 < 3, classification: i % 5 < 3 ? "false_positive" : "true_positive"),
                at: t)
            monitor.record(.init(rule: "B", autoClosed: i % 10 != 0, classification: "false_positive"), at: t)
            t = t.adding(seconds: 60)
        }
        #expect(monitor.check(at: t).isEmpty)
        // Then rule A closes everything for an hour.
        for _ in 0..<60 {
            monitor.record(.init(rule: "A", autoClosed: true, classification: "false_positive"), at: t)
            monitor.record(.init(rule: "B", autoClosed: true, classification: "false_positive"), at: t)
            t = t.adding(seconds: 60)
        }
        let drifts = monitor.check(at: t)
        let a = drifts.filter { $0.rule == "A" }
        #expect(a.contains { $0.measure == "auto_close" && $0.rising && $0.recentShare == 1 })
        #expect(a.contains { $0.measure == "classification:true_positive" && !$0.rising })
        #expect(drifts.contains { $0.rule == "*" && $0.measure == "auto_close" })
        // Rule B went from 90% to 100%: within noise for 60 verdicts at this threshold.
        #expect(!drifts.contains { $0.rule == "B" && $0.measure == "auto_close" })
        #expect(a.first?.description.contains("rule A") == true)
        // Too few recent verdicts: no judgement.
        var quiet = DriftMonitor()
        quiet.record(.init(rule: "A", autoClosed: true, classification: "x"), at: t)
        #expect(quiet.check(at: t).isEmpty)
    }
}
