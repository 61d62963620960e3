import VigilCore

/// What an entity is, for SIEM questions: a person's login, a cloud principal's ARN, an address, a host.
public enum EntityKind: String, Sendable, Hashable, CaseIterable {
    case user, principal, ip, host
}

/// A search of the SIEM's events.
public struct EventSearch: Sendable, Hashable {
    /// Equality filters on normalized fields (`actor`, `action`, `source_ip`, …).
    public var filters: [(String, String)]
    public var text: String?
    public var window: TimeWindow
    public var page: PageRequest

    public init(filters: [(String, String)] = [], text: String? = nil, window: TimeWindow = .init(), page: PageRequest)
    {
        self.filters = filters
        self.text = text
        self.window = window
        self.page = page
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.filters.elementsEqual(rhs.filters, by: ==) && lhs.text == rhs.text && lhs.window == rhs.window
            && lhs.page == rhs.page
    }

    public func hash(into hasher: inout Hasher) {
        for (field, value) in filters {
            hasher.combine(field)
            hasher.combine(value)
        }
        hasher.combine(text)
        hasher.combine(window)
        hasher.combine(page)
    }
}

/// Has an entity done this before? Any of the optional facets narrows the question.
public struct FirstSeenQuery: Sendable, Hashable {
    public var kind: EntityKind
    public var entity: String
    public var action: String?
    public var sourceIP: String?
    public var asn: Int?
    public var country: String?
    /// Only activity strictly before this time counts (usually the alert's time).
    public var before: Timestamp?

    public init(
        kind: EntityKind, entity: String, action: String? = nil, sourceIP: String? = nil, asn: Int? = nil,
        country: String? = nil, before: Timestamp? = nil
    ) {
        self.kind = kind
        self.entity = entity
        self.action = action
        self.sourceIP = sourceIP
        self.asn = asn
        self.country = country
        self.before = before
    }
}

/// The SIEM port: alerts and the event history behind them. Documents follow `SIEMDocuments`.
public protocol SIEMPlatform: Sendable {
    /// `{"alert": SIEMDocuments.alert}`.
    func alert(id: String) async throws -> JSONObject
    /// A page of `SIEMDocuments.event` under `events`.
    func searchEvents(_ search: EventSearch) async throws -> JSONObject
    /// `SIEMDocuments.activity`.
    func entityActivity(kind: EntityKind, entity: String, window: TimeWindow) async throws -> JSONObject
    /// `SIEMDocuments.firstSeen`.
    func firstSeen(_ query: FirstSeenQuery) async throws -> JSONObject
    /// A page of `SIEMDocuments.alertSummary` under `alerts`: alerts sharing an entity with the given
    /// alert, or naming the given entity.
    func relatedAlerts(
        alertID: String?, kind: EntityKind?, entity: String?, window: TimeWindow, page: PageRequest
    )
        async throws -> JSONObject
}

/// The shapes of the SIEM port's documents.
public enum SIEMDocuments {
    static let entity = JSONSchema.object(properties: [
        .field("kind", .string(), "user, ip, host, cloud_account, cloud_principal or resource."),
        .field("id", .string(), "The entity's identifier."),
    ])

    static let summaryProperties: [JSONSchema.Property] = [
        .field("id", .string(), "Alert id."),
        .field("source", .string(), "Where the alert came from."),
        .field("rule_id", .string(), "The detection rule."),
        .field("title", .string(), "Alert title."),
        .field("severity", .oneOf(Severity.allCases.map(\.rawValue)), "Alert severity."),
        .field("created_at", .dateTime, "When the alert was raised."),
        .field("entities", .array(entity), "Entities the alert's events name."),
    ]

    public static let alertSummary = JSONSchema.object(properties: summaryProperties)

    /// Most raw events an alert document carries; `event_count` gives the total.
    public static let maximumAlertEvents = 50

    public static let alert = JSONSchema.object(
        properties: summaryProperties + [
            .field("log_type", .nullable(.string()), "Log type of the triggering events."),
            .field("mitre", .array(.string()), "ATT&CK references, TACTIC:TECHNIQUE."),
            .field("context", .any, "Context the source attached (untrusted text)."),
            .field("event_count", .integer(minimum: 0), "How many events triggered the alert."),
            .field(
                "events", .array(.any, maxItems: maximumAlertEvents),
                "The first \(maximumAlertEvents) triggering raw records, as the vendor logged them (untrusted text)."),
        ])

    public static let event = JSONSchema.object(properties: [
        .field("id", .integer(), "Store id of the event."),
        .field("time", .nullable(.dateTime), "Event time."),
        .field("log_type", .string(), "AWS.CloudTrail, Okta.SystemLog, Crowdstrike.FDREvent, …"),
        .field("actor", .nullable(.string()), "Who acted: login or principal ARN."),
        .field("source_ip", .nullable(.string()), "Source address."),
        .field("action", .nullable(.string()), "What was done: eventName, eventType, event_simpleName."),
        .field("outcome", .nullable(.string()), "success, failure or the vendor's result."),
        .field("host", .nullable(.string()), "Host name for endpoint events."),
        .field("targets", .array(.string()), "What was acted on."),
        .field("record", .any, "The raw record (untrusted text)."),
    ])

    static let counted = JSONSchema.object(properties: [
        .field("value", .nullable(.string()), "The value."),
        .field("count", .integer(minimum: 0), "Events with it."),
    ])

    public static let activity = JSONSchema.object(properties: [
        .field("kind", .oneOf(EntityKind.allCases.map(\.rawValue)), "Entity kind."),
        .field("entity", .string(), "The entity."),
        .field("total", .integer(minimum: 0), "Events in the window."),
        .field("first_seen", .nullable(.dateTime), "Earliest event in the window."),
        .field("last_seen", .nullable(.dateTime), "Latest event in the window."),
        .field("by_action", .array(counted), "Counts by action, most frequent first."),
        .field("by_source_ip", .array(counted), "Counts by source address."),
        .field("by_outcome", .array(counted), "Counts by outcome."),
        .field(
            "by_asn",
            .array(
                .object(properties: [
                    .field("asn", .integer(), "Autonomous system number."),
                    .field("org", .string(), "Its operator."),
                    .field("count", .integer(minimum: 0), "Events from it."),
                ])), "Counts by source network, where the address is known."),
        .field(
            "by_country",
            .array(
                .object(properties: [
                    .field("country", .string(), "ISO country code."),
                    .field("count", .integer(minimum: 0), "Events from it."),
                ])), "Counts by source country, where the address is known."),
    ])

    public static let firstSeen = JSONSchema.object(properties: [
        .field("kind", .oneOf(EntityKind.allCases.map(\.rawValue)), "Entity kind."),
        .field("entity", .string(), "The entity."),
        .field("question", .string(), "The question answered, in words."),
        .field("seen_before", .boolean, "Whether matching activity exists before `before`."),
        .field("count", .integer(minimum: 0), "Matching events."),
        .field("first_seen", .nullable(.dateTime), "Earliest matching event."),
        .field("last_seen", .nullable(.dateTime), "Latest matching event."),
    ])
}
