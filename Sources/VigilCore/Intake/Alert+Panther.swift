/// Panther alerts → Alert: the alert-destination webhook payload (`alertId`, `id` = rule id, no events)
/// and the API alert (`id`, `detection.id`, with `events` attached as Vigil's convention).
/// See `docs/alert-format.md`.
extension Alert {
    static func decodePanther(
        _ value: JSONValue, catalog: AttackCatalog, warnings: inout [IntakeIssue]
    )
        throws(IntakeIssue) -> Alert
    {
        let r = try FieldReader(value)
        // The webhook always sends the `alertId` key; it is null for policy alerts.
        let isWebhook = r.object["alertId"] != nil
        let ruleID: String
        if isWebhook {
            ruleID = try r.requiredString("id")
        } else {
            ruleID = try r.requiredObject("detection").requiredString("id")
        }
        let id: String
        if isWebhook {
            let createdText = try r.requiredString("createdAt")
            id = r.has("alertId") ? try r.requiredIdentifier("alertId") : "\(ruleID)@\(createdText)"
        } else {
            id = try r.requiredIdentifier("id")
        }
        var title = try r.requiredString("title")
        for prefix in ["New Alert: ", "[Re-sent]: "] where title.hasPrefix(prefix) {
            title.removeFirst(prefix.count)
        }
        let severity = try r.severity("severity")
        let createdAt = try r.timestamp("createdAt", required: true)!

        let eventsValue = try r.optionalArray("events")
        var events: [RawEvent] = []
        var mitre: [AttackReference] = []
        for (i, element) in eventsValue.enumerated() {
            guard case .object(let record) = element else {
                throw r.fail("events[\(i)]", "expected an object (a raw vendor record), found \(element.typeName)")
            }
            let logType =
                record["p_log_type"]?.stringValue.map(LogType.init(rawValue:)) ?? NormalizedEvent.guessLogType(element)
            events.append(RawEvent(logType: logType, record: element))
            let reports = FieldReader(object: record, path: "events[\(i)]")
            if let ruleReports = try reports.optionalObject("p_rule_reports") {
                for reference in try ruleReports.attackReferences("MITRE ATT&CK", catalog: catalog, warnings: &warnings)
                where !mitre.contains(reference) {
                    mitre.append(reference)
                }
            }
        }

        var context: JSONObject = [:]
        if let alertContext = try r.optionalObject(isWebhook ? "alertContext" : "context") {
            context = alertContext.object
        }
        for key in ["link", "runbook", "tags", "type", "status", "eventCount", "name"] {
            if let v = r.value(key) { context["panther_\(key)"] = v }
        }
        return Alert(
            id: id, source: "panther", ruleID: ruleID, title: title, severity: severity, createdAt: createdAt,
            logType: events.lazy.compactMap(\.logType).first, description: try r.optionalString("description"),
            mitre: mitre, events: events, context: context)
    }
}
