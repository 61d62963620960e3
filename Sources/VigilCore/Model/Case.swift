/// The investigation of one or more related alerts: its state, what was learnt, and the verdict.
public struct Case: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case open
        case investigating
        case awaitingApproval = "awaiting_approval"
        case closed
    }

    public var id: String
    public var alertIDs: [String]
    public var status: Status
    public var severity: Severity
    public var openedAt: Timestamp
    public var updatedAt: Timestamp
    public var entities: [Entity]
    public var timeline: [TimelineEntry]
    public var verdict: Verdict?
    /// Set when any tool result in the case failed the prompt-injection scan: the case can then
    /// no longer be closed automatically.
    public var quarantined: Bool
    /// The Markdown incident report, once Tier 3 has written it.
    public var report: String?

    public init(
        id: String, alertIDs: [String], status: Status = .open, severity: Severity, openedAt: Timestamp,
        updatedAt: Timestamp? = nil, entities: [Entity] = [], timeline: [TimelineEntry] = [], verdict: Verdict? = nil,
        quarantined: Bool = false, report: String? = nil
    ) {
        self.id = id
        self.alertIDs = alertIDs
        self.status = status
        self.severity = severity
        self.openedAt = openedAt
        self.updatedAt = updatedAt ?? openedAt
        self.entities = entities
        self.timeline = timeline
        self.verdict = verdict
        self.quarantined = quarantined
        self.report = report
    }

    /// Whether the case may be closed without a human: never once quarantined content touched it.
    public var mayAutoClose: Bool { !quarantined }

    enum CodingKeys: String, CodingKey {
        case id, status, severity, entities, timeline, verdict, quarantined, report
        case alertIDs = "alert_ids"
        case openedAt = "opened_at"
        case updatedAt = "updated_at"
    }
}

/// One step of an attack timeline, with the evidence behind it.
public struct TimelineEntry: Sendable, Hashable, Codable {
    public var time: Timestamp
    public var summary: String
    public var entities: [Entity]
    /// ATT&CK technique id, where the step maps to one.
    public var technique: String?
    public var toolCallIDs: [String]

    public init(
        time: Timestamp, summary: String, entities: [Entity] = [], technique: String? = nil, toolCallIDs: [String] = []
    ) {
        self.time = time
        self.summary = summary
        self.entities = entities
        self.technique = technique
        self.toolCallIDs = toolCallIDs
    }

    enum CodingKeys: String, CodingKey {
        case time, summary, entities, technique
        case toolCallIDs = "tool_call_ids"
    }
}
