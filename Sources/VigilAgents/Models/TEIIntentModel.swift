import Synchronization
import VigilCore
import VigilGuard

/// An intent model served by Hugging Face's text-embeddings-inference (TEI) — or anything that speaks its
/// `POST /predict` route — with a sequence-classification model trained on prompt injections loaded.
///
/// Texts go in batches as `{"inputs": [["…"], ["…"]], "truncate": false}`: a text longer than the model reads is
/// refused (413, `validation`), not cut short where no one sees it, and the result counts as unread (keep
/// `chunk_bytes` at the model's token limit less two). TEI answers one list of
/// `{"score", "label"}` per text (softmax probabilities, the highest first). A text's probability of injection is
/// the sum of the scores of the labels named in `injectionLabels` (compared without case), so a model with
/// `BENIGN`, `INJECTION` and `JAILBREAK` counts both of the last two. A batch larger than the server allows
/// (413, TEI's `--max-client-batch-size`) is split in halves and sent again, and later batches are no larger than
/// the largest it took; 429 (`overloaded`), 5xx and transport errors are retried as `ModelHTTP` retries them. What
/// fails throws an `IntentModelError` naming what was wrong, an `outage` if the server could not be reached,
/// timed out, stayed overloaded or failed on its side (424, 5xx), not if it refused the request or answered a
/// reply of the wrong shape or labels none of which is an injection label.
public struct TEIIntentModel: IntentModel {
    public let endpoint: String
    public let injectionLabels: Set<String>
    public let batchSize: Int
    private let apiKey: String?
    private let http: ModelHTTP
    /// The largest batch the server is known to take, once it refused a larger one.
    private let accepted = Accepted()

    private final class Accepted: Sendable {
        let size = Mutex<Int?>(nil)
    }

    /// `url` is the server's base (`http://127.0.0.1:8080`) or the `/predict` route itself.
    public init(
        url: String, injectionLabels: [String] = ["INJECTION", "JAILBREAK"], apiKey: String? = nil,
        batchSize: Int = 32, http: ModelHTTP = ModelHTTP(
            retry: .init(attempts: 2, baseDelaySeconds: 0.25, maxDelaySeconds: 2, maxRetryAfterSeconds: 5),
            timeoutSeconds: 10)
    ) throws(ModelError) {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        let host = base.drop { $0 != ":" }.dropFirst(3)
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), !host.isEmpty, !host.hasPrefix("/") else {
            throw .configuration("intent model url '\(url)' is not an http:// or https:// URL with a host")
        }
        guard !injectionLabels.isEmpty, !injectionLabels.contains(where: { $0.isEmpty }) else {
            throw .configuration("the intent model's injection labels must be a non-empty list of names")
        }
        guard batchSize >= 1 else { throw .configuration("the intent model's batch size must be at least 1") }
        endpoint = base.hasSuffix("/predict") ? base : base + "/predict"
        self.injectionLabels = Set(injectionLabels.map { $0.uppercased() })
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.batchSize = batchSize
        self.http = http
    }

    public func injectionProbabilities(_ texts: [String]) async throws -> [Double] {
        var probabilities: [Double] = []
        probabilities.reserveCapacity(texts.count)
        var start = 0
        do {
            while start < texts.count {
                let size = min(batchSize, accepted.size.withLock { $0 } ?? batchSize)
                let end = min(texts.count, start + size)
                probabilities += try await predict(texts[start..<end])
                start = end
            }
        } catch {
            throw IntentModelError("\(endpoint): \(error)", outage: Self.isOutage(error))
        }
        return probabilities
    }

    /// Whether waiting may cure `error`: the server unreachable, slow, overloaded or failing on its side.
    static func isOutage(_ error: ModelError) -> Bool {
        switch error {
        case .exhausted, .retryAfterTooLong: true
        case .rejected(let status, _, _): status == 424 || status == 429 || status >= 500
        case .configuration, .malformedResponse: false
        }
    }

    private func predict(_ batch: ArraySlice<String>) async throws(ModelError) -> [Double] {
        let body: JSONValue = [
            "inputs": .array(batch.map { .array([.string($0)]) }), "truncate": false, "raw_scores": false,
        ]
        let headers = apiKey.map { [("authorization", "Bearer \($0)")] } ?? []
        let reply = try await http.post(endpoint, headers: headers, body: body, describe: Self.describe)
        if reply.status == 413, batch.count > 1, Self.describe(reply).message.contains("batch size") {
            // More than the server takes at once: halve and send again, and send no more than that from now on.
            let middle = batch.startIndex + batch.count / 2
            accepted.size.withLock { $0 = min($0 ?? Int.max, middle - batch.startIndex) }
            return try await predict(batch[..<middle]) + predict(batch[middle...])
        }
        guard reply.status == 200 else {
            let (type, message) = Self.describe(reply)
            throw .rejected(status: reply.status, type: type, message: message)
        }
        guard let lists = reply.body?.arrayValue, lists.count == batch.count else {
            throw .malformedResponse(
                "expected a list of \(batch.count) prediction lists from \(endpoint), got \(reply.text.prefix(200))")
        }
        var probabilities: [Double] = []
        for (index, list) in lists.enumerated() {
            guard let predictions = list.arrayValue, !predictions.isEmpty else {
                throw .malformedResponse("prediction \(index) is not a non-empty list of {score, label}")
            }
            var injection = 0.0
            var matched = false
            var labels: [String] = []
            for prediction in predictions {
                guard let label = prediction["label"]?.stringValue, let score = prediction["score"]?.doubleValue,
                    score.isFinite
                else {
                    throw .malformedResponse("prediction \(index) has an entry without a label and a numeric score")
                }
                labels.append(label)
                if injectionLabels.contains(label.uppercased()) {
                    injection += score
                    matched = true
                }
            }
            guard matched else {
                throw .configuration(
                    "the model at \(endpoint) answers the labels \(labels.joined(separator: ", ")), none of which is an injection label (\(injectionLabels.sorted().joined(separator: ", ")))"
                )
            }
            guard (0...1.000_001).contains(injection) else {
                throw .malformedResponse(
                    "prediction \(index) gives the injection labels \(injection) in all: raw scores, not probabilities")
            }
            probabilities.append(min(1, injection))
        }
        return probabilities
    }

    /// TEI's error body: `{"error": "…", "error_type": "validation" | "tokenizer" | "backend" | "overloaded" | …}`.
    static func describe(_ reply: ModelHTTP.Reply) -> (type: String, message: String) {
        (
            reply.body?["error_type"]?.stringValue ?? "http_\(reply.status)",
            reply.body?["error"]?.stringValue ?? String(reply.text.prefix(200))
        )
    }
}
