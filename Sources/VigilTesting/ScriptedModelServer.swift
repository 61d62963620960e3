import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import VigilCore

/// A local HTTP server that speaks a model vendor's real wire format — the Anthropic Messages API
/// (`POST /v1/messages`) or OpenAI Chat Completions (`POST /v1/chat/completions`) — and answers with
/// scripted turns: tool calls (malformed arguments and unknown tools included), text, refusals,
/// `max_tokens` stops, vendor errors with `retry-after`, or no answer at all. It records every request.
///
/// Usage is reported as the vendor would: input tokens estimated at four bytes each; for Anthropic,
/// the system prompt and tools marked `cache_control` count as a cache write on first sight and a
/// cache read afterwards.
public final class ScriptedModelServer: Sendable {
    public enum Wire: String, Sendable { case anthropic, openai }

    /// A request as the script sees it.
    public struct Request: Sendable {
        public var index: Int
        public var path: String
        public var headers: [String: String]
        public var body: JSONValue
        public var bytes: Int

        /// The system prompt (the tier's instructions).
        public var system: String {
            if let blocks = body["system"]?.arrayValue { return blocks.compactMap { $0["text"]?.stringValue }.joined() }
            if let text = body["system"]?.stringValue { return text }
            return messages.first { $0["role"]?.stringValue == "system" }?["content"]?.stringValue ?? ""
        }

        /// The calls a Vigil brief suggests (`- server__tool {json}` lines), offered ones only.
        public var suggestedCalls: [Call] {
            brief.split(separator: "\n").compactMap { line -> Call? in
                guard line.hasPrefix("- "), !line.hasSuffix("(not available to this tier)"),
                    let space = line.dropFirst(2).firstIndex(of: " "), let open = line.firstIndex(of: "{"),
                    let close = line.lastIndex(of: "}")
                else { return nil }
                let name = String(line[line.index(line.startIndex, offsetBy: 2)..<space])
                guard name.contains("__") else { return nil }
                return Call(name, String(line[open...close]))
            }
        }

        /// Names of the tools offered.
        public var toolNames: [String] {
            (body["tools"]?.arrayValue ?? []).compactMap {
                $0["name"]?.stringValue ?? $0["function"]?["name"]?.stringValue
            }
        }

        /// The text of the first user message (the brief).
        public var brief: String {
            guard let first = messages.first(where: { $0["role"]?.stringValue == "user" }) else { return "" }
            if let text = first["content"]?.stringValue { return text }
            return (first["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        }

        /// Assistant turns so far.
        public var assistantTurns: Int { messages.filter { $0["role"]?.stringValue == "assistant" }.count }

        /// Every tool result in the conversation, in order: (tool call id, content, is error).
        public var toolResults: [(id: String, content: String, isError: Bool)] {
            var out: [(String, String, Bool)] = []
            for message in messages {
                if message["role"]?.stringValue == "tool" {
                    let content = message["content"]?.stringValue ?? ""
                    out.append((message["tool_call_id"]?.stringValue ?? "", content, content.hasPrefix("ERROR:")))
                }
                for block in message["content"]?.arrayValue ?? [] where block["type"]?.stringValue == "tool_result" {
                    out.append(
                        (
                            block["tool_use_id"]?.stringValue ?? "", block["content"]?.stringValue ?? "",
                            block["is_error"]?.boolValue ?? false
                        ))
                }
            }
            return out
        }

        /// The results of the last turn's tool calls.
        public var lastToolResults: [(id: String, content: String, isError: Bool)] {
            let all = toolResults
            var count = 0
            if let last = messages.last, last["role"]?.stringValue == "user" {
                count = (last["content"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "tool_result" }.count
            } else {
                count = messages.reversed().prefix { $0["role"]?.stringValue == "tool" }.count
            }
            return Array(all.suffix(count))
        }

        /// The Vigil call ids (`"call_id":"…"`) in every successful tool result so far.
        public var callIDs: [String] {
            toolResults.filter { !$0.isError }.compactMap { result in
                (try? JSONParser.parse(result.content))?["call_id"]?.stringValue
            }
        }

        var messages: [JSONValue] {
            (body["messages"]?.arrayValue ?? []).filter { $0["role"]?.stringValue != "system" }
        }
    }

    /// One scripted answer.
    public enum Turn: Sendable {
        /// Tool calls; arguments as JSON text (send anything, malformed included).
        case calls([Call])
        case text(String)
        /// Anthropic `stop_reason: refusal`; OpenAI `message.refusal`.
        case refusal(String)
        /// A turn cut off at the output limit.
        case maxTokens(String)
        /// A vendor error: HTTP status, error type, message, and a `retry-after` header (seconds) if set.
        case error(status: Int, type: String, message: String, retryAfter: String?)
        /// No answer until the client gives up.
        case hang
    }

    public struct Call: Sendable {
        public var name: String
        public var arguments: String

        public init(_ name: String, _ arguments: String) {
            self.name = name
            self.arguments = arguments
        }

        public init(_ name: String, json: JSONValue) {
            self.init(name, json.serialized())
        }
    }

    public typealias Script = @Sendable (Request) -> Turn

    public let wire: Wire
    public let port: Int
    private let task: Task<Void, any Error>
    private let recorder: Recorder

    private final class Recorder: Sendable {
        struct State {
            var requests: [Request] = []
            var rejected: [String] = []
            var stopping = false
            var cachedPrefixes: Set<Int> = []
        }
        let state = Mutex(State())
    }

    /// Starts the server on a free loopback port.
    public init(wire: Wire, script: @escaping Script) async throws {
        self.wire = wire
        let recorder = Recorder()
        self.recorder = recorder
        let router = Router()
        let path = wire == .anthropic ? "/v1/messages" : "/v1/chat/completions"
        router.post(RouterPath(path)) { request, _ -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 64 << 20)
            let text = String(buffer: buffer)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            guard let body = try? JSONParser.parse(text) else {
                return Self.json(
                    .badRequest, Self.errorBody(wire, type: "invalid_request_error", message: "body is not JSON"))
            }
            if let (status, type, message) = Self.refusal(wire, body: body, headers: headers) {
                recorder.state.withLock { $0.rejected.append(message) }
                return Self.json(HTTPResponse.Status(code: status), Self.errorBody(wire, type: type, message: message))
            }
            let scripted: Request = recorder.state.withLock { state in
                let r = Request(
                    index: state.requests.count, path: path, headers: headers, body: body, bytes: buffer.readableBytes)
                state.requests.append(r)
                return r
            }
            let turn = script(scripted)
            if case .hang = turn {
                // Until the client gives up (its connection closes) or the server stops.
                while !recorder.state.withLock({ $0.stopping }) { try await Task.sleep(for: .milliseconds(50)) }
                return Self.json(.serviceUnavailable, Self.errorBody(wire, type: "api_error", message: "stopping"))
            }
            if case .error(let status, let type, let message, let retryAfter) = turn {
                var response = Self.json(
                    HTTPResponse.Status(code: status), Self.errorBody(wire, type: type, message: message))
                if let retryAfter { response.headers[HTTPField.Name("retry-after")!] = retryAfter }
                return response
            }
            let usage = recorder.state.withLock { state in
                Self.usage(wire, body: body, bytes: buffer.readableBytes, cached: &state.cachedPrefixes)
            }
            return Self.json(
                .ok,
                Self.render(wire, turn, index: scripted.index, model: body["model"]?.stringValue ?? "", usage: usage))
        }
        (task, port) = await serveOnLoopback(router, name: "scripted-model")
    }

    /// `http://127.0.0.1:PORT` (Anthropic) or `http://127.0.0.1:PORT/v1` (OpenAI).
    public var baseURL: String { wire == .anthropic ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/v1" }

    /// Every request received, in order (those the vendor would have refused are not among them).
    public var requests: [Request] { recorder.state.withLock { $0.requests } }

    /// Why requests were refused as the vendor would refuse them (bad auth, malformed conversation).
    public var rejected: [String] { recorder.state.withLock { $0.rejected } }

    public func stop() async {
        recorder.state.withLock { $0.stopping = true }
        task.cancel()
        _ = try? await task.value
    }

    // MARK: - Wire format

    /// What the real API would refuse in this request, as (status, error type, message): missing
    /// authentication, a missing required field, a tool name outside the vendor's rule, a message
    /// without content, or tool calls not answered exactly once by the very next message(s).
    static func refusal(_ wire: Wire, body: JSONValue, headers: [String: String]) -> (Int, String, String)? {
        let lowered = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        let namePattern = #/^[a-zA-Z0-9_-]{1,64}$/#
        for tool in body["tools"]?.arrayValue ?? [] {
            let name = tool["name"]?.stringValue ?? tool["function"]?["name"]?.stringValue ?? ""
            if (try? namePattern.wholeMatch(in: name)) == nil {
                return (400, "invalid_request_error", "tools: name '\(name)' does not match ^[a-zA-Z0-9_-]{1,64}$")
            }
        }
        let messages = body["messages"]?.arrayValue ?? []
        guard !messages.isEmpty else { return (400, "invalid_request_error", "messages: at least one message is required") }
        switch wire {
        case .anthropic:
            guard let key = lowered["x-api-key"], !key.isEmpty else {
                return (401, "authentication_error", "x-api-key header is required")
            }
            guard lowered["anthropic-version"] != nil else {
                return (400, "invalid_request_error", "anthropic-version: header is required")
            }
            guard body["max_tokens"]?.intValue != nil, body["model"]?.stringValue != nil else {
                return (400, "invalid_request_error", "model and max_tokens: fields are required")
            }
            guard messages.first?["role"]?.stringValue == "user" else {
                return (400, "invalid_request_error", "messages: the first message must use the user role")
            }
            var pending: [String] = []
            for (index, message) in messages.enumerated() {
                let blocks = message["content"]?.arrayValue ?? []
                let text = message["content"]?.stringValue
                if blocks.isEmpty && (text ?? "").isEmpty && index < messages.count - 1 {
                    return (
                        400, "invalid_request_error",
                        "messages.\(index): all messages must have non-empty content except for the optional final assistant message"
                    )
                }
                if blocks.contains(where: { $0["type"]?.stringValue == "text" && ($0["text"]?.stringValue ?? "").isEmpty }) {
                    return (400, "invalid_request_error", "messages.\(index): text content blocks must be non-empty")
                }
                let answered = blocks.filter { $0["type"]?.stringValue == "tool_result" }.compactMap {
                    $0["tool_use_id"]?.stringValue
                }
                if answered.sorted() != pending.sorted() {
                    return (
                        400, "invalid_request_error",
                        "messages.\(index): tool_use ids \(pending) were not answered exactly once by tool_result blocks immediately after (got \(answered))"
                    )
                }
                pending = blocks.filter { $0["type"]?.stringValue == "tool_use" }.compactMap { $0["id"]?.stringValue }
            }
        case .openai:
            guard let auth = lowered["authorization"], auth.hasPrefix("Bearer ") else {
                return (401, "invalid_request_error", "You didn't provide an API key.")
            }
            var pending: [String] = []
            for (index, message) in messages.enumerated() {
                let role = message["role"]?.stringValue ?? ""
                if role == "tool" {
                    guard let id = message["tool_call_id"]?.stringValue, let at = pending.firstIndex(of: id) else {
                        return (
                            400, "invalid_request_error",
                            "messages.[\(index)]: a message with role 'tool' must be a response to a preceding message with 'tool_calls'"
                        )
                    }
                    pending.remove(at: at)
                    continue
                }
                if !pending.isEmpty {
                    return (
                        400, "invalid_request_error",
                        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. Missing: \(pending)"
                    )
                }
                let calls = message["tool_calls"]?.arrayValue ?? []
                if role == "assistant", message["content"] == .null || message["content"] == nil, calls.isEmpty {
                    return (400, "invalid_request_error", "messages.[\(index)].content: expected a string, got null")
                }
                pending = calls.compactMap { $0["id"]?.stringValue }
            }
        }
        return nil
    }

    static func usage(_ wire: Wire, body: JSONValue, bytes: Int, cached: inout Set<Int>) -> JSONValue {
        let total = max(1, bytes / 4)
        switch wire {
        case .anthropic:
            var prefix = 0
            var key = Hasher()
            if body["system"]?[0]?["cache_control"] != nil || body["tools"]?.arrayValue?.last?["cache_control"] != nil {
                let system = body["system"] ?? .null
                let tools = body["tools"] ?? .null
                prefix = (system.serialized().utf8.count + tools.serialized().utf8.count) / 4
                key.combine(system)
                key.combine(tools)
            }
            let digest = key.finalize()
            let seen = prefix > 0 && cached.contains(digest)
            if prefix > 0 { cached.insert(digest) }
            return [
                "input_tokens": .int(Int64(total - prefix)), "output_tokens": 40,
                "cache_creation_input_tokens": .int(Int64(seen ? 0 : prefix)),
                "cache_read_input_tokens": .int(Int64(seen ? prefix : 0)),
            ]
        case .openai:
            return [
                "prompt_tokens": .int(Int64(total)), "completion_tokens": 40, "total_tokens": .int(Int64(total + 40)),
                "prompt_tokens_details": ["cached_tokens": 0],
            ]
        }
    }

    static func render(_ wire: Wire, _ turn: Turn, index: Int, model: String, usage: JSONValue) -> JSONValue {
        switch wire {
        case .anthropic:
            var content: [JSONValue] = []
            var stop = "end_turn"
            switch turn {
            case .calls(let calls):
                stop = "tool_use"
                for (i, call) in calls.enumerated() {
                    // Anthropic always sends an object; a malformed text arrives as an empty object.
                    let input = (try? JSONParser.parse(call.arguments)) ?? [:]
                    content.append([
                        "type": "tool_use", "id": .string("toolu_\(index)_\(i)"), "name": .string(call.name),
                        "input": input,
                    ])
                }
            case .text(let text): content.append(["type": "text", "text": .string(text)])
            case .refusal(let text):
                stop = "refusal"
                content.append(["type": "text", "text": .string(text)])
            case .maxTokens(let text):
                stop = "max_tokens"
                content.append(["type": "text", "text": .string(text)])
            case .error, .hang: break
            }
            return [
                "id": .string("msg_scripted_\(index)"), "type": "message", "role": "assistant", "model": .string(model),
                "content": .array(content), "stop_reason": .string(stop), "stop_sequence": nil, "usage": usage,
            ]
        case .openai:
            var message: JSONObject = ["role": "assistant", "content": nil, "refusal": nil]
            var finish = "stop"
            switch turn {
            case .calls(let calls):
                finish = "tool_calls"
                message["tool_calls"] = .array(
                    calls.enumerated().map { i, call in
                        [
                            "id": .string("call_\(index)_\(i)"), "type": "function",
                            "function": ["name": .string(call.name), "arguments": .string(call.arguments)],
                        ]
                    })
            case .text(let text): message["content"] = .string(text)
            case .refusal(let text): message["refusal"] = .string(text)
            case .maxTokens(let text):
                finish = "length"
                message["content"] = .string(text)
            case .error, .hang: break
            }
            return [
                "id": .string("chatcmpl-scripted-\(index)"), "object": "chat.completion", "created": 1_767_225_600,
                "model": .string(model),
                "choices": [
                    ["index": 0, "message": .object(message), "finish_reason": .string(finish), "logprobs": nil]
                ],
                "usage": usage,
            ]
        }
    }

    static func errorBody(_ wire: Wire, type: String, message: String) -> JSONValue {
        switch wire {
        case .anthropic: ["type": "error", "error": ["type": .string(type), "message": .string(message)]]
        case .openai:
            ["error": ["message": .string(message), "type": .string(type), "param": nil, "code": .string(type)]]
        }
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized())))
    }
}
