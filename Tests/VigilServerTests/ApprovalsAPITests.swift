import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import Testing
import VigilCore
import VigilGuard
import VigilMCP
import VigilTesting

@testable import VigilServer

/// The approvals API over real HTTP on loopback: the token is required, requests are listed and read, decisions
/// are taken once, followed by what the server adds, and every bad request gets its status and a message.
@Suite struct ApprovalsAPITests {
    /// The decisions the server followed up (written, then posted), in order, and how many records ran at once.
    final class Followed: Sendable {
        let list = Mutex<[String]>([])
        let running = Mutex((now: 0, most: 0))
    }

    struct Served: Sendable {
        var base: String
        var book: ApprovalBook
        var followed: Followed
        var ids: [String]
        var api: ApprovalsAPI
    }

    static let token = "t0ken-for-tests"

    /// A server over a book with three pending requests, whose follow-up writes the decisions (marks them audited)
    /// slowly and records what it wrote and posted.
    func serve(
        authenticator: APIAuthenticator = APIAuthenticator(sharedToken: ApprovalsAPITests.token),
        throttle: WrongTokenThrottle = WrongTokenThrottle(), tls: ServerTLS? = nil
    ) async throws -> (Served, Task<Void, any Error>) {
        let book = ApprovalBook(clock: FakeClock(), ids: SequentialIDGenerator(), lifetimeSeconds: 3600)
        let ids = try book.requestSuspensions(
            of: ["ana.silva@meridian.example", "li.wei@meridian.example", "sam.okoro@meridian.example"])
        let followed = Followed()
        let followUp = ApprovalsAPI.FollowUp(
            record: {
                followed.running.withLock {
                    $0.now += 1
                    $0.most = max($0.most, $0.now)
                }
                try? await Task.sleep(for: .milliseconds(20))
                let written = (try? book.unaudited()) ?? []
                try? book.markAudited(written.map(\.id))
                followed.list.withLock { list in list += written.map { "\($0.id) \($0.status.rawValue)" } }
                followed.running.withLock { $0.now -= 1 }
                return (["audit": "written"], written)
            },
            post: { written in
                followed.list.withLock { list in list += written.map { "posted \($0.id)" } }
                return ["posts": .array(written.map { ["approval_id": .string($0.id)] })]
            })
        let api = ApprovalsAPI(
            book: book, authenticator: authenticator, throttle: throttle, followUp: followUp,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let server = VigilHTTPServer(
            host: "127.0.0.1", port: 0, tls: tls, approvals: api,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await server.run { port in
                continuation.yield(port)
                continuation.finish()
            }
        }
        var port = 0
        for await bound in ports { port = bound }
        return (
            Served(
                base: "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)", book: book, followed: followed, ids: ids,
                api: api), task
        )
    }

    struct Answer {
        var status: Int
        var body: JSONValue?
        var text: String
    }

    func send(
        _ method: HTTPMethod, _ url: String, body: String? = nil, token: String? = ApprovalsAPITests.token,
        client: HTTPClient = .shared
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let text = String(buffer: bytes)
        return Answer(status: Int(response.status.code), body: try? JSONParser.parse(text), text: text)
    }

    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func requestsAreListedAndDecidedOnceWithTheToken() async throws {
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
        #expect(approved.body?["posts"] == [["approval_id": .string(s.ids[0])]])
        #expect(
            approved.body?["approval"]?["decided_by"] == "alice" && approved.body?["approval"]?["note"] == "checked")
        // With the shared token, the name is the client's word, and the record says so.
        #expect(approved.body?["approval"]?["decided_via"] == "api")
        let denied = try await send(.POST, "\(s.base)/v1/approvals/\(s.ids[1])/deny", body: #"{"by": "bob"}"#)
        #expect(denied.status == 200 && denied.body?["approval"]?["status"] == "denied")
        #expect(try s.book.approval(s.ids[0])?.status == .approved)
        #expect(try s.book.approval(s.ids[1])?.status == .denied)

        // Decided already: 409, and nothing follows it.
        let again = try await send(.POST, "\(s.base)/v1/approvals/\(s.ids[0])/deny", body: #"{"by": "mallory"}"#)
        #expect(again.status == 409 && again.body?["error"]?.stringValue?.contains("already approved") == true)
        #expect(try s.book.approval(s.ids[0])?.decidedBy == "alice")
        #expect(
            s.followed.list.withLock { $0 } == [
                "\(s.ids[0]) approved", "posted \(s.ids[0])", "\(s.ids[1]) denied", "posted \(s.ids[1])",
            ])
        let pending = try await send(.GET, "\(s.base)/v1/approvals?status=pending")
        #expect(pending.body?["approvals"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [s.ids[2]])
    }

    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func badRequestsAreRefusedSayingWhyAndChangeNothing() async throws {
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
            (.POST, "/v1/approvals/\(id)/approve", #"{"by": "alice", "by": "mallory"}"#, 400, "repeats a key"),
            (.POST, "/v1/approvals/\(id)/approve", #"{"by": "alice\nApproved by: CISO"}"#, 400, "a name on one line"),
            (.POST, "/v1/approvals/\(id)/approve", #"{"by": "\u001b[2Jalice"}"#, 400, "a name on one line"),
            (.POST, "/v1/approvals/\(id)/approve", #"{"by": "alice\u2028bob"}"#, 400, "of printable characters"),
            (.POST, "/v1/approvals/\(id)/approve", #"{"by": "alice "}"#, 400, "a name without spaces around it"),
            (
                .POST, "/v1/approvals/\(id)/approve", #"{"by": ""# + String(repeating: "a", count: 201) + #""}"#, 400,
                "by: expected a name of 1-200 characters"
            ),
            (
                .POST, "/v1/approvals/\(id)/approve",
                #"{"by": "a", "note": ""# + String(repeating: "n", count: 4001) + #""}"#, 400,
                "note: at most 4000 characters"
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

    /// Decisions sent together are taken one at a time, each with its record: on one request exactly one wins; on
    /// several, their records never run at once.
    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func decisionsAreTakenOneAtATime() async throws {
        let (s, task) = try await serve()
        defer { task.cancel() }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<8 {
                let id = n < 6 ? s.ids[0] : s.ids[n - 5]
                group.addTask {
                    try await send(
                        .POST, "\(s.base)/v1/approvals/\(id)/\(n % 2 == 0 ? "approve" : "deny")",
                        body: #"{"by": "person-\#(n)"}"#
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 3 && statuses.filter { $0 == 409 }.count == 5)
        #expect(s.followed.running.withLock { $0.most } == 1)
        #expect(s.followed.list.withLock { $0 }.filter { !$0.hasPrefix("posted") }.count == 3)
    }

    /// A decision another process took and could not write (it found the audit log held) is written and posted by
    /// the server's periodic follow-up.
    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func decisionsTakenElsewhereAreFollowedUp() async throws {
        let (s, task) = try await serve()
        defer { task.cancel() }
        _ = try s.book.decide(s.ids[2], approve: false, by: "carol")
        let sweeper = Task { await s.api.followUpElsewhere(every: .milliseconds(20)) }
        defer { sweeper.cancel() }
        while s.followed.list.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(s.followed.list.withLock { $0 } == ["\(s.ids[2]) denied", "posted \(s.ids[2])"])
        #expect(try s.book.unaudited().isEmpty)
    }

    /// Work waiting for its turn whose task is cancelled leaves the line without running; the turn passes on.
    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func aCancelledWaiterDoesNotRun() async throws {
        let turns = Turns()
        let ran = Followed()
        let (release, gate) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await turns.take {
                ran.list.withLock { $0.append("first") }
                for await _ in release { break }
            }
        }
        while ran.list.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(5)) }
        let second = Task { try await turns.take { ran.list.withLock { $0.append("second") } } }
        try await Task.sleep(for: .milliseconds(50))
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        gate.yield()
        try await first.value
        try await turns.take { ran.list.withLock { $0.append("third") } }
        #expect(ran.list.withLock { $0 } == ["first", "third"])
    }

    static let alice = "alice-token-0123456789abcdef"
    static let bob = "bob-token-fedcba9876543210"
    static let approvers = APIAuthenticator(approvers: [
        .init(name: "alice@meridian.example", tokenSHA256: APIAuthenticator.digest(ofToken: alice)),
        .init(name: "bob@meridian.example", tokenSHA256: APIAuthenticator.digest(ofToken: bob).uppercased()),
    ])

    /// With `guard.approvers`, each approver's own token lets them in, and their decisions are recorded under their
    /// name, whatever the body says; the shared token is not accepted.
    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func approversDecideUnderTheirOwnNames() async throws {
        let (s, task) = try await serve(authenticator: Self.approvers)
        defer { task.cancel() }
        #expect(try await send(.GET, "\(s.base)/v1/approvals", token: Self.token).status == 401)
        #expect(try await send(.GET, "\(s.base)/v1/approvals", token: Self.alice + "x").status == 401)
        #expect(try await send(.GET, "\(s.base)/v1/approvals", token: String(Self.alice.dropLast())).status == 401)
        let listed = try await send(.GET, "\(s.base)/v1/approvals", token: Self.alice)
        #expect(listed.status == 200 && listed.body?["approvals"]?.arrayValue?.count == 3)

        // No body, or no `by`: the token's owner decides.
        let approved = try await send(.POST, "\(s.base)/v1/approvals/\(s.ids[0])/approve", token: Self.alice)
        #expect(approved.status == 200, "\(approved.text)")
        #expect(approved.body?["approval"]?["decided_by"] == "alice@meridian.example")
        #expect(approved.body?["approval"]?["decided_via"] == "api-approver-token")
        // `by` naming the owner is accepted; the digest in upper case matches as well.
        let denied = try await send(
            .POST, "\(s.base)/v1/approvals/\(s.ids[1])/deny", body: #"{"by": "bob@meridian.example", "note": "no"}"#,
            token: Self.bob)
        #expect(denied.status == 200 && denied.body?["approval"]?["decided_by"] == "bob@meridian.example")

        // `by` naming someone else: 403, nothing decided, nothing followed.
        let impersonated = try await send(
            .POST, "\(s.base)/v1/approvals/\(s.ids[2])/approve", body: #"{"by": "bob@meridian.example"}"#,
            token: Self.alice)
        #expect(impersonated.status == 403, "\(impersonated.text)")
        #expect(
            impersonated.body?["error"]?.stringValue?.contains("this token is alice@meridian.example's") == true,
            "\(impersonated.text)")
        // A `by` given must still be a name; so must the body be JSON.
        let blank = try await send(
            .POST, "\(s.base)/v1/approvals/\(s.ids[2])/approve", body: #"{"by": " "}"#, token: Self.alice)
        #expect(blank.status == 400 && blank.body?["error"]?.stringValue?.contains("by: say who decides") == true)
        let garbled = try await send(
            .POST, "\(s.base)/v1/approvals/\(s.ids[2])/approve", body: "by=alice", token: Self.alice)
        #expect(garbled.status == 400)
        #expect(try s.book.approval(s.ids[2])?.status == .pending)
        #expect(
            s.followed.list.withLock { $0 } == [
                "\(s.ids[0]) approved", "posted \(s.ids[0])", "\(s.ids[1]) denied", "posted \(s.ids[1])",
            ])
        #expect(try s.book.approval(s.ids[1])?.decidedVia == .apiApproverToken)
    }

    /// A time that tests move by hand, for `WrongTokenThrottle`.
    final class Hands: Sendable {
        let seconds = Mutex<Double>(1000)
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
    }

    /// Ten wrong tokens from an address, and it is refused (429, Retry-After) before its token is looked at, the right
    /// one included; for a second, then twice as long after each further wrong token.
    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func wrongTokensSlowAnAddressDown() async throws {
        let hands = Hands()
        let throttle = WrongTokenThrottle(now: { hands.seconds.withLock { $0 } })
        let (s, task) = try await serve(throttle: throttle)
        defer { task.cancel() }
        let url = "\(s.base)/v1/approvals"
        for _ in 0..<9 { #expect(try await send(.GET, url, token: "guess").status == 401) }
        // A right token does not clear the count (one token's holder cannot guess another's without limit), and a
        // request without any is no guess.
        #expect(try await send(.GET, url).status == 200)
        for _ in 0..<5 { #expect(try await send(.GET, url, token: nil).status == 401) }
        #expect(try await send(.GET, url, token: "guess").status == 401)
        let refused = try await send(.GET, url)
        #expect(
            refused.status == 429 && refused.body?["error"] == "too many wrong tokens from 127.0.0.1: try again in 1 s")
        // A decision is refused too, and changes nothing.
        let decision = try await send(.POST, "\(url)/\(s.ids[0])/approve", body: #"{"by": "alice"}"#)
        #expect(decision.status == 429)
        #expect(try s.book.approval(s.ids[0])?.status == .pending)
        hands.advance(1.5)
        #expect(try await send(.GET, url, token: "guess").status == 401)  // the 11th: two seconds
        hands.advance(1.5)
        #expect(try await send(.GET, url).status == 429)
        hands.advance(0.6)
        #expect(try await send(.GET, url).status == 200)
        #expect(try await send(.GET, "\(s.base)/health", token: nil).status == 200)
    }

    /// The throttle's arithmetic: the doubling stops at `longest`; a count is forgotten after `forgetAfter`; clients
    /// are counted apart, IPv6 ones by their /64; a full table counts newcomers together.
    @Test func theThrottleIsBounded() {
        let hands = Hands()
        var settings = WrongTokenThrottle.Settings()
        settings.allowed = 3
        settings.longest = 10
        settings.forgetAfter = 60
        settings.capacity = 8
        let throttle = WrongTokenThrottle(settings: settings, now: { hands.seconds.withLock { $0 } })
        #expect(throttle.wrong(from: "10.0.0.1") == nil && throttle.wrong(from: "10.0.0.1") == nil)
        #expect(throttle.wrong(from: "10.0.0.1") == 1)
        #expect(throttle.wait(for: "10.0.0.1") == 1 && throttle.wait(for: "10.0.0.2") == nil)
        var locks: [Int?] = []
        for _ in 0..<6 {
            hands.advance(20)
            locks.append(throttle.wrong(from: "10.0.0.1"))
        }
        #expect(locks == [2, 4, 8, 10, 10, 10])
        hands.advance(70)
        #expect(throttle.wait(for: "10.0.0.1") == nil)
        #expect(throttle.wrong(from: "10.0.0.1") == nil)  // forgotten: counting from one again
        // A full table: newcomers share one count, so a hundred addresses buy no more guesses than one, while a
        // client counted already keeps its own.
        throttle.right(from: "203.0.113.5")  // let in before the flood
        for n in 0..<100 { throttle.wrong(from: "192.0.2.\(n)") }
        #expect(throttle.counted == 9)
        #expect(throttle.wait(for: "192.0.2.200") != nil && throttle.wait(for: "198.51.100.1") != nil)
        #expect(throttle.wait(for: "192.0.2.0") == nil && throttle.wait(for: "10.0.0.1") == nil)
        #expect(throttle.wait(for: "203.0.113.5") == nil)
        throttle.right(from: "198.51.100.2")  // no room: still a newcomer
        #expect(throttle.counted == 9 && throttle.wait(for: "198.51.100.2") != nil)
        // Once their counts are forgotten, newcomers get places of their own again.
        hands.advance(100)
        #expect(throttle.wrong(from: "198.51.100.1") == nil && throttle.counted == 1)

        // An IPv6 client is its /64; an IPv4 address written as IPv6 is that IPv4 address.
        #expect(WrongTokenThrottle.client("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(WrongTokenThrottle.client("2001:0db8:0001:0002:bbbb:0:0:9") == "2001:db8:1:2::/64")
        #expect(WrongTokenThrottle.client("::ffff:192.0.2.7") == "192.0.2.7")
        #expect(
            WrongTokenThrottle.client("192.0.2.7") == "192.0.2.7" && WrongTokenThrottle.client("unknown") == "unknown")
        for n in 0..<3 { throttle.wrong(from: "2001:db8:1:2::\(n + 1)") }
        #expect(throttle.wait(for: "2001:db8:1:2:ffff::5") == 1)
    }

    /// Tokens are compared by digest; a header that is not `Bearer TOKEN` is no one, and a digest that is not 64
    /// hex digits matches nothing.
    @Test func approverTokensAreTheOnlyWayIn() {
        #expect(Self.approvers.identify("Bearer \(Self.alice)") == .approver("alice@meridian.example"))
        #expect(Self.approvers.identify("bearer \(Self.bob)") == .approver("bob@meridian.example"))
        #expect(Self.approvers.identify("Basic \(Self.alice)") == nil)
        #expect(Self.approvers.identify("Bearer ") == nil && Self.approvers.identify(nil) == nil)
        #expect(Self.approvers.identify("Bearer \(APIAuthenticator.digest(ofToken: Self.alice))") == nil)
        let broken = APIAuthenticator(approvers: [.init(name: "x", tokenSHA256: "zz")])
        #expect(broken.identify("Bearer zz") == nil && broken.identifiesApprovers)
        #expect(!APIAuthenticator(sharedToken: "s").identifiesApprovers)
        let token = APIAuthenticator.newToken()
        #expect(token.count == 64 && Hex.decode(token)?.count == 32 && token != APIAuthenticator.newToken())
        #expect(Hex.decode("0aFf") == [0x0a, 0xff] && Hex.decode("abc") == nil && Hex.decode("0g") == nil)
    }

    /// Over TLS (`--tls-cert`, `--tls-key`): a client that trusts the server's certificate alone lists and decides;
    /// plain HTTP to the port gets no answer; files that cannot serve are named before anything listens.
    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func overTLS() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let made = try await SelfSignedCertificate.make(in: dir)
        let tls = try ServerTLS.load(certificate: made.certificate.path, key: made.key.path)
        #expect(!tls.keyIsWorldReadable)
        let (s, task) = try await serve(tls: tls)
        defer { task.cancel() }
        #expect(s.base.hasPrefix("https://"))

        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(made.certificate.path))
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: configuration))
        let listed = try await send(.GET, "\(s.base)/v1/approvals", client: client)
        #expect(listed.status == 200 && listed.body?["approvals"]?.arrayValue?.count == 3)
        let approved = try await send(
            .POST, "\(s.base)/v1/approvals/\(s.ids[0])/approve", body: #"{"by": "alice"}"#, client: client)
        #expect(approved.status == 200 && approved.body?["approval"]?["status"] == "approved")
        #expect(try await send(.GET, "\(s.base)/v1/approvals", token: nil, client: client).status == 401)
        // A client with the system's trust roots, which do not know the certificate, refuses the handshake (Python's
        // ssl, which says why at once, where AsyncHTTPClient retries until its deadline); plain HTTP to the TLS port
        // gets no answer.
        let probe = """
            import ssl, sys, urllib.request
            for url in sys.argv[1:]:
                try:
                    urllib.request.urlopen(url, timeout=30)
                    print("answered")
                except Exception as error:
                    print(type(error).__name__, getattr(error, "reason", error))
            """
        let plain = "http://" + s.base.dropFirst("https://".count)
        let probed = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", probe, "\(s.base)/health", "\(plain)/health"])
        let lines = probed.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(probed.stdout) \(probed.stderr)")
        #expect(lines.first?.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(probed.stdout)")
        #expect(lines.last?.contains("RemoteDisconnected") == true, "\(probed.stdout)")

        // TLS 1.2 with ECDHE and an AEAD cipher, or TLS 1.3; not TLS 1.1, nor a CBC cipher.
        let versions = """
            import ssl, sys, urllib.request
            for version, ciphers in [("TLSv1_2", "ECDHE-ECDSA-AES128-GCM-SHA256"), ("TLSv1_3", None),
                                     ("TLSv1_2", "ECDHE-ECDSA-AES128-SHA"), ("TLSv1_1", None)]:
                context = ssl.create_default_context(cafile=sys.argv[2])
                context.minimum_version = context.maximum_version = getattr(ssl.TLSVersion, version)
                if ciphers:
                    context.set_ciphers(ciphers)
                else:
                    context.set_ciphers("ALL:@SECLEVEL=0")
                try:
                    with urllib.request.urlopen(sys.argv[1], timeout=30, context=context) as answer:
                        print(version, ciphers, answer.status)
                except Exception as error:
                    print(version, ciphers, "refused")
            """
        let negotiated = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", versions, "\(s.base)/health", made.certificate.path])
        #expect(
            negotiated.stdout.split(separator: "\n") == [
                "TLSv1_2 ECDHE-ECDSA-AES128-GCM-SHA256 200", "TLSv1_3 None 200",
                "TLSv1_2 ECDHE-ECDSA-AES128-SHA refused", "TLSv1_1 None refused",
            ], "\(negotiated.stdout) \(negotiated.stderr)")
        try await client.shutdown()

        // Files that cannot serve, each named.
        let other = try await SelfSignedCertificate.make(in: dir, name: "other")
        let cases: [(String, String, ServerTLS.Problem.Kind, String)] = [
            (
                "/nonexistent/cert.pem", made.key.path, .unreadable,
                "the TLS certificate /nonexistent/cert.pem does not exist"
            ),
            (made.certificate.path, dir.path, .unreadable, "is a directory, not a PEM file"),
            (made.key.path, made.key.path, .invalid, "holds no PEM certificate"),
            (made.certificate.path, made.certificate.path, .invalid, "is not an unencrypted PEM private key"),
            (made.certificate.path, other.key.path, .invalid, "does not belong to the certificate"),
        ]
        for (certificate, key, kind, message) in cases {
            do {
                _ = try ServerTLS.load(certificate: certificate, key: key)
                Issue.record("\(certificate) with \(key) was accepted")
            } catch {
                #expect(error.kind == kind && error.description.contains(message), "\(error)")
            }
        }
    }

    /// Mutual TLS (`--tls-client-ca`): a client with a certificate the CA issued is let in (and still needs the
    /// token); one without a certificate, or with one another CA issued, is refused in the handshake.
    @Test(.timeLimit(.minutes(5)))  // against a hang only
    func overMutualTLS() async throws {
        let dir = try CommandRunner.temporaryDirectory()
        let made = try await SelfSignedCertificate.make(in: dir)
        let authority = try await TestCertificateAuthority.make(in: dir)
        let alice = try await authority.issueClient("alice", in: dir)
        let rogue = try await TestCertificateAuthority.make(in: dir, name: "rogue").issueClient("mallory", in: dir)
        let tls = try ServerTLS.load(
            certificate: made.certificate.path, key: made.key.path, clientCA: authority.certificate.path)
        #expect(tls.clientsNote.contains(authority.certificate.path))
        let (s, task) = try await serve(tls: tls)
        defer { task.cancel() }

        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(made.certificate.path))
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(alice.certificate.path).map {
            .certificate($0)
        }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: alice.key.path, format: .pem))
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: configuration))
        let listed = try await send(.GET, "\(s.base)/v1/approvals", client: client)
        #expect(listed.status == 200 && listed.body?["approvals"]?.arrayValue?.count == 3)
        #expect(try await send(.GET, "\(s.base)/v1/approvals", token: nil, client: client).status == 401)
        try await client.shutdown()

        // Python's ssl says at once what the handshake came to (AsyncHTTPClient would retry until its deadline).
        let probe = """
            import ssl, sys, urllib.request
            for certificate in sys.argv[3:]:
                context = ssl.create_default_context(cafile=sys.argv[2])
                if certificate != "-":
                    context.load_cert_chain(certificate, certificate.replace("-client.pem", "-client-key.pem"))
                try:
                    with urllib.request.urlopen(sys.argv[1], timeout=30, context=context) as answer:
                        print(answer.status)
                except Exception as error:
                    print("refused")
            """
        let probed = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c", probe, "\(s.base)/health", made.certificate.path, alice.certificate.path, "-",
                rogue.certificate.path,
            ])
        #expect(
            probed.stdout.split(separator: "\n") == ["200", "refused", "refused"], "\(probed.stdout) \(probed.stderr)")

        // A client CA file that cannot serve, named.
        for (path, kind, message) in [
            (
                "/nonexistent/ca.pem", ServerTLS.Problem.Kind.unreadable,
                "the TLS client CA /nonexistent/ca.pem does not exist"
            ),
            (made.key.path, .invalid, "the client CA \(made.key.path) holds no PEM certificate"),
        ] {
            do {
                _ = try ServerTLS.load(certificate: made.certificate.path, key: made.key.path, clientCA: path)
                Issue.record("\(path) was accepted as a client CA")
            } catch {
                #expect(error.kind == kind && error.description.contains(message), "\(error)")
            }
        }
    }
}
