/// The alert formats intake understands.
public enum AlertFormat: String, Sendable, Hashable, CaseIterable {
    /// Vigil's generic v1 format.
    case generic = "vigil.v1"
    /// OCSF 1.x Detection Finding (class_uid 2004).
    case ocsf
    /// A Panther alert (alert-destination webhook payload or API alert).
    case panther

    /// Recognizes a record's format from its keys: OCSF records carry `class_uid`; Panther alerts carry
    /// `alertId` (webhook) or a `detection` object (API). Everything else is read as generic v1.
    public static func detect(_ record: JSONValue) -> AlertFormat {
        guard case .object(let o) = record else { return .generic }
        if o["class_uid"] != nil { return .ocsf }
        if o["alertId"] != nil || o["detectionId"] != nil
            || (o["detection"]?.objectValue != nil && o["createdAt"] != nil)
        {
            return .panther
        }
        return .generic
    }
}

/// One alert decoded from an input, with where it came from.
public struct DecodedAlert: Sendable {
    public var position: RecordPosition
    public var format: AlertFormat
    public var alert: Alert
}

/// The outcome of decoding an input: the good alerts, and a precise error for each bad record.
public struct IntakeResult: Sendable {
    public var alerts: [DecodedAlert]
    public var errors: [IntakeIssue]
    public var warnings: [IntakeIssue]
    /// Records seen, good and bad.
    public var recordCount: Int

    public var isClean: Bool { errors.isEmpty }
}

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
        var seen: [String: RecordPosition] = [:]
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
        switch format {
        case .generic: return (format, try Alert.decodeGenericV1(record, catalog: catalog, warnings: &warnings))
        case .ocsf: return (format, try Alert.decodeOCSF(record, catalog: catalog, warnings: &warnings))
        case .panther: return (format, try Alert.decodePanther(record, catalog: catalog, warnings: &warnings))
        }
    }
}
