import VigilCore

/// A path into a JSON value: keys separated by dots, `[N]` for an element, `[*]` for every element
/// (`tickets[*].type`, `principal.automation`, `events[0].sourceIPAddress`).
public struct ValuePath: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
        case every
    }

    let steps: [Step]
    public let description: String

    /// Parses `text`; nil (with the reason in `problem`) if it is not a path.
    public init(_ text: String) throws(PlaybookError) {
        var steps: [Step] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let name = rest.prefix { $0 != "[" }
            rest = rest.dropFirst(name.count)
            if !name.isEmpty { steps.append(.key(String(name))) }
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]") else {
                    throw PlaybookError("'\(text)' is not a path (unclosed '[')")
                }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if inside == "*" {
                    steps.append(.every)
                } else if let index = Int(inside), index >= 0 {
                    steps.append(.index(index))
                } else {
                    throw PlaybookError("'\(text)' is not a path ('[\(inside)]' is neither an index nor *)")
                }
                rest = rest[rest.index(after: close)...]
            }
            if name.isEmpty && part.first != "[" {
                throw PlaybookError("'\(text)' is not a path (empty key)")
            }
        }
        guard !steps.isEmpty else { throw PlaybookError("the path is empty") }
        self.steps = steps
        self.description = text
    }

    init(steps: [Step], description: String) {
        self.steps = steps
        self.description = description
    }

    /// The first key, and the path after it.
    var split: (head: String, rest: ValuePath?)? {
        guard case .key(let head) = steps.first else { return nil }
        let rest = Array(steps.dropFirst())
        return (
            head,
            rest.isEmpty ? nil : ValuePath(steps: rest, description: String(description.drop { $0 != "." }.dropFirst()))
        )
    }

    /// Every value at the path (several where `[*]` fans out; none where a key is missing).
    public func values(in root: JSONValue) -> [JSONValue] {
        var current = [root]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch (step, value) {
                case (.key(let key), .object(let object)):
                    if let found = object[key] { next.append(found) }
                case (.index(let index), .array(let items)):
                    if index < items.count { next.append(items[index]) }
                case (.every, .array(let items)):
                    next.append(contentsOf: items)
                default:
                    continue
                }
            }
            current = next
        }
        return current
    }
}
