import Dispatch
import Synchronization
import VigilCore
import VigilGuard

/// Turns alerts into verdicts: picks each alert's playbook and has the reasoner (offline or model
/// tiers) investigate it through the host. A failure on one alert never stops the others: it yields a verdict
/// with disposition `escalated` and the reason.
public struct TriageEngine: Sendable {
    public let host: any ToolHost
    public let library: PlaybookLibrary
    public let reasoner: any AlertReasoner

    public init(host: any ToolHost, library: PlaybookLibrary, reasoner: any AlertReasoner = OfflineReasoner()) {
        self.host = host
        self.library = library
        self.reasoner = reasoner
    }

    /// One alert's assessment; a failure becomes an escalation naming it. The verdict is audited before it is
    /// returned; one that cannot be audited is not allowed to close the alert.
    public func assess(_ alert: Alert) async -> Assessment {
        var assessment = await investigate(alert)
        assessment.ruleID = alert.ruleID
        do {
            try await host.record(verdict: assessment.verdict, caseID: assessment.record.id)
        } catch {
            let wouldClose = assessment.verdict.disposition == .closed
            if wouldClose {
                assessment.verdict.disposition = .escalated
                assessment.verdict.summary =
                    "Escalated: the verdict could not be written to the audit log (\(error)), so it does not close the alert. It was: "
                    + assessment.verdict.summary
                assessment.record.status = .investigating
            } else {
                assessment.verdict.summary += " (This verdict could not be written to the audit log: \(error).)"
            }
            assessment.record.verdict = assessment.verdict
            assessment.record.report =
                (assessment.record.report ?? "")
                + "\n\n**Not in the audit log:** the verdict could not be written to it (\(error))"
                + (wouldClose ? ", so it does not close the alert.\n" : ".\n")
        }
        return assessment
    }

    private func investigate(_ alert: Alert) async -> Assessment {
        let start = ContinuousClock.now
        let playbook = library.playbook(for: alert)
        do {
            var assessment = try await reasoner.assess(alert, playbook: playbook, host: host)
            assessment.verdict.durationMilliseconds = Self.milliseconds(since: start)
            assessment.record.verdict = assessment.verdict
            return assessment
        } catch {
            let verdict = Verdict(
                alertID: alert.id, classification: .unknown, disposition: .escalated, confidence: 0, tier: 1,
                summary: "Escalated: the investigation failed (\(error)); a person must triage this alert.",
                durationMilliseconds: Self.milliseconds(since: start))
            let record = Case.of(
                alert, verdict: verdict, timeline: [], quarantined: false, calls: [], playbook: playbook,
                now: alert.createdAt)
            return Assessment(verdict: verdict, record: record, calls: [])
        }
    }

    /// The verdict for one alert.
    public func triage(_ alert: Alert) async -> Verdict { await assess(alert).verdict }

    /// Triage of a sequence of alerts, at most `concurrency` at a time; `emit` receives each assessment
    /// in input order. The sequence is read as alerts finish, so a stream of any length runs in bounded
    /// memory. It is read on a thread of its own, one alert at a time, so a quiet input (a pipe from a live
    /// feed) never holds back the verdicts of the alerts already read: each is emitted as soon as it and the
    /// ones before it are done. Once `stop` says so (checked before each read, and every 100 ms while one waits
    /// for input) nothing more is read: the investigations under way finish and are emitted. An error from `emit`
    /// ends the run at once, without waiting for the input.
    public func triage(
        _ alerts: some Sequence<Alert>, concurrency: Int, stop: (@Sendable () -> Bool)? = nil,
        emit: (Int, Assessment) async throws -> Void
    ) async rethrows {
        let input = AlertReader(AnyIterator(alerts.makeIterator()))
        let width = max(1, concurrency)
        let watcher = stop.map { stop in
            Task {
                while !Task.isCancelled {
                    if stop() {
                        input.cancel()
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
        defer {
            watcher?.cancel()
            input.cancel()  // a read still waiting for input (the run ended on an error) returns at once
        }
        try await withoutActuallyEscaping(emit) { emit in
            try await withThrowingTaskGroup(of: TriageEvent.self) { group in
                var next = 0
                var running = 0
                var reading = false
                var exhausted = false
                var done: [Int: Assessment] = [:]
                var emitted = 0
                // Reads the next alert while there is room: investigations under way below `concurrency`, and the
                // finished alerts waiting for the ones before them bounded too.
                func readIfRoom() {
                    guard !reading, !exhausted, running < width, next - emitted < 8 * width else { return }
                    if stop?() == true {
                        exhausted = true
                        return
                    }
                    reading = true
                    group.addTask { .read(await input.next()) }
                }
                readIfRoom()
                do {
                    while let event = try await group.next() {
                        switch event {
                        case .read(let alert):
                            reading = false
                            guard let alert else {
                                exhausted = true
                                continue
                            }
                            let index = next
                            next += 1
                            running += 1
                            group.addTask { .done(index, await self.assess(alert)) }
                        case .done(let index, let assessment):
                            running -= 1
                            done[index] = assessment
                            while let ready = done.removeValue(forKey: emitted) {
                                try await emit(emitted, ready)
                                emitted += 1
                            }
                        }
                        readIfRoom()
                    }
                } catch {
                    // The group waits for its children before it rethrows: the read must not wait for input.
                    input.cancel()
                    throw error
                }
            }
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}

/// What the triage loop waits for: the next alert read, or an investigation done.
private enum TriageEvent: Sendable {
    case read(Alert?)
    case done(Int, Assessment)
}

/// A synchronous sequence of alerts read one alert at a time on a serial queue of its own: the reads may block (a
/// pipe, a terminal), and block that queue's thread rather than one of the concurrency pool's. One read at a time.
/// `cancel` ends the sequence: a read waiting for input returns nil at once (what it reads later is dropped), and
/// later reads return nil.
final class AlertReader: @unchecked Sendable {
    // Touched only on `queue`.
    private var iterator: AnyIterator<Alert>
    private let queue = DispatchQueue(label: "vigil.alert-reader")
    private struct State {
        var waiting: CheckedContinuation<Alert?, Never>?
        var cancelled = false
    }
    private let state = Mutex(State())

    init(_ iterator: AnyIterator<Alert>) { self.iterator = iterator }

    func next() async -> Alert? {
        await withCheckedContinuation { continuation in
            let go = state.withLock { state -> Bool in
                guard !state.cancelled else { return false }
                state.waiting = continuation
                return true
            }
            guard go else { return continuation.resume(returning: nil) }
            queue.async {
                let alert = self.state.withLock { $0.cancelled } ? nil : self.iterator.next()
                let waiting = self.state.withLock { state -> CheckedContinuation<Alert?, Never>? in
                    defer { state.waiting = nil }
                    return state.waiting
                }
                waiting?.resume(returning: alert)
            }
        }
    }

    func cancel() {
        let waiting = state.withLock { state -> CheckedContinuation<Alert?, Never>? in
            state.cancelled = true
            defer { state.waiting = nil }
            return state.waiting
        }
        waiting?.resume(returning: nil)
    }
}
