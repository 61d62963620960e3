/// OCSF 1.x Detection Finding (class_uid 2004) → Alert. See `docs/alert-format.md` for the mapping.
extension Alert {
    static func decodeOCSF(
        _ value: JSONValue, catalog: AttackCatalog, warnings: inout [IntakeIssue]
    )
        throws(IntakeIssue) -> Alert
    {
        let r = try FieldReader(value)
        let classUID = try r.requiredInt("class_uid")
        guard classUID == 2004 else {
            throw r.fail("class_uid", "\(classUID) is not an OCSF Detection Finding (expected 2004)")
        }
        let finding = try r.requiredObject("finding_info")
        let id = try finding.requiredIdentifier("uid")
        let findingTitle = try finding.optionalString("title")
        let message = try r.optionalString("message")
        guard let title = findingTitle ?? message else {
            throw finding.fail("title", "is required (a non-empty string)")
        }

        let metadata = try r.requiredObject("metadata")
        let product = try metadata.requiredObject("product")
        let productName = try product.optionalString("name")
        let vendor = try product.optionalString("vendor_name")
        guard productName != nil || vendor != nil else {
            throw product.fail("name", "is required (metadata.product needs a name or vendor_name)")
        }
        let source = "ocsf:" + [vendor, productName].compactMap { $0?.lowercased() }.joined(separator: "/")

        let analytic = try finding.optionalObject("analytic")
        let types = try finding.optionalArray("types").compactMap(\.stringValue)
        let analyticUID = try analytic?.optionalString("uid")
        let analyticName = try analytic?.optionalString("name")
        let ruleID = analyticUID ?? analyticName ?? types.first ?? title

        let severity = try ocsfSeverity(r, warnings: &warnings)
        let createdTime = try finding.optionalInt("created_time")
        let time = try r.optionalInt("time")
        guard let createdMillis = createdTime ?? time else {
            throw r.fail("time", "is required (epoch milliseconds)")
        }
        let createdField = createdTime != nil ? "finding_info.created_time" : "time"
        let createdAt = Timestamp(millisecondsSinceEpoch: createdMillis)
        guard createdAt.isRepresentable else {
            throw IntakeIssue(
                field: createdField, message: "\(createdMillis) is not an epoch-millisecond time in years 1–9999")
        }
        if createdMillis < 946_684_800_000 {
            warnings.append(
                IntakeIssue(
                    level: .warning, field: createdField,
                    message: "\(createdMillis) is before 2000: OCSF times are epoch milliseconds, not seconds"))
        }

        var mitre: [AttackReference] = []
        let attackLists = [
            ("finding_info.attacks", try finding.optionalArray("attacks")), ("attacks", try r.optionalArray("attacks")),
        ]
        for (path, attacks) in attackLists {
            for (i, attack) in attacks.enumerated() {
                for reference in try ocsfAttack(attack, path: "\(path)[\(i)]", catalog: catalog, warnings: &warnings)
                where !mitre.contains(reference) {
                    mitre.append(reference)
                }
            }
        }

        var events: [RawEvent] = []
        for (i, evidence) in try r.optionalArray("evidences").enumerated() {
            guard case .object = evidence else {
                throw r.fail("evidences[\(i)]", "expected an object, found \(evidence.typeName)")
            }
            events.append(RawEvent(logType: .ocsf, record: evidence))
        }
        if let raw = try r.optionalString("raw_data"), let parsed = try? JSONParser.parse(raw), case .object = parsed {
            events.append(RawEvent(logType: NormalizedEvent.guessLogType(parsed) ?? .ocsf, record: parsed))
        }

        var context: JSONObject = ["ocsf_class_uid": .int(classUID)]
        for key in ["observables", "resources", "cloud", "status_id", "confidence_id", "unmapped", "message"] {
            if let v = r.value(key) { context[key] = v }
        }
        context["product"] = .object(product.object)
        return Alert(
            id: id, source: source, ruleID: ruleID, title: title, severity: severity,
            createdAt: createdAt, logType: .ocsf,
            description: try finding.optionalString("desc"), mitre: mitre, events: events, context: context)
    }

    private static func ocsfSeverity(_ r: FieldReader, warnings: inout [IntakeIssue]) throws(IntakeIssue) -> Severity {
        guard let value = r.value("severity_id") else {
            throw r.fail("severity_id", "is required (an integer 0–6 or 99)")
        }
        guard let id = value.intValue else {
            throw r.fail("severity_id", "expected an integer 0–6 or 99, found \(value.typeName)")
        }
        switch id {
        case 1: return .info
        case 2: return .low
        case 3: return .medium
        case 4: return .high
        case 5, 6: return .critical
        case 0, 99:
            if let text = try r.optionalString("severity"), let s = Severity(lenient: text) { return s }
            // Unknown severity: treated as medium so that it is neither buried nor inflated.
            warnings.append(
                IntakeIssue(
                    level: .warning, field: "severity_id",
                    message: "\(id) (Unknown/Other) without a known 'severity' text; treated as medium"))
            return .medium
        default:
            throw r.fail("severity_id", "\(id) is not an OCSF severity (expected 0–6 or 99)")
        }
    }

    /// One OCSF attack object: `tactic` (1.1+) or `tactics` (1.0), `technique`, `sub_technique`.
    private static func ocsfAttack(
        _ value: JSONValue, path: String, catalog: AttackCatalog, warnings: inout [IntakeIssue]
    )
        throws(IntakeIssue) -> [AttackReference]
    {
        let a = try FieldReader(value, path: path)
        let subTechniqueID = try a.optionalObject("sub_technique")?.optionalString("uid")
        let baseTechniqueID = try a.optionalObject("technique")?.optionalString("uid")
        let techniqueID = subTechniqueID ?? baseTechniqueID
        guard let techniqueID else { return [] }
        guard AttackReference.isTechniqueID(techniqueID) else {
            throw a.fail(
                "technique.uid", "'\(techniqueID)' is not an ATT&CK technique id (expected T1098 or T1098.001)")
        }
        var tactics: [String] = []
        if let tactic = try a.optionalObject("tactic")?.optionalString("uid") { tactics.append(tactic) }
        for element in try a.optionalArray("tactics") {
            if let uid = element["uid"]?.stringValue { tactics.append(uid) }
        }
        let references =
            tactics.isEmpty
            ? [AttackReference(technique: techniqueID)]
            : tactics.filter(AttackReference.isTacticID).map { AttackReference(tactic: $0, technique: techniqueID) }
        for reference in references {
            if let problem = catalog.problem(with: reference) {
                warnings.append(IntakeIssue(level: .warning, field: path, message: problem))
            }
        }
        return references
    }
}
