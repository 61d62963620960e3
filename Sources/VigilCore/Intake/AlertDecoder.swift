/// Decodes alert inputs (one object, an array, or JSON Lines) in any supported format.
///
/// A bad record yields an error naming its position and field and does not stop the good ones; in
/// strict mode any error rejects the whole input (no alert is returned).
public struct AlertDecoder: Sendable {
    public var catalog: AttackCatalog
    public var strict: Bool

    public init(catalog: AttackCatalog = .enterprise, strict: Bool = false) {
        self.catalog = catalog
        self.strict = strict
    }

    public func decode(_ bytes: [UInt8]) -> IntakeResult {
        var result = IntakeResult(alerts: [], errors: [], warnings: [], recordCount: 0)
        var seen: [AlertKey: RecordPosition] = [:]
        for record in InputRecords.split(bytes) {
            result.recordCount += 1
            switch record.value {
            case .failure(let issue):
                result.errors.append(issue.at(record.position))
            case .success(let value):
                var warnings: [IntakeIssue] = []
                do {
                    let (format, alert) = try decode(record: value, warnings: &warnings)
                    if let earlier = seen[alert.key] {
                        result.warnings.append(
                            IntakeIssue(
                                level: .warning, position: record.position, field: "id",
                                message: "duplicate of \(earlier) (same source and id '\(alert.key)'), ignored"))
                    } else {
                        seen[alert.key] = record.position
                        result.alerts.append(DecodedAlert(position: record.position, format: format, alert: alert))
                    }
                } catch {
                    result.errors.append(error.at(record.position))
                }
                result.warnings.append(contentsOf: warnings.map { $0.at(record.position) })
            }
        }
        if strict && !result.errors.isEmpty {
            result.alerts = []
        }
        return result
    }

    public func decode(_ text: String) -> IntakeResult { decode(Array(text.utf8)) }

    /// Decodes one record in whichever format it is in.
    public func decode(record: JSONValue, warnings: inout [IntakeIssue]) throws(IntakeIssue) -> (AlertFormat, Alert) {
        guard case .object = record else {
            throw IntakeIssue(field: nil, message: "expected an alert object, found \(record.typeName)")
        }
        let format = AlertFormat.detect(record)
        if format == .generic, let object = record.objectValue,
            !["id", "source", "rule_id", "title", "severity", "created_at"].contains(where: { object[$0] != nil })
        {
            throw IntakeIssue(
                field: nil,
                message:
                    "not an alert in any known format (generic v1, OCSF Detection Finding with class_uid 2004, Panther alert); its keys are \(object.keys.prefix(8).joined(separator: ", "))"
            )
        }
        switch format {
        case .generic: return (format, try Alert.decodeGenericV1(record, catalog: catalog, warnings: &warnings))
        case .ocsf: return (format, try Alert.decodeOCSF(record, catalog: catalog, warnings: &warnings))
        case .panther: return (format, try Alert.decodePanther(record, catalog: catalog, warnings: &warnings))
        }
    }
}
