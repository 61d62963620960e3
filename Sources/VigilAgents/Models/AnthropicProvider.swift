import VigilCore

/// Claude through the Anthropic Messages API (`POST /v1/messages`): tool use (several calls in one
/// turn), prompt caching of the instructions and tool definitions (`cache_control` on the system
/// block and the last tool, so every turn after the first reads them from the cache), temperature 0,
/// usage with cache reads and writes, retries that honour `retry-after` on 429, 529 and 5xx.
public struct AnthropicProvider: ModelProvider {
    public struct Settings: Sendable, Hashable {
        public var model: String
        public var apiKey: String
        public var baseURL: String
        public var version: String
        public var maxTokens: Int

        public init(
            model: String = "claude-sonnet-4-5", apiKey: String, baseURL: String = "https://api.anthropic.com",
            version: String = "2023-06-01", maxTokens: Int = 4096
        ) {
            self.model = model
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.version = version
            self.maxTokens = maxTokens
        }
    }

    public let settings: Settings
    let http: ModelHTTP

    public init(settings: Settings, http: ModelHTTP = ModelHTTP()) throws(ModelError) {
        guard !settings.apiKey.isEmpty else { throw .configuration("the Anthropic API key is empty") }
        guard settings.baseURL.hasPrefix("http://") || settings.baseURL.hasPrefix("https://") else {
            throw .configuration("the Anthropic base URL '\(settings.baseURL)' is not an http(s) URL")
        }
        self.settings = settings
        self.http = http
    }

    public var name: String { "anthropic:\(settings.model)" }

    public func respond(to request: ModelRequest) async throws(ModelError) -> ModelResponse {
        let base = settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL
        let reply = try await http.post(
            base + "/v1/messages",
            headers: [("x-api-key", settings.apiKey), ("anthropic-version", settings.version)],
            body: body(request), describe: Self.error)
        guard (200..<300).contains(reply.status) else {
            let (type, message) = Self.error(reply)
            throw .rejected(status: reply.status, type: type, message: message)
        }
        guard let body = reply.body else { throw .malformedResponse("not JSON: \(reply.text.prefix(200))") }
        return try Self.parse(body)
    }

    /// The request body.
    func body(_ request: ModelRequest) -> JSONValue {
        var tools: [JSONValue] = request.tools.map {
            ["name": .string($0.name), "description": .string($0.description), "input_schema": $0.inputSchema]
        }
        if case .object(var last) = tools.last ?? .null {
            last["cache_control"] = ["type": "ephemeral"]
            tools[tools.count - 1] = .object(last)
        }
        return [
            "model": .string(settings.model), "max_tokens": .int(Int64(min(settings.maxTokens, request.maxTokens))),
            "temperature": 0,
            "system": [["type": "text", "text": .string(request.system), "cache_control": ["type": "ephemeral"]]],
            "tools": .array(tools),
            "messages": .array(request.messages.map(Self.message)),
        ]
    }

    static func message(_ message: ModelMessage) -> JSONValue {
        let blocks: [JSONValue] = message.content.map { block in
            switch block {
            case .text(let text): return ["type": "text", "text": .string(text)]
            case .toolCall(let call):
                return [
                    "type": "tool_use", "id": .string(call.id), "name": .string(call.name),
                    "input": .object(call.arguments ?? [:]),
                ]
            case .toolResult(let id, let content, let isError):
                return [
                    "type": "tool_result", "tool_use_id": .string(id), "content": .string(content),
                    "is_error": .bool(isError),
                ]
            }
        }
        return ["role": .string(message.role.rawValue), "content": .array(blocks)]
    }

    static func parse(_ body: JSONValue) throws(ModelError) -> ModelResponse {
        guard body["type"]?.stringValue == "message", let blocks = body["content"]?.arrayValue else {
            throw .malformedResponse("expected a message with content, got \(body.serialized().prefix(200))")
        }
        var content: [ModelContent] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                // An empty text block may not be sent back to the API; it carries nothing anyway.
                if let text = block["text"]?.stringValue, !text.isEmpty { content.append(.text(text)) }
            case "tool_use":
                guard let id = block["id"]?.stringValue, let name = block["name"]?.stringValue else {
                    throw .malformedResponse("a tool_use block without id or name")
                }
                let input = block["input"] ?? .null
                content.append(
                    .toolCall(ModelToolCall(id: id, name: name, arguments: input.objectValue, raw: input.serialized())))
            default: continue  // thinking and other blocks carry nothing the loop uses
            }
        }
        let usage = body["usage"] ?? .null
        let tokens = ModelUsage(
            turns: 1, inputTokens: Int(usage["input_tokens"]?.intValue ?? 0),
            outputTokens: Int(usage["output_tokens"]?.intValue ?? 0),
            cacheReadTokens: Int(usage["cache_read_input_tokens"]?.intValue ?? 0),
            cacheWriteTokens: Int(usage["cache_creation_input_tokens"]?.intValue ?? 0))
        let stop: ModelResponse.Stop
        switch body["stop_reason"]?.stringValue ?? "" {
        case "end_turn", "stop_sequence": stop = .endTurn
        case "tool_use": stop = .toolUse
        case "max_tokens": stop = .maxTokens
        case "refusal":
            stop = .refusal(content.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined())
        case let other: stop = .other(other)
        }
        return ModelResponse(content: content, stop: stop, usage: tokens)
    }

    /// `{"type":"error","error":{"type":"overloaded_error","message":"…"}}`
    static func error(_ reply: ModelHTTP.Reply) -> (type: String, message: String) {
        let error = reply.body?["error"]
        return (
            error?["type"]?.stringValue ?? "http_\(reply.status)",
            error?["message"]?.stringValue ?? String(reply.text.prefix(300))
        )
    }
}
