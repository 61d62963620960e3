import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import VigilCore

/// A local HTTP server that speaks the `POST /predict` route of Hugging Face's text-embeddings-inference (TEI)
/// as it serves a sequence-classification model, for testing the Guard's intent model without one.
///
/// The wire format is TEI's: the body `{"inputs": …, "truncate": bool, "raw_scores": bool}` takes one string, a pair
/// `["a", "b"]`, or a batch `[["a"], ["b", "c"], …]`; a single input is answered with one list of
/// `{"score", "label"}`, a batch with one list per input, each sorted from the highest score. Errors are TEI's
/// `{"error": "…", "error_type": "…"}`: 413 `validation` for a batch over `maxBatchSize` (TEI's
/// `--max-client-batch-size`) and for an input over `maxInputTokens` unless `truncate` is true (then the input
/// is cut there before the model reads it, as TEI does), 422 `validation` for a body it cannot read, 429
/// `overloaded` while `overloaded` requests remain, and 401 without a body when an `apiKey` is set and the bearer
/// token is not it (TEI's `--api-key`). Scores come from `classify`, which stands in for the model. A token is
/// counted as a UTF-8 byte, the most tokens a text can be, and the start and end tokens as two more.
public final class TEIStandIn: Sendable {
    /// The model: per text, its labels' probabilities.
    public typealias Classify = @Sendable (String) -> [(label: String, score: Double)]

    public let port: Int
    private let task: Task<Void, any Error>
    private let box: Box

    private struct State {
        var batches: [[String]] = []
        var received: [Int] = []
        var overloaded: Int
        var hang = false
    }

    private final class Box: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }
    }

    public init(
        maxBatchSize: Int = 32, maxInputTokens: Int = 512, apiKey: String? = nil, overloaded: Int = 0,
        classify: @escaping Classify
    ) async throws {
        let box = Box(State(overloaded: overloaded))
        self.box = box
        let router = Router()
        router.post("/predict") { request, _ -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 16 << 20)
            if let apiKey, request.headers[.authorization] != "Bearer \(apiKey)" {
                return Response(status: .unauthorized)
            }
            let busy = box.state.withLock { s -> Bool in
                guard s.overloaded > 0 else { return false }
                s.overloaded -= 1
                return true
            }
            if busy { return Self.error(.tooManyRequests, "Model is overloaded", type: "overloaded") }
            guard let body = try? JSONParser.parse(String(buffer: buffer)), let inputs = body["inputs"] else {
                return Self.error(
                    .unprocessableContent, "Failed to deserialize the JSON body: missing field `inputs`",
                    type: "validation")
            }
            // A string, a pair, or a batch of singles and pairs (TEI's `PredictInput`).
            var batch: [[String]]?
            var single: [String]?
            switch inputs {
            case .string(let s): single = [s]
            case .array(let items) where items.first?.stringValue != nil:
                let strings = items.compactMap(\.stringValue)
                if strings.count == items.count, (1...2).contains(strings.count) { single = strings }
            case .array(let items) where !items.isEmpty:
                let sequences = items.map { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
                if zip(sequences, items).allSatisfy({ $0.count == $1.arrayValue?.count && (1...2).contains($0.count) })
                {
                    batch = sequences
                }
            default: break
            }
            if let batch { box.state.withLock { $0.received.append(batch.count) } }
            while box.state.withLock({ $0.hang }) { try await Task.sleep(for: .milliseconds(20)) }
            if let batch, batch.count > maxBatchSize {
                return Self.error(
                    .contentTooLarge, "batch size \(batch.count) > maximum allowed batch size \(maxBatchSize)",
                    type: "validation")
            }
            guard let sequences = batch ?? single.map({ [$0] }) else {
                return Self.error(
                    .unprocessableContent,
                    "inputs: expected a string, a pair of strings [string, string] or a batch of mixed strings and pairs [[string], [string, string], ...]",
                    type: "validation")
            }
            var texts = sequences.map { $0.joined(separator: "\n") }
            let truncate = body["truncate"]?.boolValue ?? false
            for (i, text) in texts.enumerated() where text.utf8.count + 2 > maxInputTokens {
                guard truncate else {
                    return Self.error(
                        .contentTooLarge,
                        "`inputs` must have less than \(maxInputTokens) tokens. Given: \(text.utf8.count + 2)",
                        type: "validation")
                }
                texts[i] = String(decoding: text.utf8.prefix(maxInputTokens - 2), as: UTF8.self)
            }
            box.state.withLock { $0.batches.append(texts) }
            let answers: [JSONValue] = texts.map { text in
                let scored = classify(text).sorted { $0.score > $1.score }
                return .array(scored.map { .object(["score": .double($0.score), "label": .string($0.label)]) })
            }
            return Self.json(.ok, batch == nil ? answers[0] : .array(answers))
        }
        (task, port) = await serveOnLoopback(router, name: "tei-stand-in")
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The texts of every request answered, one list per request.
    public var batches: [[String]] { box.state.withLock { $0.batches } }

    /// The size of every batch received, those refused for their size included.
    public var received: [Int] { box.state.withLock { $0.received } }

    /// While set, requests wait without an answer (a model that stopped answering).
    public func hang(_ on: Bool) { box.state.withLock { $0.hang = on } }

    public func stop() async {
        hang(false)
        task.cancel()
        _ = try? await task.value
    }

    private static func error(_ status: HTTPResponse.Status, _ message: String, type: String) -> Response {
        json(status, .object(["error": .string(message), "error_type": .string(type)]))
    }

    private static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized())))
    }
}
