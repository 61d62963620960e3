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
        if o["alertId"] != nil || (o["detection"]?.objectValue != nil && o["createdAt"] != nil) {
            return .panther
        }
        return .generic
    }
}
