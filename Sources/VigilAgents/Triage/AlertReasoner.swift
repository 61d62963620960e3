import VigilCore
import VigilGuard

/// Whatever turns an alert and its playbook into a verdict: the offline playbook reasoner, or model
/// tiers through a provider. Each opens its own Guard session for the case.
public protocol AlertReasoner: Sendable {
    /// The agent's name in the audit log.
    var agentName: String { get }
    func assess(_ alert: Alert, playbook: Playbook, host: any ToolHost) async throws -> Assessment
}

/// A verdict and the case behind it (timeline, tool calls, report).
public struct Assessment: Sendable {
    public var verdict: Verdict
    public var record: Case
    public var calls: [ToolCallRecord]
    /// The detection rule of the alert (set by `TriageEngine`), which the drift monitor counts by.
    public var ruleID = ""

    public init(verdict: Verdict, record: Case, calls: [ToolCallRecord]) {
        self.verdict = verdict
        self.record = record
        self.calls = calls
    }
}

extension Case {
    /// The case of a verdict: closed, awaiting approval of proposed actions, or under investigation
    /// by people; its report written from the verdict, timeline and calls.
    static func of(
        _ alert: Alert, verdict: Verdict, timeline: [TimelineEntry], quarantined: Bool, calls: [ToolCallRecord],
        playbook: Playbook, narrative: String? = nil, handoff: Watchdog.Handoff? = nil, now: Timestamp
    ) -> Case {
        let status: Case.Status =
            verdict.disposition == .closed
            ? .closed : verdict.actions.contains { $0.status == .pendingApproval } ? .awaitingApproval : .investigating
        var record = Case(
            id: alert.id, alertIDs: [alert.id], status: status, severity: alert.severity, openedAt: now,
            entities: alert.entities,
            timeline: timeline, verdict: verdict, quarantined: quarantined)
        record.report = ReportWriter.report(
            alert: alert, record: record, calls: calls, playbook: playbook, narrative: narrative, handoff: handoff)
        return record
    }
}
