/// Where a record sits in an input: the whole document, an element of a top-level array, or a line of
/// JSON Lines. Numbers are 1-based.
public enum RecordPosition: Sendable, Hashable, CustomStringConvertible {
    case document
    case element(Int)
    case line(Int)

    public var description: String {
        switch self {
        case .document: "input"
        case .element(let n): "record \(n)"
        case .line(let n): "line \(n)"
        }
    }
}

/// A problem with one input record: which record, which field, what was wrong.
public struct IntakeIssue: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable {
        case error
        case warning
    }

    public var level: Level
    public var position: RecordPosition
    /// The dotted path of the offending field (`finding_info.title`), if the problem is in one.
    public var field: String?
    public var message: String

    public init(level: Level = .error, position: RecordPosition = .document, field: String?, message: String) {
        self.level = level
        self.position = position
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = "\(position)"
        if let field { text += ", field '\(field)'" }
        return text + ": " + message
    }

    func at(_ position: RecordPosition) -> IntakeIssue {
        var copy = self
        copy.position = position
        return copy
    }
}
