/// An alert as Vigil works on it: the generic v1 intake format of `docs/alert-format.md`.
///
/// OCSF Detection Findings and Panther alerts are decoded into this shape by `AlertDecoder`.
/// `(source, id)` identifies an alert: intake is idempotent on it.
public struct Alert: Sendable, Hashable {
    public var id: String
    public var source: String
    public var ruleID: String
    public var title: String
    public var severity: Severity
    public var createdAt: Timestamp
    public var logType: LogType?
    public var description: String?
    public var mitre: [AttackReference]
    /// The raw vendor records that triggered the alert, unchanged.
    public var events: [RawEvent]
    public var context: JSONObject

    public init(
        id: String, source: String, ruleID: String, title: String, severity: Severity, createdAt: Timestamp,
        logType: LogType? = nil, description: String? = nil, mitre: [AttackReference] = [],
        events: [RawEvent] = [], context: JSONObject = [:]
    ) {
        self.id = id
        self.source = source
        self.ruleID = ruleID
        self.title = title
        self.severity = severity
        self.createdAt = createdAt
        self.logType = logType
        self.description = description
        self.mitre = mitre
        self.events = events
        self.context = context
    }

    /// The idempotency key of intake: source and id.
    public var key: AlertKey { AlertKey(source: source, id: id) }

    /// The entities the alert's events name: actors, source addresses, accounts, hosts.
    public var entities: [Entity] {
        var seen = Set<Entity>()
        var result: [Entity] = []
        func add(_ entity: Entity) {
            if seen.insert(entity).inserted { result.append(entity) }
        }
        for event in events {
            let n = event.normalized
            if let actor = n.actor {
                add(actor.hasPrefix("arn:") ? .cloudPrincipal(actor) : .user(actor))
            }
            if let ip = n.sourceIP { add(.ip(ip)) }
            if let account = n.account { add(.cloudAccount(account)) }
            if let host = n.host { add(.host(host)) }
        }
        return result
    }
}
