import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import VigilCore
import VigilGuard
import VigilMCP

/// The approvals API over HTTP: the requests the Guard holds for people (`ApprovalBook`), listed and decided, as
/// `vigil guard approvals|approve|deny` does, for a chat bot, a ticketing workflow or a console.
///
/// Every route but `GET /health` needs `Authorization: Bearer <token>`: the server's one shared token, or, with
/// `guard.approvers`, an approver's own (`APIAuthenticator`), whose name is then who decides. Answers are JSON; an
/// error is `{"error": "…"}` with its status (400 bad request, 401 no or wrong token, 403 `by` is not the token's
/// owner, 404 no such request, 409 not pending any more, 413 body too large, 429 too many wrong tokens from the
/// address: wait, 500 the database failed, 503 the database is busy: try again).
///
/// - `GET /v1/approvals?status=pending&limit=50` → `{"approvals": [request, …]}`, newest first;
/// - `GET /v1/approvals/{id}` → the request;
/// - `POST /v1/approvals/{id}/approve` and `…/deny` with `{"by": "alice", "note": "…"}` → `{"approval": request,
///   …}` with what the follow-up adds (whether the audit log has the decision, the post to the approvers' channel);
///   with an approver's token `by` may be left out, and must be the approver's name if given.
///
/// Decisions are taken one at a time, each with its audit record (`FollowUp.record`), so that two never compete
/// for the log; the posts to the channel (`FollowUp.post`) go one at a time too, apart, so that a slow chat server
/// holds up no decision. A request cancelled while it waits for its turn is not decided.
public struct ApprovalsAPI: Sendable {
    /// What follows decisions: the audit records, then the posts.
    public struct FollowUp: Sendable {
        /// Writes the decisions not yet in the audit log; returns what the answer says of it and the decisions
        /// written (to be posted). Called one at a time, with the decisions.
        public var record: @Sendable () async -> (answer: JSONObject, written: [Approval])
        /// Posts decisions to the approvers' channel; returns what the answer says of it. One at a time.
        public var post: @Sendable ([Approval]) async -> JSONObject

        public init(
            record: @escaping @Sendable () async -> (answer: JSONObject, written: [Approval]),
            post: @escaping @Sendable ([Approval]) async -> JSONObject
        ) {
            self.record = record
            self.post = post
        }
    }

    let book: ApprovalBook
    let authenticator: APIAuthenticator
    let throttle: WrongTokenThrottle
    let followUp: FollowUp
    let logger: Logger
    let decisions = Turns()
    let posts = Turns()

    /// The most bytes a decision's body may have, and the most Unicode scalars of who decides and of the note.
    public static let maximumBody = 64 * 1024
    public static let maximumName = VigilConfiguration.Guardrails.Approver.maximumName
    public static let maximumNote = 4_000

    public init(
        book: ApprovalBook, authenticator: APIAuthenticator, throttle: WrongTokenThrottle = WrongTokenThrottle(),
        followUp: FollowUp, logger: Logger
    ) {
        self.book = book
        self.authenticator = authenticator
        self.throttle = throttle
        self.followUp = followUp
        self.logger = logger
    }

    /// With one shared token.
    public init(book: ApprovalBook, token: String, followUp: FollowUp, logger: Logger) {
        self.init(book: book, authenticator: APIAuthenticator(sharedToken: token), followUp: followUp, logger: logger)
    }

    /// Adds the routes to `router`.
    public func routes(_ router: Router<PeerRequestContext>) {
        router.get("/health") { _, _ in "ok\n" }
        router.get("/v1/approvals") { request, context in
            await self.authorized(request, context) { _ in
                let (status, limit) = try Self.query(request.uri.queryParameters)
                let approvals = try await self.offPool { try self.book.list(status: status, limit: limit) }
                return Self.json(.ok, ["approvals": .array(approvals.map(\.json))])
            }
        }
        router.get("/v1/approvals/:id") { request, context in
            await self.authorized(request, context) { _ in
                let id = try context.parameters.require("id")
                guard let approval = try await self.offPool({ try self.book.approval(id) }) else {
                    throw Problem(.notFound, "no approval request \(id)")
                }
                return Self.json(.ok, approval.json)
            }
        }
        for (verb, approve) in [("approve", true), ("deny", false)] {
            router.post("/v1/approvals/:id/\(verb)") { request, context in
                var request = request
                return await self.authorized(request, context) { identity in
                    let id = try context.parameters.require("id")
                    let body: ByteBuffer
                    do {
                        body = try await request.collectBody(upTo: Self.maximumBody)
                    } catch is NIOTooManyBytesError {
                        throw Problem(.contentTooLarge, "the body is larger than \(Self.maximumBody) bytes")
                    }
                    let (given, note) = try Self.decision(String(buffer: body), byRequired: identity == .sharedToken)
                    switch identity {
                    case .sharedToken:
                        return try await self.decide(id, approve: approve, by: given ?? "", note: note, via: .api)
                    case .approver(let name):
                        if let given, given != name {
                            throw Problem(
                                .forbidden,
                                "by: this token is \(name)'s, and a decision is recorded under its owner's name; leave by out or send \(name)"
                            )
                        }
                        return try await self.decide(id, approve: approve, by: name, note: note, via: .apiApproverToken)
                    }
                }
            }
        }
    }

    /// Takes the decision in its turn, with its audit record, then posts it in the posts' turn.
    func decide(
        _ id: String, approve: Bool, by: String, note: String?, via channel: Approval.Channel
    ) async throws -> Response {
        let (approval, recorded) = try await decisions.take {
            // Cancelled while it waited (the server is stopping): not decided.
            try Task.checkCancellation()
            let approval = try await self.offPool {
                try self.book.decide(id, approve: approve, by: by, note: note, via: channel)
            }
            return (approval, await self.followUp.record())
        }
        var answer: JSONObject = ["approval": approval.json]
        for (key, value) in recorded.answer { answer[key] = value }
        if !recorded.written.isEmpty {
            // Decided and recorded whatever happens here: a post the stop cancels is said, not an error.
            let posted =
                (try? await posts.take { await self.followUp.post(recorded.written) })
                ?? ["posts_error": "not posted: the server is stopping"]
            for (key, value) in posted { answer[key] = value }
        }
        return Self.json(.ok, .object(answer))
    }

    /// Writes and posts decisions taken elsewhere that no process has written yet (a command that found the audit
    /// log held), in their turns; every `interval` until cancelled.
    public func followUpElsewhere(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            // Only when there is something: opening the audit log writes records of its own.
            guard let waiting = try? await offPool({ try self.book.unaudited(limit: 1) }), !waiting.isEmpty else {
                continue
            }
            guard let recorded = try? await decisions.take({ await self.followUp.record() }),
                !recorded.written.isEmpty
            else { continue }
            _ = try? await posts.take { await self.followUp.post(recorded.written) }
        }
    }

    /// `GET /v1/approvals`'s query: `status` one of the request statuses, `limit` 1–1000 (default 100).
    static func query(_ query: Hummingbird.Parameters) throws -> (Approval.Status?, Int) {
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
        return (status, limit)
    }

    /// A decision's body: `{"by": NAME, "note": TEXT}`, `note` optional, and `by` too unless `byRequired`; nothing
    /// else, no key twice. Who decides is a name as `guard.approvers` takes one (one line, printable, at most
    /// `maximumName` scalars, no spaces around it);
    /// the note at most `maximumNote`. An empty body is `{}`.
    static func decision(_ text: String, byRequired: Bool = true) throws -> (by: String?, note: String?) {
        let parsed: JSONValue
        do {
            let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
            parsed = try JSONParser.parseRejectingRepeatedKeys(body.isEmpty && !byRequired ? "{}" : text)
        } catch {
            throw Problem(.badRequest, #"the body must be a JSON object: {"by": "NAME", "note": "why"} (\#(error))"#)
        }
        guard case .object(let object) = parsed else {
            throw Problem(.badRequest, #"the body must be a JSON object: {"by": "NAME", "note": "why"}"#)
        }
        if let unknown = object.keys.first(where: { $0 != "by" && $0 != "note" }) {
            throw Problem(.badRequest, "unknown field '\(unknown)' (a decision takes by and note)")
        }
        var by: String?
        if object["by"] != nil || byRequired {
            guard let given = object["by"]?.stringValue, !given.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Problem(.badRequest, "by: say who decides (a non-empty string; it is recorded)")
            }
            // As an approver's name in vigil.yaml must be (one line, printable, at most 200 characters).
            if let problem = VigilConfiguration.Guardrails.Approver.problem(withName: given) {
                throw Problem(.badRequest, "by: expected \(problem)")
            }
            by = given
        }
        let note: String?
        switch object["note"] {
        case nil, .null?: note = nil
        case .string(let text)? where text.unicodeScalars.count <= maximumNote: note = text
        case .string?: throw Problem(.badRequest, "note: at most \(maximumNote) characters")
        default: throw Problem(.badRequest, "note: a string, when given")
        }
        return (by, note)
    }

    /// Runs `answer` for whom the request's token identifies; turns a `Problem` or an approvals error into its
    /// answer. An address refused for wrong tokens (`WrongTokenThrottle`) gets 429 before its token is looked at.
    func authorized(
        _ request: Request, _ context: PeerRequestContext,
        _ answer: (APIAuthenticator.Identity) async throws -> Response
    ) async -> Response {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let identity: APIAuthenticator.Identity
        switch throttle.gate(address, authorization: request.headers[.authorization], identify: authenticator.identify)
        {
        case .wait(let seconds):
            var response = Self.error(
                .tooManyRequests, "too many wrong tokens from \(address): try again in \(seconds) s")
            response.headers[.retryAfter] = String(seconds)
            return response
        case .unauthorized(let locked):
            if let locked {
                logger.warning("approvals API: \(address) sent too many wrong tokens; refusing it for \(locked) s")
            }
            var response = Self.error(.unauthorized, "missing or wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"vigil\""
            return response
        case .admitted(let who):
            identity = who
        }
        do {
            return try await answer(identity)
        } catch let problem as Problem {
            return Self.error(problem.status, problem.message)
        } catch let error as ApprovalError {
            switch error.kind {
            case .unknownRequest: return Self.error(.notFound, error.description)
            case .notPending: return Self.error(.conflict, error.description)
            case .invalid: return Self.error(.badRequest, error.description)
            case .busy:
                var response = Self.error(.serviceUnavailable, error.description)
                response.headers[.retryAfter] = "1"
                return response
            case .other:
                // The database's own words (its SQL) stay in the server's log.
                logger.error("approvals API: \(error.description)")
                return Self.error(.internalServerError, "the approvals database failed (the server's log says why)")
            }
        } catch is CancellationError {
            return Self.error(.serviceUnavailable, "the server is stopping: not decided")
        } catch {
            logger.error("approvals API: \(error)")
            return Self.error(.internalServerError, "the request failed (the server's log says why)")
        }
    }

    /// `work` (SQLite, which may wait for a lock held by another process) on a thread of its own, not on one of
    /// the few the server's tasks run on.
    func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
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
