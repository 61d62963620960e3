import VigilCore

/// Why a platform could not answer. Tools turn these into tool errors a model can act on; none of
/// them is a crash or a protocol error.
public struct PlatformError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case notFound
        case invalidArgument
        case conflict
        case unavailable
    }

    private let code: Code
    /// For `invalidArgument`: the argument at fault.
    public let argument: String?
    public let message: String

    private init(_ code: Code, argument: String? = nil, _ message: String) {
        self.code = code
        self.argument = argument
        self.message = message
    }

    /// Nothing of this kind has this identifier (`user 'x' not found`).
    public static func notFound(_ kind: String, _ id: String) -> Self {
        Self(.notFound, "\(kind) '\(id)' not found")
    }

    /// An argument is well-formed but not acceptable to the platform.
    public static func invalidArgument(_ argument: String, _ message: String) -> Self {
        Self(.invalidArgument, argument: argument, "argument '\(argument)': \(message)")
    }

    /// The request conflicts with the current state (already suspended, approval already decided).
    public static func conflict(_ message: String) -> Self { Self(.conflict, message) }

    /// The platform cannot be reached or failed; the caller may retry later.
    public static func unavailable(_ message: String) -> Self { Self(.unavailable, message) }

    public var isNotFound: Bool { code == .notFound }
    public var isInvalidArgument: Bool { code == .invalidArgument }
    public var description: String { message }
}

/// A time window `[from, to)`.
public struct TimeWindow: Sendable, Hashable {
    public var from: Timestamp?
    public var to: Timestamp?

    public init(from: Timestamp? = nil, to: Timestamp? = nil) {
        self.from = from
        self.to = to
    }

    public func contains(_ time: Timestamp) -> Bool {
        (from.map { time >= $0 } ?? true) && (to.map { time < $0 } ?? true)
    }
}

/// Which page of a list: at most `limit` items, after `cursor` (as returned by the previous page).
public struct PageRequest: Sendable, Hashable {
    public var limit: Int
    public var cursor: String?

    public init(limit: Int = 50, cursor: String? = nil) {
        self.limit = limit
        self.cursor = cursor
    }
}
