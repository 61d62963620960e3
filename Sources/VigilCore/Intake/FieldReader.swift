import Foundation

/// Reads typed fields from a JSON object and fails with the field's full path and what was expected.
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ value: JSONValue, path: String = "") throws(IntakeIssue) {
        guard case .object(let members) = value else {
            throw IntakeIssue(field: path.isEmpty ? nil : path, message: "expected an object, found \(value.typeName)")
        }
        self.object = members
        self.path = path
    }

    init(object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool {
        if let value = object[key], !value.isNull { return true }
        return false
    }

    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func fail(_ key: String, _ message: String) -> IntakeIssue {
        IntakeIssue(field: fieldPath(key), message: message)
    }

    func requiredString(_ key: String) throws(IntakeIssue) -> String {
        guard let value = value(key) else { throw fail(key, "is required (a non-empty string)") }
        return try string(key, value)
    }

    /// A string if present; a blank optional string counts as absent.
    func optionalString(_ key: String) throws(IntakeIssue) -> String? {
        guard let value = value(key) else { return nil }
        if case .string(let s) = value, s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return nil }
        return try string(key, value)
    }

    private func string(_ key: String, _ value: JSONValue) throws(IntakeIssue) -> String {
        guard case .string(let s) = value else { throw fail(key, "expected a string, found \(value.typeName)") }
        guard !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw fail(key, "must not be empty") }
        return s
    }

    /// A string, or a number given where a string identifier is meant (some vendors send numeric ids).
    func requiredIdentifier(_ key: String) throws(IntakeIssue) -> String {
        if case .int(let i)? = value(key) { return String(i) }
        return try requiredString(key)
    }

    func optionalInt(_ key: String) throws(IntakeIssue) -> Int64? {
        guard let value = value(key) else { return nil }
        guard let i = value.intValue else { throw fail(key, "expected an integer, found \(value.typeName)") }
        return i
    }

    func requiredInt(_ key: String) throws(IntakeIssue) -> Int64 {
        guard let i = try optionalInt(key) else { throw fail(key, "is required (an integer)") }
        return i
    }

    func optionalArray(_ key: String) throws(IntakeIssue) -> [JSONValue] {
        guard let value = value(key) else { return [] }
        guard case .array(let elements) = value else { throw fail(key, "expected an array, found \(value.typeName)") }
        return elements
    }

    func optionalObject(_ key: String) throws(IntakeIssue) -> FieldReader? {
        guard let value = value(key) else { return nil }
        guard case .object(let members) = value else { throw fail(key, "expected an object, found \(value.typeName)") }
        return FieldReader(object: members, path: fieldPath(key))
    }

    func requiredObject(_ key: String) throws(IntakeIssue) -> FieldReader {
        guard let reader = try optionalObject(key) else { throw fail(key, "is required (an object)") }
        return reader
    }

    func timestamp(_ key: String, required: Bool) throws(IntakeIssue) -> Timestamp? {
        guard let value = value(key) else {
            if required { throw fail(key, "is required (an RFC 3339 timestamp such as 2026-11-02T09:14:07Z)") }
            return nil
        }
        guard case .string(let s) = value else {
            throw fail(key, "expected an RFC 3339 timestamp string, found \(value.typeName)")
        }
        guard let t = Timestamp(rfc3339: s) else {
            throw fail(key, "'\(s)' is not an RFC 3339 timestamp (expected e.g. 2026-11-02T09:14:07Z)")
        }
        return t
    }

    func severity(_ key: String) throws(IntakeIssue) -> Severity {
        guard let value = value(key) else { throw fail(key, "is required (one of info|low|medium|high|critical)") }
        guard case .string(let s) = value else {
            throw fail(key, "expected one of info|low|medium|high|critical, found \(value.typeName)")
        }
        guard let severity = Severity(lenient: s) else {
            throw fail(key, "'\(s)' is not a severity (expected one of info|low|medium|high|critical)")
        }
        return severity
    }

    /// ATT&CK references; a malformed one is an error, one unknown to the catalog a warning.
    func attackReferences(
        _ key: String, catalog: AttackCatalog, warnings: inout [IntakeIssue]
    ) throws(IntakeIssue)
        -> [AttackReference]
    {
        var references: [AttackReference] = []
        for (i, element) in try optionalArray(key).enumerated() {
            let elementPath = "\(key)[\(i)]"
            guard case .string(let text) = element else {
                throw fail(elementPath, "expected a string like \"TA0003:T1098\", found \(element.typeName)")
            }
            guard let reference = AttackReference(text) else {
                throw fail(elementPath, "'\(text)' is not an ATT&CK reference (expected TA0003:T1098 or T1098.001)")
            }
            if let problem = catalog.problem(with: reference) {
                warnings.append(IntakeIssue(level: .warning, field: fieldPath(elementPath), message: problem))
            }
            references.append(reference)
        }
        return references
    }
}
