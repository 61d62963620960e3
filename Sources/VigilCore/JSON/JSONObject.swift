/// A JSON object that keeps its members in order.
///
/// Vendor records stay exactly as they arrived, key order included, and values built in code
/// serialize in the order they were written, so output is deterministic without sorting. Lookup is a
/// linear scan, which beats hashing for the small objects logs are made of. Equality and hashing
/// ignore order, as JSON's semantics do.
public struct JSONObject: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [String]
    public private(set) var values: [JSONValue]

    public init() {
        keys = []
        values = []
    }

    /// Members in the given order; a repeated key keeps its first position and its last value. (Keys are looked
    /// up in a table while building, so an object of many keys with one repeated costs in proportion to its size.)
    public init(_ members: some Sequence<(String, JSONValue)>) {
        self.init()
        var position: [String: Int] = [:]
        for (key, value) in members {
            if let index = position[key] {
                values[index] = value
            } else {
                position[key] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
    }

    /// The members of a dictionary, ordered by key (dictionaries have no order of their own).
    public init(_ dictionary: [String: JSONValue]) {
        let sorted = dictionary.sorted { $0.key < $1.key }
        keys = sorted.map(\.key)
        values = sorted.map(\.value)
    }

    /// A literal's keys are written once each (checked in debug builds).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        keys = elements.map(\.0)
        values = elements.map(\.1)
        assert(Set(keys).count == keys.count, "duplicate key in JSON object literal: \(keys)")
    }

    /// Builds from already-unique keys without checking (the parser's fast path).
    init(uniqueKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value of `key`; setting `nil` removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue {
                    values[index] = newValue
                } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        zip(keys, values).lazy.map { (key: $0.0, value: $0.1) }.makeIterator()
    }

    public var dictionary: [String: JSONValue] {
        Dictionary(zip(keys, values), uniquingKeysWith: { _, last in last })
    }

    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        JSONObject(uniqueKeys: keys, values: try values.map(transform))
    }
}

extension JSONObject: Hashable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.keys == rhs.keys { return lhs.values == rhs.values }
        for (key, value) in zip(lhs.keys, lhs.values) where rhs[key] != value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: a commutative sum of each member's own hash.
        var sum = 0
        for (key, value) in zip(keys, values) {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            sum = sum &+ member.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}
