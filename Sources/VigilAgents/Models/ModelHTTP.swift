import AsyncHTTPClient
import Foundation
import NIOCore
import VigilCore

/// The HTTP side shared by the network providers: one JSON `POST` with a timeout, retried with
/// exponential backoff on 408, 409, 429, 5xx and 529 (Anthropic's "overloaded") and on transport
/// errors. A `retry-after` (seconds) or `retry-after-ms` header is honoured: Vigil waits at least that
/// long, and gives up rather than wait beyond `maxRetryAfterSeconds`.
public struct ModelHTTP: Sendable {
    public struct Retry: Sendable, Hashable {
        /// Attempts in all, the first included.
        public var attempts: Int
        public var baseDelaySeconds: Double
        public var maxDelaySeconds: Double
        public var maxRetryAfterSeconds: Double

        public init(
            attempts: Int = 4, baseDelaySeconds: Double = 1, maxDelaySeconds: Double = 20,
            maxRetryAfterSeconds: Double = 60
        ) {
            self.attempts = attempts
            self.baseDelaySeconds = baseDelaySeconds
            self.maxDelaySeconds = maxDelaySeconds
            self.maxRetryAfterSeconds = maxRetryAfterSeconds
        }
    }

    /// A response the vendor sent, success or not.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: JSONValue?
        public var text: String

        public func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    public typealias Sleeper = @Sendable (Duration) async throws -> Void

    public var retry: Retry
    public var timeoutSeconds: Int64
    let client: HTTPClient
    let sleep: Sleeper

    public init(
        retry: Retry = Retry(), timeoutSeconds: Int64 = 120, client: HTTPClient = ModelHTTP.sharedClient,
        sleep: @escaping Sleeper = { try await Task.sleep(for: $0) }
    ) {
        self.retry = retry
        self.timeoutSeconds = timeoutSeconds
        self.client = client
        self.sleep = sleep
    }

    /// The client the providers share. A connection that cannot be made fails at once (in 10 s at most) instead of
    /// being tried again until the request's deadline, as AsyncHTTPClient's shared client does: a model server that
    /// is not running (Ollama not started, a wrong port) is then a failed attempt that `post` retries with backoff and
    /// reports, and the watchdog hands the case over as "the model failed", not after two minutes of silence.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static let retryable: Set<Int> = [408, 409, 429, 500, 502, 503, 504, 529]
    /// Error types of a 429 that waiting will not fix (OpenAI's exhausted quota, Anthropic's spend limit).
    static let quotaErrors: Set<String> = ["insufficient_quota", "billing_error", "enforced_spend_limit_reached"]

    /// Posts `body` to `url`; returns the first non-retryable reply (2xx or an error the caller reads).
    /// `describe` turns a failed reply into a message naming the vendor's error.
    public func post(
        _ url: String, headers: [(String, String)], body: JSONValue,
        describe: (Reply) -> (type: String, message: String)
    ) async throws(ModelError) -> Reply {
        let payload = ByteBuffer(string: body.serialized())
        var last = ""
        for attempt in 1...max(1, retry.attempts) {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(payload)
            var wait = min(retry.maxDelaySeconds, retry.baseDelaySeconds * pow(2, Double(attempt - 1)))
            do {
                let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
                let bytes = try await response.body.collect(upTo: 32 << 20)
                let text = String(buffer: bytes)
                let reply = Reply(
                    status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                    body: try? JSONParser.parse(text), text: text)
                guard Self.retryable.contains(reply.status) else { return reply }
                let (type, message) = describe(reply)
                // A 429 for an exhausted quota or spend limit does not clear by waiting.
                if reply.status == 429, Self.quotaErrors.contains(type) { return reply }
                last = "HTTP \(reply.status) \(type): \(message)"
                if let after = Self.retryAfter(reply) {
                    guard after <= retry.maxRetryAfterSeconds else {
                        throw ModelError.retryAfterTooLong(seconds: after, limit: retry.maxRetryAfterSeconds)
                    }
                    wait = after
                }
            } catch let error as ModelError {
                throw error
            } catch {
                last = "\(error)"
            }
            guard attempt < retry.attempts else { break }
            do {
                try await sleep(.milliseconds(Int64((wait * 1000).rounded())))
            } catch {
                throw .exhausted(attempts: attempt, last: "cancelled while waiting to retry; \(last)")
            }
        }
        throw .exhausted(attempts: retry.attempts, last: last)
    }

    /// `retry-after-ms` (OpenAI), else `retry-after` in seconds.
    static func retryAfter(_ reply: Reply) -> Double? {
        if let text = reply.header("retry-after-ms"), let ms = Double(text.trimmingCharacters(in: .whitespaces)) {
            return max(0, ms / 1000)
        }
        if let text = reply.header("retry-after"), let seconds = Double(text.trimmingCharacters(in: .whitespaces)) {
            return max(0, seconds)
        }
        return nil
    }
}
