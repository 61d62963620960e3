import VigilCore

/// Who may see and call a tool: `read` tools are granted by default; `write` tools (anything that
/// changes a platform, destructive or not) only when the server is started with the grant.
public enum ToolScope: String, Sendable, Hashable, CaseIterable, Comparable {
    case read, write

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .read && rhs == .write }
}

/// What calling a tool does to the platform, which decides its annotations.
public enum ToolEffect: String, Sendable, Hashable {
    /// Reads only.
    case read
    /// Adds or changes something, and the change is easy to undo or harmless (a comment, a message).
    case write
    /// Removes access, isolates, or otherwise disrupts (suspend a user, isolate a host).
    case destructive
}

/// One tool of a platform server: its contract (name, description, parameters, output schema,
/// annotations) and the handler that answers it through the platform port.
public struct ToolDefinition: Sendable {
    public typealias Handler = @Sendable (ToolArguments) async throws -> JSONObject

    public var name: String
    public var title: String
    public var description: String
    public var parameters: [ToolParameter]
    /// The members of the result object (`structuredContent`).
    public var output: [JSONSchema.Property]
    public var effect: ToolEffect
    /// Calling it twice with the same arguments has no further effect.
    public var idempotent: Bool
    /// It reaches beyond the platform's own records (people, external services).
    public var openWorld: Bool
    /// For write tools: the arguments that name what the call acts on (the login to suspend, the ticket
    /// to comment on). The Guard refuses to let a value from untrusted content fill them without
    /// approval. nil: every argument counts; empty: the tool creates something new.
    public var targets: [String]?
    public var handler: Handler

    public init(
        name: String, title: String, description: String, parameters: [ToolParameter] = [],
        output: [JSONSchema.Property], effect: ToolEffect = .read, idempotent: Bool = true, openWorld: Bool = false,
        targets: [String]? = nil, handler: @escaping Handler
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.parameters = parameters
        self.output = output
        self.effect = effect
        self.idempotent = idempotent
        self.openWorld = openWorld
        self.targets = targets
        self.handler = handler
    }

    public var scope: ToolScope { effect == .read ? .read : .write }

    public var inputSchema: JSONSchema {
        .object(
            properties: parameters.map { JSONSchema.Property($0.name, $0.schema, required: $0.required) },
            additionalProperties: false)
    }

    public var outputSchema: JSONSchema { .object(properties: output, additionalProperties: false) }
}

extension ToolParameter {
    /// `limit`: page size.
    public static func limit(default value: Int = 25, maximum: Int64 = 100) -> Self {
        Self("limit", .integer(minimum: 1, maximum: maximum), "Most items to return (default \(value)).")
    }

    /// `cursor`: where the previous page ended.
    public static var cursor: Self {
        Self("cursor", .string(maxLength: 200), "The `next_cursor` of the previous page, to get the next one.")
    }

    /// `from` and `to`: a time window.
    public static var window: [Self] {
        [
            Self("from", .time, "Start of the window, inclusive (RFC 3339)."),
            Self("to", .time, "End of the window, exclusive (RFC 3339)."),
        ]
    }

    public static var login: Self {
        .required("login", .string(maxLength: 320), "The user's login, e.g. ana.silva@meridian.example.")
    }
}
