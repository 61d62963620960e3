/// A JSON document held as a value.
///
/// Vendor records (CloudTrail, Okta System Log, EDR) are kept faithfully as `JSONValue`: integers stay
/// integers (`.int`), other numbers are `.double`, and objects keep every key in its original order.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The member `key` of an object, or `nil` for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The element at `index` of an array, or `nil`.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    /// Follows a dotted path (`userIdentity.sessionContext.sessionIssuer.arn`) through nested objects;
    /// numeric components index arrays.
    public func value(at path: String) -> JSONValue? {
        var current = self
        var remaining = Substring(path)
        while true {
            let dot = remaining.firstIndex(of: ".")
            let component = dot.map { remaining[..<$0] } ?? remaining
            switch current {
            case .object(let members):
                guard let next = members[String(component)] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(component), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
            guard let dot else { return current }
            remaining = remaining[remaining.index(after: dot)...]
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the JSON type, for error messages ("expected a string, found an array").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        assert(Set(elements.map(\.0)).count == elements.count, "duplicate key in JSON object literal")
        self = .object(JSONObject(uniqueKeys: elements.map(\.0), values: elements.map(\.1)))
    }
}

extension JSONValue {
    /// Every string, integer and number in the value, depth first, as text (object keys excluded).
    public func appendScalarTexts(to out: inout [String]) {
        switch self {
        case .string(let s): out.append(s)
        case .int(let n): out.append(String(n))
        case .double(let n): out.append(String(n))
        case .array(let items): for item in items { item.appendScalarTexts(to: &out) }
        case .object(let object): for (_, item) in object { item.appendScalarTexts(to: &out) }
        case .bool, .null: break
        }
    }
}
