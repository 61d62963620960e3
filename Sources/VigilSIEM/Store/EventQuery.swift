import VigilCore

/// A search of the event store: field filters, full text, a time window, a page size and a cursor.
public struct EventQuery: Sendable, Hashable {
    /// Equality filters on store fields (`EventStore.fields`): `actor = ana@…`, `action = ConsoleLogin`.
    public var filters: [Filter]
    /// Words that must all appear in the record's text (any string value).
    public var text: String?
    /// Inclusive lower and exclusive upper bound on the event time.
    public var from: Timestamp?
    public var to: Timestamp?
    /// At most this many events per page (1…1000).
    public var limit: Int
    /// Where the previous page ended (`EventPage.nextCursor`).
    public var cursor: String?

    public struct Filter: Sendable, Hashable {
        public var field: String
        public var value: String

        public init(field: String, value: String) {
            self.field = field
            self.value = value
        }

        /// Parses `field=value`.
        public init?(_ text: String) {
            guard let equals = text.firstIndex(of: "=") else { return nil }
            self.init(field: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
        }
    }

    public static let maximumLimit = 1000

    public init(
        filters: [Filter] = [], text: String? = nil, from: Timestamp? = nil, to: Timestamp? = nil, limit: Int = 100,
        cursor: String? = nil
    ) {
        self.filters = filters
        self.text = text
        self.from = from
        self.to = to
        self.limit = limit
        self.cursor = cursor
    }
}

/// An event as stored: the raw record and the normalized fields beside it.
public struct StoredEvent: Sendable, Hashable {
    public var id: Int64
    public var logType: LogType
    public var time: Timestamp?
    public var actor: String?
    public var sourceIP: String?
    public var action: String?
    public var outcome: String?
    public var host: String?
    /// What the event acted on (CloudTrail resource ARNs, Okta targets, FDR remote addresses and images).
    public var targets: [String]
    public var record: JSONValue
    public var file: String?
    public var line: Int?
}

/// One page of results, and the cursor of the next page when there is one.
public struct EventPage: Sendable {
    public var events: [StoredEvent]
    public var nextCursor: String?
}

/// What the store knows about a combination of field values: whether and when it was seen.
public struct Sighting: Sendable, Hashable {
    public var count: Int
    public var first: Timestamp?
    public var last: Timestamp?
}

/// A query the store cannot run, and why.
public struct EventQueryError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The part of the query at fault: `limit`, `cursor`, `text` or `filters`.
    public var argument: String = "filters"
}
