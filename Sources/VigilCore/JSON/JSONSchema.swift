/// A JSON Schema (draft 2020-12 subset) built in code: the contract of a tool's input or output, of
/// a platform port's documents, of a model's answer.
///
/// The subset is what those contracts need — types (nullable too), object properties with
/// `required` and `additionalProperties: false`, array items and bounds, string enumerations and
/// lengths, integer and number ranges, descriptions everywhere — and nothing a validator could get
/// subtly wrong. `rendered` is the schema document; `validate(_:)` checks a value against it and
/// names the first path that does not conform.
public indirect enum JSONSchema: Sendable, Hashable {
    case string(StringRules = StringRules())
    case integer(minimum: Int64? = nil, maximum: Int64? = nil)
    case number(minimum: Double? = nil, maximum: Double? = nil)
    case boolean
    case array(JSONSchema, minItems: Int? = nil, maxItems: Int? = nil)
    case object(properties: [Property], additionalProperties: Bool = false)
    /// An object whose members are all of one schema (a map: `{"ConsoleLogin": 3, …}`).
    case map(JSONSchema)
    /// Any JSON value (a raw vendor record).
    case any
    /// The schema, or `null`.
    case nullable(JSONSchema)
    /// The schema with a description.
    case described(JSONSchema, String)

    public struct StringRules: Sendable, Hashable {
        public var allowed: [String]?
        public var minLength: Int?
        public var maxLength: Int?
        /// `date-time` (RFC 3339) or `uri`; rendered as `format` and checked for `date-time`.
        public var format: String?

        public init(allowed: [String]? = nil, minLength: Int? = nil, maxLength: Int? = nil, format: String? = nil) {
            self.allowed = allowed
            self.minLength = minLength
            self.maxLength = maxLength
            self.format = format
        }
    }

    public struct Property: Sendable, Hashable {
        public var name: String
        public var schema: JSONSchema
        public var required: Bool

        public init(_ name: String, _ schema: JSONSchema, required: Bool = true) {
            self.name = name
            self.schema = schema
            self.required = required
        }
    }

    /// A string that is one of `values`.
    public static func oneOf(_ values: [String]) -> JSONSchema { .string(StringRules(allowed: values)) }
    /// An RFC 3339 time.
    public static var dateTime: JSONSchema { .string(StringRules(format: "date-time")) }

    /// This schema with a description.
    public func describing(_ text: String) -> JSONSchema { .described(self, text) }
}

extension JSONSchema.Property {
    /// A required property with a description.
    public static func field(_ name: String, _ schema: JSONSchema, _ description: String) -> Self {
        Self(name, schema.describing(description))
    }

    /// An optional property with a description.
    public static func optional(_ name: String, _ schema: JSONSchema, _ description: String) -> Self {
        Self(name, schema.describing(description), required: false)
    }
}

extension JSONSchema {
    /// The schema as a JSON Schema document.
    public var rendered: JSONValue { .object(render()) }

    private func render() -> JSONObject {
        var out = JSONObject()
        switch self {
        case .string(let rules):
            out["type"] = "string"
            if let allowed = rules.allowed { out["enum"] = .array(allowed.map(JSONValue.string)) }
            if let minimum = rules.minLength { out["minLength"] = .int(Int64(minimum)) }
            if let maximum = rules.maxLength { out["maxLength"] = .int(Int64(maximum)) }
            if let format = rules.format { out["format"] = .string(format) }
        case .integer(let minimum, let maximum):
            out["type"] = "integer"
            if let minimum { out["minimum"] = .int(minimum) }
            if let maximum { out["maximum"] = .int(maximum) }
        case .number(let minimum, let maximum):
            out["type"] = "number"
            if let minimum { out["minimum"] = .double(minimum) }
            if let maximum { out["maximum"] = .double(maximum) }
        case .boolean:
            out["type"] = "boolean"
        case .array(let items, let minItems, let maxItems):
            out["type"] = "array"
            out["items"] = items.rendered
            if let minItems { out["minItems"] = .int(Int64(minItems)) }
            if let maxItems { out["maxItems"] = .int(Int64(maxItems)) }
        case .object(let properties, let additional):
            out["type"] = "object"
            var members = JSONObject()
            for property in properties { members[property.name] = property.schema.rendered }
            out["properties"] = .object(members)
            let required = properties.filter(\.required).map { JSONValue.string($0.name) }
            if !required.isEmpty { out["required"] = .array(required) }
            out["additionalProperties"] = .bool(additional)
        case .map(let values):
            out["type"] = "object"
            out["additionalProperties"] = values.rendered
        case .any:
            break
        case .nullable(let inner):
            out = inner.render()
            if case .string(let type) = out["type"] ?? .null {
                out["type"] = .array([.string(type), "null"])
                if case .array(let allowed) = out["enum"] ?? .null { out["enum"] = .array(allowed + [.null]) }
            } else {
                out = ["anyOf": .array([.object(out), ["type": "null"]])]
            }
        case .described(let inner, let text):
            out = inner.render()
            out["description"] = .string(text)
        }
        return out
    }
}

/// Where and how a value does not conform to a schema.
public struct JSONSchemaViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// A JSON path such as `$.events[3].time`.
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}

extension JSONSchema {
    /// Checks `value`; throws the first violation found, depth first.
    public func validate(_ value: JSONValue) throws(JSONSchemaViolation) {
        try validate(value, at: "$")
    }

    private func validate(_ value: JSONValue, at path: String) throws(JSONSchemaViolation) {
        func fail(_ message: String) -> JSONSchemaViolation { JSONSchemaViolation(path: path, message: message) }
        switch self {
        case .described(let inner, _):
            try inner.validate(value, at: path)
        case .any:
            return
        case .nullable(let inner):
            if value.isNull { return }
            try inner.validate(value, at: path)
        case .string(let rules):
            guard case .string(let text) = value else { throw fail("expected a string, got \(value.typeName)") }
            if let allowed = rules.allowed, !allowed.contains(text) {
                throw fail("expected one of \(allowed.joined(separator: ", ")), got '\(text)'")
            }
            // Lengths count code points, as JSON Schema does.
            if let minimum = rules.minLength, text.unicodeScalars.count < minimum {
                throw fail("expected at least \(minimum) characters")
            }
            if let maximum = rules.maxLength, text.unicodeScalars.count > maximum {
                throw fail("expected at most \(maximum) characters")
            }
            if rules.format == "date-time", Timestamp(rfc3339: text) == nil {
                throw fail("expected an RFC 3339 time, got '\(text)'")
            }
        case .integer(let minimum, let maximum):
            // 2020-12: any number with a zero fractional part is an integer.
            guard let number = value.intValue else { throw fail("expected an integer, got \(value.typeName)") }
            if let minimum, number < minimum { throw fail("expected at least \(minimum), got \(number)") }
            if let maximum, number > maximum { throw fail("expected at most \(maximum), got \(number)") }
        case .number(let minimum, let maximum):
            guard let number = value.doubleValue else { throw fail("expected a number, got \(value.typeName)") }
            if let minimum, number < minimum { throw fail("expected at least \(minimum), got \(number)") }
            if let maximum, number > maximum { throw fail("expected at most \(maximum), got \(number)") }
        case .boolean:
            guard case .bool = value else { throw fail("expected a boolean, got \(value.typeName)") }
        case .array(let items, let minItems, let maxItems):
            guard case .array(let elements) = value else { throw fail("expected an array, got \(value.typeName)") }
            if let minItems, elements.count < minItems { throw fail("expected at least \(minItems) items") }
            if let maxItems, elements.count > maxItems { throw fail("expected at most \(maxItems) items") }
            for (index, element) in elements.enumerated() { try items.validate(element, at: "\(path)[\(index)]") }
        case .map(let values):
            guard case .object(let members) = value else { throw fail("expected an object, got \(value.typeName)") }
            for (key, member) in members { try values.validate(member, at: "\(path).\(key)") }
        case .object(let properties, let additional):
            guard case .object(let members) = value else { throw fail("expected an object, got \(value.typeName)") }
            for property in properties {
                if let member = members[property.name] {
                    try property.schema.validate(member, at: "\(path).\(property.name)")
                } else if property.required {
                    throw fail("missing required member '\(property.name)'")
                }
            }
            if !additional {
                for key in members.keys where !properties.contains(where: { $0.name == key }) {
                    throw fail("unexpected member '\(key)'")
                }
            }
        }
    }
}
