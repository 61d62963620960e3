import VigilCore
import VigilGuard

/// Turns alerts into verdicts: picks each alert's playbook, opens a Guard session for its case, and
/// has the reasoner investigate. A failure on one alert never stops the others: it yields a verdict
/// with disposition `escalated` and the reason.
public struct TriageEngine: Sendable {
    public let host: any ToolHost
    public let library: PlaybookLibrary
    public let reasoner: OfflineReasoner

    public init(host: any ToolHost, library: PlaybookLibrary, reasoner: OfflineReasoner = .init()) {
        self.host = host
        self.library = library
        self.reasoner = reasoner
    }

    /// One alert's investigation (the verdict, and how it was reached).
    public func investigate(_ alert: Alert) async -> Result<OfflineReasoner.Investigation, TriageFailure> {
        let start = ContinuousClock.now
        let playbook = library.playbook(for: alert)
        let session = GuardSession(agent: "offline-reasoner", tier: "tier1", caseID: alert.id)
        session.observe(alert: alert)
        do {
            var investigation = try await reasoner.investigate(alert, playbook: playbook, session: session, host: host)
            investigation.verdict.durationMilliseconds = Self.milliseconds(since: start)
            return .success(investigation)
        } catch {
            return .failure(TriageFailure(alertID: alert.id, reason: String(describing: error)))
        }
    }

    /// The verdict for one alert; a failure becomes an escalation naming it.
    public func triage(_ alert: Alert) async -> Verdict {
        let start = ContinuousClock.now
        switch await investigate(alert) {
        case .success(let investigation): return investigation.verdict
        case .failure(let failure):
            return Verdict(
                alertID: alert.id, classification: .unknown, disposition: .escalated, confidence: 0, tier: 1,
                summary: "Escalated: the investigation failed (\(failure.reason)); a person must triage this alert.",
                durationMilliseconds: Self.milliseconds(since: start))
        }
    }

    /// Triage of a sequence of alerts, at most `concurrency` at a time; `emit` receives each verdict in
    /// input order.
    public func triage(
        _ alerts: some Sequence<Alert>, concurrency: Int, emit: (Int, Verdict) throws -> Void
    ) async rethrows {
        try await withoutActuallyEscaping(emit) { emit in
            try await withThrowingTaskGroup(of: (Int, Verdict).self) { group in
                var iterator = alerts.makeIterator()
                var next = 0
                var running = 0
                var done: [Int: Verdict] = [:]
                var emitted = 0
                func start() -> Bool {
                    guard let alert = iterator.next() else { return false }
                    let index = next
                    next += 1
                    running += 1
                    group.addTask { (index, await self.triage(alert)) }
                    return true
                }
                while running < max(1, concurrency), start() {}
                while let (index, verdict) = try await group.next() {
                    running -= 1
                    done[index] = verdict
                    while let ready = done.removeValue(forKey: emitted) {
                        try emit(emitted, ready)
                        emitted += 1
                    }
                    _ = start()
                }
            }
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}

/// Why an alert's investigation could not finish.
public struct TriageFailure: Error, Sendable, CustomStringConvertible {
    public var alertID: String
    public var reason: String
    public var description: String { "\(alertID): \(reason)" }
}
