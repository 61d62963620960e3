import VigilCore

/// Any OpenAI-compatible Chat Completions endpoint (`POST {base}/chat/completions`): OpenAI, Ollama,
/// vLLM, LiteLLM. Tools as `function` tools, their calls answered with `tool` messages, temperature 0,
/// usage with cached prompt tokens where reported, retries that honour `retry-after(-ms)`. The key is
/// optional (local servers need none).
public struct OpenAIProvider: ModelProvider {
    public struct Settings: Sendable, Hashable {
        public var model: String
        public var apiKey: String?
        public var baseURL: String
        public var maxTokens: Int

        public init(
            model: String = "gpt-4.1", apiKey: String?, baseURL: String = "https://api.openai.com/v1",
            maxTokens: Int = 4096
        ) {
            self.model = model
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.maxTokens = maxTokens
        }
    }

    public let settings: Settings
    let http: ModelHTTP

    public init(settings: Settings, http: ModelHTTP = ModelHTTP()) throws(ModelError) {
        guard settings.baseURL.hasPrefix("http://") || settings.baseURL.hasPrefix("https://") else {
            throw .configuration("the OpenAI-compatible base URL '\(settings.baseURL)' is not an http(s) URL")
        }
        self.settings = settings
        self.http = http
    }

    public var name: String { "openai:\(settings.model)" }

    public func respond(to request: ModelRequest) async throws(ModelError) -> ModelResponse {
        let base = settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL
        var headers: [(String, String)] = []
        if let key = settings.apiKey, !key.isEmpty { headers.append(("authorization", "Bearer \(key)")) }
        let reply = try await http.post(
            base + "/chat/completions", headers: headers, body: body(request), describe: Self.error)
        guard (200..<300).contains(reply.status) else {
            let (type, message) = Self.error(reply)
            throw .rejected(status: reply.status, type: type, message: message)
        }
        guard let body = reply.body else { throw .malformedResponse("not JSON: \(reply.text.prefix(200))") }
        return try Self.parse(body)
    }

    func body(_ request: ModelRequest) -> JSONValue {
        var messages: [JSONValue] = [["role": "system", "content": .string(request.system)]]
        for message in request.messages { messages += Self.messages(message) }
        // OpenAI's own API has replaced max_tokens (refused by its reasoning models) with
        // max_completion_tokens; compatible servers (Ollama, vLLM, LiteLLM) read max_tokens.
        let limit = settings.baseURL.contains("api.openai.com") ? "max_completion_tokens" : "max_tokens"
        var body: JSONObject = [
            "model": .string(settings.model), "temperature": 0,
            limit: .int(Int64(min(settings.maxTokens, request.maxTokens))), "messages": .array(messages),
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(
                request.tools.map {
                    [
                        "type": "function",
                        "function": [
                            "name": .string($0.name), "description": .string($0.description),
                            "parameters": $0.inputSchema,
                        ],
                    ]
                })
        }
        return .object(body)
    }

    /// One Vigil message as Chat Completions messages: tool results become `tool` messages.
    static func messages(_ message: ModelMessage) -> [JSONValue] {
        switch message.role {
        case .assistant:
            let text = message.content.compactMap { if case .text(let t) = $0 { t } else { nil } }.joined(
                separator: "\n")
            let calls: [JSONValue] = message.content.compactMap {
                guard case .toolCall(let call) = $0 else { return nil }
                return [
                    "id": .string(call.id), "type": "function",
                    "function": ["name": .string(call.name), "arguments": .string(call.raw)],
                ]
            }
            // Content may be null only beside tool calls.
            var out: JSONObject = ["role": "assistant", "content": text.isEmpty && !calls.isEmpty ? .null : .string(text)]
            if !calls.isEmpty { out["tool_calls"] = .array(calls) }
            return [.object(out)]
        case .user:
            var out: [JSONValue] = []
            var texts: [String] = []
            for block in message.content {
                switch block {
                case .text(let text): texts.append(text)
                case .toolResult(let id, let content, let isError):
                    out.append([
                        "role": "tool", "tool_call_id": .string(id),
                        "content": .string(isError ? "ERROR: \(content)" : content),
                    ])
                case .toolCall: continue
                }
            }
            if !texts.isEmpty { out.append(["role": "user", "content": .string(texts.joined(separator: "\n\n"))]) }
            return out
        }
    }

    static func parse(_ body: JSONValue) throws(ModelError) -> ModelResponse {
        guard let choice = body["choices"]?[0], let message = choice["message"] else {
            throw .malformedResponse("expected choices[0].message, got \(body.serialized().prefix(200))")
        }
        var content: [ModelContent] = []
        if let text = message["content"]?.stringValue, !text.isEmpty { content.append(.text(text)) }
        for call in message["tool_calls"]?.arrayValue ?? [] {
            guard let id = call["id"]?.stringValue, let name = call["function"]?["name"]?.stringValue else {
                throw .malformedResponse("a tool call without id or function name")
            }
            // Arguments are a JSON text; some compatible servers send an object instead.
            let arguments = call["function"]?["arguments"] ?? .null
            if let text = arguments.stringValue {
                content.append(.toolCall(ModelToolCall(id: id, name: name, argumentsText: text)))
            } else {
                content.append(
                    .toolCall(
                        ModelToolCall(id: id, name: name, arguments: arguments.objectValue, raw: arguments.serialized())
                    ))
            }
        }
        let usage = body["usage"] ?? .null
        let tokens = ModelUsage(
            turns: 1, inputTokens: Int(usage["prompt_tokens"]?.intValue ?? 0),
            outputTokens: Int(usage["completion_tokens"]?.intValue ?? 0),
            cacheReadTokens: Int(usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0))
        let stop: ModelResponse.Stop
        if let refusal = message["refusal"]?.stringValue, !refusal.isEmpty {
            stop = .refusal(refusal)
        } else {
            switch choice["finish_reason"]?.stringValue ?? "" {
            case "stop": stop = .endTurn
            case "tool_calls", "function_call": stop = .toolUse
            case "length": stop = .maxTokens
            case "content_filter": stop = .refusal("the endpoint's content filter stopped the answer")
            case let other:
                stop = content.contains { if case .toolCall = $0 { true } else { false } } ? .toolUse : .other(other)
            }
        }
        return ModelResponse(content: content, stop: stop, usage: tokens)
    }

    /// `{"error":{"message":"…","type":"…","code":"…"}}`
    static func error(_ reply: ModelHTTP.Reply) -> (type: String, message: String) {
        let error = reply.body?["error"]
        return (
            error?["type"]?.stringValue ?? error?["code"]?.stringValue ?? "http_\(reply.status)",
            error?["message"]?.stringValue ?? String(reply.text.prefix(300))
        )
    }
}
