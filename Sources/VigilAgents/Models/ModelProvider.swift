import VigilCore

/// A language model behind one protocol: given the conversation so far and the tools it may use, it
/// answers with text and tool calls. The agent loop is the same for every provider; the provider
/// only chooses the next tool calls and the final answer.
public protocol ModelProvider: Sendable {
    /// `anthropic:claude-…`, `openai:gpt-…`: for the audit log and verdicts.
    var name: String { get }
    func respond(to request: ModelRequest) async throws(ModelError) -> ModelResponse
}

/// A tool as the model sees it. Names follow the strictest vendor rule (`^[a-zA-Z0-9_-]{1,64}$`).
public struct ModelTool: Sendable, Hashable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue

    public init(name: String, description: String, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }
}

/// A tool call the model made. `arguments` is nil when what it sent is not a JSON object; `raw` is
/// what it sent, kept so the conversation can be replayed to it as it was.
public struct ModelToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    public var arguments: JSONObject?
    public var raw: String

    public init(id: String, name: String, arguments: JSONObject?, raw: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.raw = raw
    }

    /// A call whose arguments arrived as a JSON text (OpenAI's `function.arguments`).
    public init(id: String, name: String, argumentsText: String) {
        let parsed = try? JSONParser.parse(argumentsText)
        self.init(id: id, name: name, arguments: parsed?.objectValue, raw: argumentsText)
    }
}

/// One block of a message.
public enum ModelContent: Sendable, Hashable {
    case text(String)
    case toolCall(ModelToolCall)
    /// The answer to a tool call, as text the model reads.
    case toolResult(id: String, content: String, isError: Bool)
}

public struct ModelMessage: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case user, assistant }

    public var role: Role
    public var content: [ModelContent]

    public init(role: Role, content: [ModelContent]) {
        self.role = role
        self.content = content
    }

    public static func user(_ text: String) -> Self { Self(role: .user, content: [.text(text)]) }
}

public struct ModelRequest: Sendable, Hashable {
    /// The tier's instructions. Providers that cache mark it (and the tools) for caching.
    public var system: String
    public var tools: [ModelTool]
    public var messages: [ModelMessage]
    public var maxTokens: Int

    public init(system: String, tools: [ModelTool], messages: [ModelMessage], maxTokens: Int = 4096) {
        self.system = system
        self.tools = tools
        self.messages = messages
        self.maxTokens = maxTokens
    }
}

public struct ModelResponse: Sendable, Hashable {
    public enum Stop: Sendable, Hashable {
        /// The model finished its turn.
        case endTurn
        /// The model wants its tool calls answered.
        case toolUse
        /// The answer was cut off at the token limit.
        case maxTokens
        /// The model declined; the text says why, where it says anything.
        case refusal(String)
        /// Anything else the vendor reports, by its name.
        case other(String)
    }

    public var content: [ModelContent]
    public var stop: Stop
    public var usage: ModelUsage

    public init(content: [ModelContent], stop: Stop, usage: ModelUsage) {
        self.content = content
        self.stop = stop
        self.usage = usage
    }

    public var toolCalls: [ModelToolCall] {
        content.compactMap { if case .toolCall(let call) = $0 { call } else { nil } }
    }

    public var text: String {
        content.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined(separator: "\n")
    }
}

/// Why a model could not answer.
public enum ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A setting is missing or wrong (no API key, bad URL).
    case configuration(String)
    /// The vendor answered with an error that retrying will not fix (400, 401, 403, 404, …).
    case rejected(status: Int, type: String, message: String)
    /// Retryable failures (429, 529, 5xx, timeouts) went on past the retry budget.
    case exhausted(attempts: Int, last: String)
    /// The vendor asked to wait longer than Vigil is configured to.
    case retryAfterTooLong(seconds: Double, limit: Double)
    /// The response was not the vendor's documented format.
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .configuration(let message): "model configuration: \(message)"
        case .rejected(let status, let type, let message):
            "the model API refused the request (HTTP \(status), \(type)): \(message)"
        case .exhausted(let attempts, let last): "the model API failed \(attempts) times; last: \(last)"
        case .retryAfterTooLong(let seconds, let limit):
            "the model API asked to retry after \(seconds) s, beyond the \(limit) s Vigil waits"
        case .malformedResponse(let message): "the model API's response was malformed: \(message)"
        }
    }
}
