import MCP
import VigilCore

extension Value {
    /// The MCP SDK's value for a Vigil JSON value.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let n): self = .int(Int(n))
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(Value.init))
        case .object(let members):
            var dictionary: [String: Value] = [:]
            dictionary.reserveCapacity(members.count)
            for (key, value) in members { dictionary[key] = Value(value) }
            self = .object(dictionary)
        }
    }
}

extension JSONValue {
    /// A Vigil JSON value for the MCP SDK's value (object keys sorted: the SDK keeps no order).
    init(_ value: MCP.Value) {
        switch value as MCP.Value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let n): self = .int(Int64(n))
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .data(let mimeType, let data):
            self = .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let items): self = .array(items.map { JSONValue($0) })
        case .object(let members):
            self = .object(JSONObject(members.sorted { $0.key < $1.key }.map { ($0.key, JSONValue($0.value)) }))
        }
    }
}
