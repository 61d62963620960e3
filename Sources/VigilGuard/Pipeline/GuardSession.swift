import Synchronization
import VigilCore

/// One investigation as the Guard sees it: who is calling (agent and tier), for which case, where the
/// values it has seen came from (taint), and whether any tool result was quarantined.
public final class GuardSession: Sendable {
    public let agent: String
    public let tier: String
    public let caseID: String
    public let taint: TaintLedger
    private let state = Mutex(State())

    private struct State {
        var quarantined: [Quarantine] = []
        var calls = 0
    }

    /// A tool result that failed the injection scan.
    public struct Quarantine: Sendable, Hashable {
        public var callID: String
        public var tool: String
        public var verdict: ScanVerdict
    }

    public init(agent: String, tier: String, caseID: String, taint: TaintLedger = TaintLedger()) {
        self.agent = agent
        self.tier = tier
        self.caseID = caseID
        self.taint = taint
    }

    /// The same case at another tier (escalation keeps the evidence, the taint and the quarantine, and
    /// call ids go on from where this tier stopped, so they stay unique in the case).
    public func escalated(to tier: String, agent: String) -> GuardSession {
        let next = GuardSession(agent: agent, tier: tier, caseID: caseID, taint: taint)
        let current = state.withLock { $0 }
        next.state.withLock { $0 = current }
        return next
    }

    /// Records the alert: its structured entities (set by the SIEM from the records' identity fields)
    /// are trusted; its title, description, context and raw events are untrusted.
    public func observe(alert: Alert) {
        for entity in alert.entities { taint.observe(entity.id, source: "alert.entities", trusted: true) }
        taint.observe(.string(alert.title), source: "alert", trusted: false)
        if let description = alert.description { taint.observe(.string(description), source: "alert", trusted: false) }
        taint.observe(.object(alert.context), source: "alert", trusted: false)
        for event in alert.events { taint.observe(event.record, source: "alert", trusted: false) }
    }

    /// Whether any result of this case was quarantined: such a case may not be closed automatically.
    public var isQuarantined: Bool { state.withLock { !$0.quarantined.isEmpty } }

    /// The quarantined results, for the case record.
    public var quarantined: [Quarantine] { state.withLock { $0.quarantined } }

    /// Whether the case may be closed without a human.
    public var mayAutoClose: Bool { !isQuarantined }

    func quarantine(_ q: Quarantine) { state.withLock { $0.quarantined.append(q) } }

    func nextCallNumber() -> Int {
        state.withLock { state in
            state.calls += 1
            return state.calls
        }
    }
}
