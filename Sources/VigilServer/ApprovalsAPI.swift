import HTTPTypes
import Hummingbird
import NIOCore
import VigilCore
import VigilGuard

/// The approvals API over HTTP: the requests the Guard holds for people (`ApprovalBook`), listed and decided, as
/// `vigil guard approvals|approve|deny` does, for a chat bot, a ticketing workflow or a console.
///
/// Every route but `GET /health` needs `Authorization: Bearer <token>`. Answers are JSON; an error is
/// `{"error": "…"}` with its status (400 bad request, 401 no or wrong token, 404 no such request, 409 not pending
/// any more, 413 body too large, 500 the database failed).
///
/// - `GET /v1/approvals?status=pending&limit=50` → `{"approvals": [request, …]}`, newest first;
/// - `GET /v1/approvals/{id}` → the request;
/// - `POST /v1/approvals/{id}/approve` and `…/deny` with `{"by": "alice", "note": "…"}` → `{"approval": request,
///   …}` with what `decided` adds (whether the audit log has the decision, the post to the approvers' channel).
///
/// Decisions are taken one at a time, each followed by `decided` (which writes the audit log and posts), so that
/// two decisions never compete for the log.
public struct ApprovalsAPI: Sendable {
    /// What follows a decision (the audit record, the post to the channel), and what the answer says of it.
    public typealias Decided = @Sendable (Approval) async -> JSONObject

    let book: ApprovalBook
    let authorizer: BearerAuthorizer
    let decided: Decided
    let desk = DecisionDesk()

    /// The most bytes a decision's body may have.
    public static let maximumBody = 64 * 1024

    public init(book: ApprovalBook, token: String, decided: @escaping Decided) {
        self.book = book
        self.authorizer = BearerAuthorizer(token: token)
        self.decided = decided
    }

    /// Adds the routes to `router`.
    public func routes(_ router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in "ok\n" }
        router.get("/v1/approvals") { request, _ in
            try await self.authorized(request) { try self.list(request.uri.queryParameters) }
        }
        router.get("/v1/approvals/:id") { request, context in
            try await self.authorized(request) {
                let id = try context.parameters.require("id")
                guard let approval = try self.book.approval(id) else {
                    throw Problem(.notFound, "no approval request \(id)")
                }
                return Self.json(.ok, approval.json)
            }
        }
        for (verb, approve) in [("approve", true), ("deny", false)] {
            router.post("/v1/approvals/:id/\(verb)") { request, context in
                var request = request
                return try await self.authorized(request) {
                    let id = try context.parameters.require("id")
                    let body: ByteBuffer
                    do {
                        body = try await request.collectBody(upTo: Self.maximumBody)
                    } catch {
                        throw Problem(.contentTooLarge, "the body is larger than \(Self.maximumBody) bytes")
                    }
                    let (by, note) = try Self.decision(String(buffer: body))
                    return try await self.desk.take {
                        let approval: Approval
                        do {
                            approval = try self.book.decide(id, approve: approve, by: by, note: note)
                        } catch let error as ApprovalError {
                            switch error.kind {
                            case .unknownRequest: throw Problem(.notFound, error.description)
                            case .notPending: throw Problem(.conflict, error.description)
                            case .invalid: throw Problem(.badRequest, error.description)
                            case .other: throw Problem(.internalServerError, error.description)
                            }
                        }
                        var answer: JSONObject = ["approval": approval.json]
                        for (key, value) in await self.decided(approval) { answer[key] = value }
                        return Self.json(.ok, .object(answer))
                    }
                }
            }
        }
    }

    /// `GET /v1/approvals`: `status` one of the request statuses, `limit` 1–1000 (default 100).
    func list(_ query: Hummingbird.Parameters) throws -> Response {
        var status: Approval.Status?
        if let given = query["status"] {
            guard let known = Approval.Status(rawValue: String(given)) else {
                throw Problem(
                    .badRequest,
                    "status '\(given)' is not one of \(Approval.Status.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            status = known
        }
        var limit = 100
        if let given = query["limit"] {
            guard let number = Int(given), (1...1000).contains(number) else {
                throw Problem(.badRequest, "limit '\(given)' is not a whole number from 1 to 1000")
            }
            limit = number
        }
        let approvals = try book.list(status: status, limit: limit)
        return Self.json(.ok, ["approvals": .array(approvals.map(\.json))])
    }

    /// A decision's body: `{"by": NAME, "note": TEXT}`, `note` optional; nothing else.
    static func decision(_ text: String) throws -> (by: String, note: String?) {
        guard case .object(let object)? = try? JSONParser.parse(text) else {
            throw Problem(.badRequest, #"the body must be a JSON object: {"by": "NAME", "note": "why"}"#)
        }
        if let unknown = object.keys.first(where: { $0 != "by" && $0 != "note" }) {
            throw Problem(.badRequest, "unknown field '\(unknown)' (a decision takes by and note)")
        }
        guard let by = object["by"]?.stringValue, !by.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem(.badRequest, "by: say who decides (a non-empty string; it is recorded)")
        }
        let note: String?
        switch object["note"] {
        case nil, .null?: note = nil
        case .string(let text)?: note = text
        default: throw Problem(.badRequest, "note: a string, when given")
        }
        return (by, note)
    }

    /// Runs `answer` when the request carries the token; turns a `Problem` or an approvals error into its answer.
    func authorized(_ request: Request, _ answer: () async throws -> Response) async throws -> Response {
        guard authorizer.allows(request.headers[.authorization]) else {
            var response = Self.error(.unauthorized, "missing or wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"vigil\""
            return response
        }
        do {
            return try await answer()
        } catch let problem as Problem {
            return Self.error(problem.status, problem.message)
        } catch let error as ApprovalError {
            return Self.error(.internalServerError, error.description)
        }
    }

    struct Problem: Error {
        var status: HTTPResponse.Status
        var message: String

        init(_ status: HTTPResponse.Status, _ message: String) {
            self.status = status
            self.message = message
        }
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, ["error": .string(message)])
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }
}

/// Runs one decision at a time, in the order they came.
actor DecisionDesk {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func take<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await work()
    }
}
