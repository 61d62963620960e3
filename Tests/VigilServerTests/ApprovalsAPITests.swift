import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import VigilCore
import VigilGuard
import VigilServer
import VigilTesting

/// The approvals API over real HTTP on loopback: the token is required, requests are listed and read, decisions
/// are taken once, followed by what the server adds, and every bad request gets its status and a message.
@Suite struct ApprovalsAPITests {
    /// The decisions the server followed up, in order.
    final class Followed: Sendable {
        let list = Mutex<[String]>([])
    }

    struct Served: Sendable {
        var base: String
        var book: ApprovalBook
        var followed: Followed
        var ids: [String]
    }

    static let token = "t0ken-for-tests"

    /// A server over a book with three pending requests; `decided` records each decision it follows.
    func serve() async throws -> (Served, Task<Void, any Error>) {
        let book = ApprovalBook(clock: FakeClock(), ids: SequentialIDGenerator(), lifetimeSeconds: 3600)
        let ids = try book.requestSuspensions(
            of: ["ana.silva@meridian.example", "li.wei@meridian.example", "sam.okoro@meridian.example"])
        let followed = Followed()
        let api = ApprovalsAPI(book: book, token: Self.token) { approval in
            followed.list.withLock { $0.append("\(approval.id) \(approval.status.rawValue)") }
            return ["audit": "written"]
        }
        let server = VigilHTTPServer(
            host: "127.0.0.1", port: 0, approvals: api, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await server.run { port in
                continuation.yield(port)
                continuation.finish()
            }
        }
        var port = 0
        for await bound in ports { port = bound }
        return (Served(base: "http://127.0.0.1:\(port)", book: book, followed: followed, ids: ids), task)
    }

    struct Answer {
        var status: Int
        var body: JSONValue?
        var text: String
    }

    func send(
        _ method: HTTPMethod, _ url: String, body: String? = nil, token: String? = ApprovalsAPITests.token
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let text = String(buffer: bytes)
        return Answer(status: Int(response.status.code), body: try? JSONParser.parse(text), text: text)
    }

    @Test func requestsAreListedAndDecidedOnceWithTheToken() async throws {
        let (s, task) = try await serve()
        defer { task.cancel() }
        #expect(try await send(.GET, "\(s.base)/health", token: nil).status == 200)

        // No token, a wrong one: refused, nothing shown.
        let none = try await send(.GET, "\(s.base)/v1/approvals", token: nil)
        #expect(none.status == 401 && none.body?["error"] == "missing or wrong bearer token")
        #expect(try await send(.GET, "\(s.base)/v1/approvals", token: "t0ken-for-test").status == 401)
        let forged = try await send(
            .POST, "\(s.base)/v1/approvals/\(s.ids[0])/approve", body: #"{"by":"x"}"#, token: "x")
        #expect(forged.status == 401)
        #expect(try s.book.approval(s.ids[0])?.status == .pending)

        let listed = try await send(.GET, "\(s.base)/v1/approvals?status=pending")
        #expect(listed.status == 200)
        #expect(Set(listed.body?["approvals"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []) == Set(s.ids))
        #expect(try await send(.GET, "\(s.base)/v1/approvals?limit=1").body?["approvals"]?.arrayValue?.count == 1)
        let one = try await send(.GET, "\(s.base)/v1/approvals/\(s.ids[1])")
        #expect(one.status == 200 && one.body?["arguments"]?["login"] == "li.wei@meridian.example")

        let approved = try await send(
            .POST, "\(s.base)/v1/approvals/\(s.ids[0])/approve", body: #"{"by": "alice", "note": "checked"}"#)
        #expect(approved.status == 200, "\(approved.text)")
        #expect(approved.body?["approval"]?["status"] == "approved" && approved.body?["audit"] == "written")
        #expect(
            approved.body?["approval"]?["decided_by"] == "alice" && approved.body?["approval"]?["note"] == "checked")
        let denied = try await send(.POST, "\(s.base)/v1/approvals/\(s.ids[1])/deny", body: #"{"by": "bob"}"#)
        #expect(denied.status == 200 && denied.body?["approval"]?["status"] == "denied")
        #expect(try s.book.approval(s.ids[0])?.status == .approved)
        #expect(try s.book.approval(s.ids[1])?.status == .denied)

        // Decided already: 409, and nothing follows it.
        let again = try await send(.POST, "\(s.base)/v1/approvals/\(s.ids[0])/deny", body: #"{"by": "mallory"}"#)
        #expect(again.status == 409 && again.body?["error"]?.stringValue?.contains("already approved") == true)
        #expect(try s.book.approval(s.ids[0])?.decidedBy == "alice")
        #expect(s.followed.list.withLock { $0 } == ["\(s.ids[0]) approved", "\(s.ids[1]) denied"])
        let pending = try await send(.GET, "\(s.base)/v1/approvals?status=pending")
        #expect(pending.body?["approvals"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [s.ids[2]])
    }

    @Test func badRequestsAreRefusedSayingWhyAndChangeNothing() async throws {
        let (s, task) = try await serve()
        defer { task.cancel() }
        let id = s.ids[2]
        let cases: [(HTTPMethod, String, String?, Int, String)] = [
            (.GET, "/v1/approvals?status=maybe", nil, 400, "status 'maybe' is not one of pending, approved"),
            (.GET, "/v1/approvals?limit=0", nil, 400, "limit '0' is not a whole number from 1 to 1000"),
            (.GET, "/v1/approvals?limit=ten", nil, 400, "limit 'ten' is not a whole number"),
            (.GET, "/v1/approvals/apr-nope", nil, 404, "no approval request apr-nope"),
            (.POST, "/v1/approvals/apr-nope/approve", #"{"by":"alice"}"#, 404, "no approval request apr-nope"),
            (.POST, "/v1/approvals/\(id)/approve", "", 400, "the body must be a JSON object"),
            (.POST, "/v1/approvals/\(id)/approve", "[1]", 400, "the body must be a JSON object"),
            (.POST, "/v1/approvals/\(id)/approve", #"{"by": "  "}"#, 400, "by: say who decides"),
            (.POST, "/v1/approvals/\(id)/approve", #"{"note": "x"}"#, 400, "by: say who decides"),
            (.POST, "/v1/approvals/\(id)/approve", #"{"by": 7}"#, 400, "by: say who decides"),
            (.POST, "/v1/approvals/\(id)/approve", #"{"by": "a", "note": 3}"#, 400, "note: a string"),
            (
                .POST, "/v1/approvals/\(id)/approve", #"{"by": "a", "status": "approved"}"#, 400,
                "unknown field 'status'"
            ),
            (
                .POST, "/v1/approvals/\(id)/deny",
                #"{"by": "a", "note": ""# + String(repeating: "x", count: 70_000) + #""}"#,
                413, "larger than 65536 bytes"
            ),
        ]
        for (method, path, body, status, message) in cases {
            let answer = try await send(method, s.base + path, body: body)
            #expect(answer.status == status, "\(path): \(answer.text)")
            #expect(answer.body?["error"]?.stringValue?.contains(message) == true, "\(path): \(answer.text)")
        }
        #expect(try s.book.approval(id)?.status == .pending)
        #expect(s.followed.list.withLock { $0 }.isEmpty)
        // An unknown route is 404 too.
        #expect(try await send(.GET, "\(s.base)/v1/approval").status == 404)
    }

    /// Decisions sent together are taken one at a time, each followed before the next: exactly one of several
    /// concurrent decisions on the same request wins.
    @Test func concurrentDecisionsOnOneRequestHaveOneWinner() async throws {
        let (s, task) = try await serve()
        defer { task.cancel() }
        let id = s.ids[0]
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<8 {
                group.addTask {
                    try await send(
                        .POST, "\(s.base)/v1/approvals/\(id)/\(n % 2 == 0 ? "approve" : "deny")",
                        body: #"{"by": "person-\#(n)"}"#
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1 && statuses.filter { $0 == 409 }.count == 7)
        #expect(s.followed.list.withLock { $0 }.count == 1)
    }
}
