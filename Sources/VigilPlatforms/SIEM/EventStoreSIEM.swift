import VigilCore
import VigilSIEM

/// The SIEM port over the embedded SIEM's event store: the lab's history, or a store built by
/// `vigil ingest` from an organisation's own logs. Alerts come from a list (the lab's, or alerts
/// written by `vigil detect`).
public struct EventStoreSIEM: SIEMPlatform {
    public let store: EventStore
    let alerts: [Alert]
    let alertIndex: [String: Int]
    let intelligence: any NetworkIntelligence

    public init(store: EventStore, alerts: [Alert], intelligence: any NetworkIntelligence = NoNetworkIntelligence()) {
        self.store = store
        self.alerts = alerts
        var index: [String: Int] = [:]
        for (position, alert) in alerts.enumerated() where index[alert.id] == nil { index[alert.id] = position }
        self.alertIndex = index
        self.intelligence = intelligence
    }

    static func field(for kind: EntityKind) -> String {
        switch kind {
        case .user, .principal: "actor"
        case .ip: "source_ip"
        case .host: "host"
        }
    }

    public func alert(id: String) async throws -> JSONObject {
        guard let position = alertIndex[id] else { throw PlatformError.notFound("alert", id) }
        return ["alert": .object(Self.document(alerts[position]))]
    }

    public func searchEvents(_ search: EventSearch) async throws -> JSONObject {
        guard (1...EventQuery.maximumLimit).contains(search.page.limit) else {
            throw PlatformError.invalidArgument("limit", "must be between 1 and \(EventQuery.maximumLimit)")
        }
        let query = EventQuery(
            filters: search.filters.map { EventQuery.Filter(field: $0.0, value: $0.1) }, text: search.text,
            from: search.window.from, to: search.window.to, limit: search.page.limit, cursor: search.page.cursor)
        let page: EventPage
        let total: Int
        do {
            page = try store.search(query)
            total = try store.sighting(query.withoutCursor).count
        } catch let error as EventQueryError {
            throw PlatformError.invalidArgument(error.argument, error.description)
        }
        // Keep the page under the byte budget; the cursor then resumes after the last event kept.
        var kept: [JSONValue] = []
        var bytes = 0
        for event in page.events {
            let document = Self.document(event)
            var buffer: [UInt8] = []
            document.write(to: &buffer)
            if !kept.isEmpty && bytes + buffer.count > Page.defaultByteBudget { break }
            bytes += buffer.count
            kept.append(document)
        }
        let cut = kept.count < page.events.count
        let next =
            cut
            ? page.events[kept.count - 1].cursor
            : page.nextCursor
        var result = JSONObject()
        result["events"] = .array(kept)
        result["total"] = .int(Int64(total))
        result["next_cursor"] = next.map(JSONValue.string) ?? .null
        result["truncated"] = .bool(next != nil)
        result["note"] =
            next == nil
            ? .null
            : .string(
                "Showing \(kept.count) of \(total) matching events\(cut ? " (size cap reached)" : ""); call again with cursor \"\(next!)\" for more."
            )
        return result
    }

    public func entityActivity(kind: EntityKind, entity: String, window: TimeWindow) async throws -> JSONObject {
        let query = EventQuery(
            filters: [.init(field: Self.field(for: kind), value: entity)], from: window.from, to: window.to)
        let sighting = try store.sighting(query)
        let sources = try store.counts(by: "source_ip", query, top: 1000)
        var asns: [Int: (org: String, count: Int)] = [:]
        var countries: [String: Int] = [:]
        for (ip, count) in sources {
            guard let ip, let network = intelligence.network(for: ip) else { continue }
            asns[network.asn, default: (network.org, 0)].count += count
            countries[network.country, default: 0] += count
        }
        return [
            "kind": .string(kind.rawValue), "entity": .string(entity), "total": .int(Int64(sighting.count)),
            "first_seen": sighting.first.map { .string($0.description) } ?? .null,
            "last_seen": sighting.last.map { .string($0.description) } ?? .null,
            "by_action": Self.counted(try store.counts(by: "action", query, top: 25)),
            "by_source_ip": Self.counted(Array(sources.prefix(25))),
            "by_outcome": Self.counted(try store.counts(by: "outcome", query, top: 10)),
            "by_asn": .array(
                asns.sorted { ($1.value.count, $0.key) < ($0.value.count, $1.key) }.prefix(25).map {
                    ["asn": .int(Int64($0.key)), "org": .string($0.value.org), "count": .int(Int64($0.value.count))]
                }),
            "by_country": .array(
                countries.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map {
                    ["country": .string($0.key), "count": .int(Int64($0.value))]
                }),
        ]
    }

    public func firstSeen(_ q: FirstSeenQuery) async throws -> JSONObject {
        var filters = [EventQuery.Filter(field: Self.field(for: q.kind), value: q.entity)]
        var facets: [String] = []
        if let action = q.action {
            filters.append(.init(field: "action", value: action))
            facets.append("done \(action)")
        }
        if let ip = q.sourceIP {
            filters.append(.init(field: "source_ip", value: ip))
            facets.append("come from \(ip)")
        }
        let query = EventQuery(filters: filters, to: q.before)
        var count = 0
        var first: Timestamp?
        var last: Timestamp?
        if q.asn == nil && q.country == nil {
            let sighting = try store.sighting(query)
            (count, first, last) = (sighting.count, sighting.first, sighting.last)
        } else {
            if let asn = q.asn { facets.append("come from AS\(asn)") }
            if let country = q.country { facets.append("come from \(country)") }
            for (ip, _) in try store.counts(by: "source_ip", query, top: 10_000) {
                guard let ip, let network = intelligence.network(for: ip),
                    q.asn.map({ $0 == network.asn }) ?? true,
                    q.country.map({ $0.caseInsensitiveCompare(network.country) == .orderedSame }) ?? true
                else { continue }
                var narrowed = query
                narrowed.filters.append(.init(field: "source_ip", value: ip))
                let sighting = try store.sighting(narrowed)
                count += sighting.count
                first = [first, sighting.first].compactMap { $0 }.min()
                last = [last, sighting.last].compactMap { $0 }.max()
            }
        }
        let before = q.before.map { " before \($0)" } ?? ""
        let question =
            "Has \(q.kind.rawValue) \(q.entity) \(facets.isEmpty ? "been active" : facets.joined(separator: " and "))\(before)?"
        return [
            "kind": .string(q.kind.rawValue), "entity": .string(q.entity), "question": .string(question),
            "seen_before": .bool(count > 0), "count": .int(Int64(count)),
            "first_seen": first.map { .string($0.description) } ?? .null,
            "last_seen": last.map { .string($0.description) } ?? .null,
        ]
    }

    public func relatedAlerts(
        alertID: String?, kind: EntityKind?, entity: String?, window: TimeWindow, page: PageRequest
    ) async throws -> JSONObject {
        var wanted = Set<String>()
        var exclude: String?
        if let alertID {
            guard let position = alertIndex[alertID] else { throw PlatformError.notFound("alert", alertID) }
            wanted.formUnion(alerts[position].entities.filter { $0.kind != .cloudAccount }.map(\.id))
            exclude = alertID
        }
        if let entity { wanted.insert(entity) }
        let related = alerts.filter { alert in
            alert.id != exclude && window.contains(alert.createdAt)
                && alert.entities.contains { wanted.contains($0.id) && (kind == nil || Self.matches($0, kind!)) }
        }
        .sorted { $0.createdAt > $1.createdAt }
        return try Page.make(
            related.map { .object(Self.summary($0)) }, key: "alerts", noun: "alerts", request: page)
    }

    static func matches(_ entity: Entity, _ kind: EntityKind) -> Bool {
        switch kind {
        case .user: entity.kind == .user
        case .principal: entity.kind == .cloudPrincipal
        case .ip: entity.kind == .ip
        case .host: entity.kind == .host
        }
    }

    static func counted(_ counts: [(value: String?, count: Int)]) -> JSONValue {
        .array(counts.map { ["value": $0.value.map(JSONValue.string) ?? .null, "count": .int(Int64($0.count))] })
    }

    static func summary(_ alert: Alert) -> JSONObject {
        [
            "id": .string(alert.id), "source": .string(alert.source), "rule_id": .string(alert.ruleID),
            "title": .string(alert.title), "severity": .string(alert.severity.rawValue),
            "created_at": .string(alert.createdAt.description),
            "entities": .array(alert.entities.map { ["kind": .string($0.kind.rawValue), "id": .string($0.id)] }),
        ]
    }

    static func document(_ alert: Alert) -> JSONObject {
        var document = summary(alert)
        document["log_type"] = alert.logType.map { .string($0.rawValue) } ?? .null
        document["mitre"] = .array(alert.mitre.map { .string($0.description) })
        document["context"] = .object(alert.context)
        document["event_count"] = .int(Int64(alert.events.count))
        document["events"] = .array(alert.events.prefix(SIEMDocuments.maximumAlertEvents).map(\.record))
        return document
    }

    static func document(_ event: StoredEvent) -> JSONValue {
        [
            "id": .int(event.id), "time": event.time.map { .string($0.description) } ?? .null,
            "log_type": .string(event.logType.rawValue), "actor": event.actor.map(JSONValue.string) ?? .null,
            "source_ip": event.sourceIP.map(JSONValue.string) ?? .null,
            "action": event.action.map(JSONValue.string) ?? .null,
            "outcome": event.outcome.map(JSONValue.string) ?? .null, "host": event.host.map(JSONValue.string) ?? .null,
            "targets": .array(event.targets.map(JSONValue.string)), "record": event.record,
        ]
    }
}

extension EventQuery {
    var withoutCursor: EventQuery {
        var copy = self
        copy.cursor = nil
        return copy
    }
}
