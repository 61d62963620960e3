import VigilCore

/// One argument of a tool: its name, type, constraints, and what it means. The input schema is
/// rendered from these, and arguments are validated against them before a handler runs.
public struct ToolParameter: Sendable {
    public enum Kind: Sendable {
        case string(minLength: Int = 1, maxLength: Int = 1024)
        case oneOf([String])
        case integer(minimum: Int64, maximum: Int64)
        case number(minimum: Double, maximum: Double)
        case boolean
        /// An RFC 3339 time.
        case time
        case strings(maxItems: Int)
        /// An object of string values whose keys are among `keys` (search filters).
        case filters(keys: [String])
    }

    public var name: String
    public var kind: Kind
    public var description: String
    public var required: Bool

    public init(_ name: String, _ kind: Kind, _ description: String, required: Bool = false) {
        self.name = name
        self.kind = kind
        self.description = description
        self.required = required
    }

    public static func required(_ name: String, _ kind: Kind, _ description: String) -> Self {
        Self(name, kind, description, required: true)
    }

    var schema: JSONSchema {
        let base: JSONSchema =
            switch kind {
            case .string(let minimum, let maximum): .string(.init(minLength: minimum, maxLength: maximum))
            case .oneOf(let values): .oneOf(values)
            case .integer(let minimum, let maximum): .integer(minimum: minimum, maximum: maximum)
            case .number(let minimum, let maximum): .number(minimum: minimum, maximum: maximum)
            case .boolean: .boolean
            case .time: .dateTime
            case .strings(let maxItems): .array(.string(.init(minLength: 1, maxLength: 1024)), maxItems: maxItems)
            case .filters(let keys):
                .object(
                    properties: keys.map { JSONSchema.Property($0, .string(.init(maxLength: 1024)), required: false) })
            }
        // An optional argument may also be sent as null, which means absent.
        return (required ? base : .nullable(base)).describing(description)
    }

    /// What a valid value looks like, for error messages.
    var expectation: String {
        switch kind {
        case .string(let minimum, let maximum):
            minimum > 0
                ? "a non-empty string of at most \(maximum) characters" : "a string of at most \(maximum) characters"
        case .oneOf(let values): "one of \(values.map { "'\($0)'" }.joined(separator: ", "))"
        case .integer(let minimum, let maximum): "an integer from \(minimum) to \(maximum)"
        case .number(let minimum, let maximum): "a number from \(minimum) to \(maximum)"
        case .boolean: "true or false"
        case .time: "an RFC 3339 time such as 2026-11-02T14:03:00Z"
        case .strings(let maxItems): "an array of at most \(maxItems) non-empty strings"
        case .filters(let keys):
            "an object whose keys are among \(keys.joined(separator: ", ")) and whose values are strings of at most 1024 characters"
        }
    }

    /// Checks one supplied value.
    func check(_ value: JSONValue) throws(ToolArgumentError) {
        let fail = ToolArgumentError(argument: name, expected: expectation, got: value)
        switch kind {
        case .string(let minimum, let maximum):
            // JSON Schema counts lengths in code points.
            guard case .string(let text) = value, text.unicodeScalars.count >= minimum,
                text.unicodeScalars.count <= maximum
            else { throw fail }
        case .oneOf(let values):
            guard case .string(let text) = value, values.contains(text) else { throw fail }
        case .integer(let minimum, let maximum):
            // JSON Schema's integer includes integral numbers written with a fraction (5.0).
            guard let n = value.intValue, n >= minimum, n <= maximum else { throw fail }
        case .number(let minimum, let maximum):
            guard let n = value.doubleValue, n >= minimum, n <= maximum else { throw fail }
        case .boolean:
            guard case .bool = value else { throw fail }
        case .time:
            guard case .string(let text) = value, Timestamp(rfc3339: text) != nil else { throw fail }
        case .strings(let maxItems):
            guard case .array(let items) = value, items.count <= maxItems,
                items.allSatisfy({
                    ($0.stringValue?.isEmpty == false) && ($0.stringValue?.unicodeScalars.count ?? 0) <= 1024
                })
            else { throw fail }
        case .filters(let keys):
            guard case .object(let members) = value,
                members.allSatisfy({
                    keys.contains($0.key) && ($0.value.stringValue?.unicodeScalars.count ?? 1025) <= 1024
                })
            else { throw fail }
        }
    }
}

/// An argument that is missing, unknown, or not what the tool expects.
public struct ToolArgumentError: Error, Sendable, CustomStringConvertible {
    public var argument: String
    public var message: String

    init(argument: String, message: String) {
        self.argument = argument
        self.message = message
    }

    init(argument: String, expected: String, got value: JSONValue) {
        var shown = value.serialized()
        if shown.count > 80 { shown = String(shown.prefix(77)) + "..." }
        self.init(argument: argument, message: "expected \(expected), got \(shown)")
    }

    public var description: String { "argument '\(argument)': \(message)" }
}
