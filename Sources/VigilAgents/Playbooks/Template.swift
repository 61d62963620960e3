import Foundation
import VigilCore

/// Text with `{{…}}` placeholders, filled from what an investigation knows: `alert.rule_id`,
/// `entity.user` (the alert's first entity of that kind), `context.KEY`, `event.PATH` (the first raw
/// event), `last_event.PATH` (the last), `steps.STEP.PATH` (an earlier step's result) and, in claims, `value`.
///
/// A template that is a single placeholder yields the value itself (a number stays a number);
/// otherwise values are written into the text.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case text(String)
        case placeholder(ValuePath)
    }

    let parts: [Part]
    public let description: String

    public static let roots: Set<String> = ["alert", "entity", "context", "event", "last_event", "steps", "value"]

    public init(_ text: String) throws(PlaybookError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw PlaybookError("'\(text)': '{{' without '}}'")
            }
            let inside = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let path = try ValuePath(inside)
            guard let head = path.split?.head, Self.roots.contains(head) else {
                throw PlaybookError(
                    "'\(text)': '{{\(inside)}}' must start with one of \(Self.roots.sorted().joined(separator: ", "))")
            }
            parts.append(.placeholder(path))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
        self.description = text
    }

    /// The placeholders' paths.
    var placeholders: [ValuePath] {
        parts.compactMap {
            if case .placeholder(let path) = $0 { return path }
            return nil
        }
    }

    /// Fills the template; nil if a placeholder has no value.
    public func fill(_ resolve: (ValuePath) -> JSONValue?) -> JSONValue? {
        if parts.count == 1, case .placeholder(let path) = parts[0] { return resolve(path) }
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal): text += literal
            case .placeholder(let path):
                guard let value = resolve(path), value != .null else { return nil }
                text += value.stringValue ?? value.serialized()
            }
        }
        return .string(text)
    }
}
