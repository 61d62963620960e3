/// The generic v1 intake format (`docs/alert-format.md`):
/// `{"id","source","rule_id","title","severity","created_at","log_type","mitre","events","context"}`.
extension Alert {
    static let genericV1Fields: Set<String> = [
        "id", "source", "rule_id", "title", "severity", "created_at", "log_type", "description", "mitre", "events",
        "context",
    ]

    /// Decodes a generic v1 record. Unknown top-level fields are reported as warnings and ignored.
    static func decodeGenericV1(
        _ value: JSONValue, catalog: AttackCatalog, warnings: inout [IntakeIssue]
    )
        throws(IntakeIssue) -> Alert
    {
        let r = try FieldReader(value)
        let id = try r.requiredIdentifier("id")
        let source = try r.requiredString("source")
        let ruleID = try r.requiredString("rule_id")
        let title = try r.requiredString("title")
        let severity = try r.severity("severity")
        let createdAt = try r.timestamp("created_at", required: true)!
        let declaredLogType = try r.optionalString("log_type").map(LogType.init(rawValue:))
        let description = try r.optionalString("description")
        let mitre = try r.attackReferences("mitre", catalog: catalog, warnings: &warnings)
        let events = try decodeEvents(r, key: "events", logType: declaredLogType)
        let context = try r.optionalObject("context")?.object ?? [:]
        for key in r.object.keys where !genericV1Fields.contains(key) {
            warnings.append(IntakeIssue(level: .warning, field: key, message: "unknown field, ignored"))
        }
        return Alert(
            id: id, source: source, ruleID: ruleID, title: title, severity: severity, createdAt: createdAt,
            logType: declaredLogType ?? events.lazy.compactMap(\.logType).first, description: description,
            mitre: mitre, events: events, context: context)
    }

    /// Raw vendor records: each must be an object; its log type is the alert's or recognized from its fields.
    static func decodeEvents(_ r: FieldReader, key: String, logType: LogType?) throws(IntakeIssue) -> [RawEvent] {
        var events: [RawEvent] = []
        for (i, element) in try r.optionalArray(key).enumerated() {
            guard case .object = element else {
                throw r.fail("\(key)[\(i)]", "expected an object (a raw vendor record), found \(element.typeName)")
            }
            events.append(RawEvent(logType: logType ?? NormalizedEvent.guessLogType(element), record: element))
        }
        return events
    }

    /// The alert in the generic v1 format.
    public var genericV1: JSONValue {
        var object: JSONObject = [
            "id": .string(id),
            "source": .string(source),
            "rule_id": .string(ruleID),
            "title": .string(title),
            "severity": .string(severity.rawValue),
            "created_at": .string(createdAt.rfc3339(fractionalSeconds: false)),
            "mitre": .array(mitre.map { .string($0.description) }),
            "events": .array(events.map(\.record)),
            "context": .object(context),
        ]
        if createdAt.millisecondsSinceEpoch % 1000 != 0 {
            object["created_at"] = .string(createdAt.rfc3339(fractionalSeconds: true))
        }
        if let logType { object["log_type"] = .string(logType.rawValue) }
        if let description { object["description"] = .string(description) }
        return .object(object)
    }
}

extension Alert: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        var warnings: [IntakeIssue] = []
        do {
            self = try Alert.decodeGenericV1(value, catalog: .enterprise, warnings: &warnings)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try genericV1.encode(to: encoder)
    }
}
