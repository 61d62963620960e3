import VigilCore

/// Runs Sigma rules over log records and turns matches into alerts in the generic v1 format.
///
/// Matches are deduplicated: one alert per rule, entity (the acting user or principal, else the source
/// address, else the host) and fixed time window; further matches add their events to it. Window
/// buckets make the result independent of the order records arrive in, and alert ids derive from
/// (rule, entity, window), so running detection twice over the same logs gives the same alerts.
public struct Detector {
    public struct Options: Sendable {
        /// The deduplication window.
        public var windowMilliseconds: Int64
        /// Raw events kept on an alert (the count of all matches is in its context).
        public var maximumEventsPerAlert: Int
        public var source: String

        public init(
            windowMilliseconds: Int64 = 3_600_000, maximumEventsPerAlert: Int = 20, source: String = "vigil-siem"
        ) {
            self.windowMilliseconds = max(1, windowMilliseconds)
            self.maximumEventsPerAlert = max(1, maximumEventsPerAlert)
            self.source = source
        }
    }

    /// An event kept on an alert: its original bytes when the caller has them (far smaller than the
    /// parsed value, and free to keep), else the parsed event.
    private enum KeptEvent {
        case parsed(RawEvent)
        case bytes(LogType?, [UInt8])

        var event: RawEvent {
            switch self {
            case .parsed(let event): event
            case .bytes(let logType, let bytes):
                RawEvent(
                    logType: logType,
                    record: (try? JSONParser.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self)))
            }
        }
    }

    private struct GroupKey: Hashable {
        var rule: Int
        var entity: String
        var bucket: Int64
    }

    private struct Group {
        var events: [(time: Timestamp?, event: KeptEvent)] = []
        var count = 0
        var first: Timestamp?
        var last: Timestamp?
    }

    /// Per log type: the field whose value selects the rules to run, rules indexed by its values, and
    /// the rules that must run whatever it holds.
    private struct Dispatch: Sendable {
        var field: String?
        var byValue: [String: [Int]] = [:]
        var always: [Int] = []
    }

    /// The field most rules of a log type select on.
    static let dispatchFields: [LogType: String] = [
        .cloudTrail: "eventName", .oktaSystemLog: "eventType", .crowdstrikeFDR: "event_simpleName",
    ]

    public let rules: [SigmaRule]
    public let options: Options
    private let matchers: [SigmaMatcher]
    private let groupings: [SigmaRule.GroupBy?]
    private let dispatch: [LogType: Dispatch]
    /// The dispatch of each log type, found by a linear scan (a handful of types) rather than hashing.
    private let slots: [(logType: LogType, dispatch: Dispatch, cache: DispatchCache)]
    private var groups: [GroupKey: Group] = [:]
    /// Dispatch results by the dispatch field's value as events spell it (usually one spelling per
    /// value), so the common case costs one hash lookup and no case folding.
    private final class DispatchCache {
        var byValue: [String: [Int]] = [:]
    }
    public private(set) var eventsSeen = 0
    public private(set) var matches = 0

    public init(rules: [SigmaRule], options: Options = Options()) {
        self.rules = rules
        self.options = options
        self.matchers = rules.map(\.matcher)
        self.groupings = rules.map(\.groupBy)
        var dispatch: [LogType: Dispatch] = [:]
        for (index, rule) in rules.enumerated() {
            var entry = dispatch[rule.logType] ?? Dispatch(field: Self.dispatchFields[rule.logType])
            if let field = entry.field, let values = rule.requiredValues(of: field) {
                for value in values { entry.byValue[value, default: []].append(index) }
            } else {
                entry.always.append(index)
            }
            dispatch[rule.logType] = entry
        }
        self.dispatch = dispatch
        self.slots = dispatch.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value, DispatchCache()) }
    }

    /// Matches one event against the rules of its log type.
    /// - Parameter original: the event's bytes as read, kept on the alert instead of the parsed value.
    public mutating func process(_ event: RawEvent, original: [UInt8]? = nil) {
        eventsSeen += 1
        guard let logType = event.logType, let slot = slots.first(where: { $0.logType == logType }) else { return }
        let entry = slot.dispatch
        var indexed: [Int] = []
        if let field = entry.field, !entry.byValue.isEmpty, case .string(let value)? = event.record[field] {
            if let cached = slot.cache.byValue[value] {
                indexed = cached
            } else {
                indexed = entry.byValue[String(decoding: SigmaWildcard.asciiLowercased(value), as: UTF8.self)] ?? []
                if slot.cache.byValue.count < 10_000 { slot.cache.byValue[value] = indexed }
            }
        }
        var identity: NormalizedEvent.Identity?
        func record(_ index: Int) {
            matches += 1
            let who = identity ?? NormalizedEvent.identity(of: event.record, logType: logType)
            identity = who
            let time = who.time
            let bucket = (time?.millisecondsSinceEpoch ?? 0).floorDiv(options.windowMilliseconds)
            let entity: String? =
                switch groupings[index] {
                case .sourceIP?: who.sourceIP ?? who.entity
                case .host?: who.host ?? who.entity
                case .actor?, nil: who.entity
                }
            let key = GroupKey(rule: index, entity: entity ?? "unknown", bucket: bucket)
            // Mutate in place: taking the group out of the dictionary would copy its events.
            let limit = options.maximumEventsPerAlert
            let kept: KeptEvent = original.map { .bytes(event.logType, $0) } ?? .parsed(event)
            Self.add(kept, at: time, to: &groups[key, default: Group()], limit: limit)
        }
        for index in entry.always where matchers[index].matches(event.record) { record(index) }
        for index in indexed where matchers[index].matches(event.record) { record(index) }
    }

    private static func add(_ event: KeptEvent, at time: Timestamp?, to group: inout Group, limit: Int) {
        group.count += 1
        if group.events.count < limit { group.events.append((time, event)) }
        if let time {
            group.first = min(group.first ?? time, time)
            group.last = max(group.last ?? time, time)
        }
    }

    /// The alerts so far, ordered by time then id.
    public func alerts() -> [Alert] {
        groups.map { key, group in alert(key, group) }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    private func alert(_ key: GroupKey, _ group: Group) -> Alert {
        let rule = rules[key.rule]
        let ruleID = rule.id ?? rule.title
        // Times are within years 1–9999 (NormalizedEvent), so the window start cannot overflow.
        let windowStart = Timestamp(millisecondsSinceEpoch: key.bucket * options.windowMilliseconds)
        var context: JSONObject = [
            "rule_title": .string(rule.title),
            "rule_author": rule.author.map(JSONValue.string) ?? .null,
            "rule_references": .array(rule.references.map(JSONValue.string)),
            "rule_file": .string(rule.origin),
            "entity": .string(key.entity),
            "event_count": .int(Int64(group.count)),
            "window_start": .string(windowStart.rfc3339(fractionalSeconds: false)),
        ]
        if let first = group.first { context["first_seen"] = .string(first.description) }
        if let last = group.last { context["last_seen"] = .string(last.description) }
        if !rule.falsePositives.isEmpty {
            context["false_positives"] = .array(rule.falsePositives.map(JSONValue.string))
        }
        let events = group.events.sorted { ($0.time ?? windowStart) < ($1.time ?? windowStart) }.map(\.event.event)
        return Alert(
            id: Self.stableID(
                "\(ruleID)|\(key.entity)|\(windowStart.millisecondsSinceEpoch)|\(options.windowMilliseconds)"),
            source: options.source, ruleID: ruleID,
            title: "\(rule.title): \(key.entity)", severity: rule.level,
            createdAt: group.last ?? windowStart, logType: rule.logType, description: rule.description,
            mitre: rule.attack, events: events, context: context)
    }

    /// A UUID-shaped id from 128 bits of FNV-1a over `text`.
    static func stableID(_ text: String) -> String {
        let digest = Digest.fnv128(text.utf8)
        return UUIDText.format(high: digest.high, low: digest.low)
    }
}

extension Int64 {
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
