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

        var messages: [JSONValue] { body["messages"]?.arrayValue ?? [] }
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
            let scripted: Request = recorder.state.withLock { state in
                let r = Request(
                    index: state.requests.count, path: path, headers: headers, body: body, bytes: buffer.readableBytes)
                state.requests.append(r)
                return r
            }
            let turn = script(scripted)
            if case .hang = turn {
                try await Task.sleep(for: .seconds(3600))
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
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "scripted-model"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        task = Task { try await app.runService() }
        var bound = 0
        for await port in ports { bound = port }
        port = bound
    }

    /// `http://127.0.0.1:PORT` (Anthropic) or `http://127.0.0.1:PORT/v1` (OpenAI).
    public var baseURL: String { wire == .anthropic ? "http://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/v1" }

    /// Every request received, in order.
    public var requests: [Request] { recorder.state.withLock { $0.requests } }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    // MARK: - Wire format

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
