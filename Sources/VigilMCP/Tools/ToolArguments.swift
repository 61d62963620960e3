import VigilCore
import VigilPlatforms

/// A tool call's arguments after validation: every value present has the declared type and bounds,
/// every required one is present, and no unknown one was sent.
public struct ToolArguments: Sendable {
    public let values: JSONObject

    /// Validates `raw` against `parameters`.
    public init(_ raw: JSONObject, parameters: [ToolParameter]) throws(ToolArgumentError) {
        for key in raw.keys where !parameters.contains(where: { $0.name == key }) {
            let known = parameters.map(\.name).joined(separator: ", ")
            throw ToolArgumentError(
                argument: key, message: "unknown argument; this tool takes \(known.isEmpty ? "no arguments" : known)")
        }
        for parameter in parameters {
            guard let value = raw[parameter.name], !value.isNull else {
                if parameter.required { throw ToolArgumentError(argument: parameter.name, message: "is required") }
                continue
            }
            try parameter.check(value)
        }
        values = raw
    }

    public func string(_ name: String) -> String? { values[name]?.stringValue }
    /// A required string (validation guarantees it).
    public func require(_ name: String) -> String { values[name]?.stringValue ?? "" }
    public func int(_ name: String) -> Int? { values[name]?.intValue.map(Int.init) }
    public func double(_ name: String) -> Double? { values[name]?.doubleValue }
    public func bool(_ name: String) -> Bool? { values[name]?.boolValue }
    public func time(_ name: String) -> Timestamp? { string(name).flatMap(Timestamp.init(rfc3339:)) }
    public func strings(_ name: String) -> [String] { values[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    public func filters(_ name: String) -> [(String, String)] {
        values[name]?.objectValue.map { $0.compactMap { key, value in value.stringValue.map { (key, $0) } } } ?? []
    }

    /// `from`/`to` as a window; `to` before `from` is an argument error.
    public func window() throws(ToolArgumentError) -> TimeWindow {
        let window = TimeWindow(from: time("from"), to: time("to"))
        if let from = window.from, let to = window.to, to < from {
            throw ToolArgumentError(argument: "to", message: "is before 'from'")
        }
        return window
    }

    /// `limit` and `cursor` as a page request.
    public func page(defaultLimit: Int = 25) -> PageRequest {
        PageRequest(limit: int("limit") ?? defaultLimit, cursor: string("cursor"))
    }
}
