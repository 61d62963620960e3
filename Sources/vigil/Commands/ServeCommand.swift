import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilGuard
import VigilMCP
import VigilServer

struct ServeCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the approvals API over HTTP: list the requests the Guard holds for people, and decide them.",
        discussion: """
            GET /v1/approvals[?status=pending&limit=N], GET /v1/approvals/ID, POST /v1/approvals/ID/approve and \
            /deny with {"by": "NAME", "note": "why"}; GET /health. Every route but /health needs \
            "Authorization: Bearer TOKEN": with guard.approvers in vigil.yaml, an approver's own token (`vigil guard \
            approver-token NAME`), and decisions are recorded under its owner's name; otherwise one shared token, \
            from $VIGIL_API_TOKEN (--token-env) or a random one printed at start. A client that sends 10 wrong \
            tokens is refused for a while (429, doubling up to 5 minutes); --tls-cert and --tls-key serve HTTPS, and \
            --tls-client-ca lets in only clients with a certificate from that CA. A decision is written to the audit log \
            and posted to the approvers' channel as `vigil guard approve` does. Serves until SIGINT or SIGTERM. See docs/security.md \
            ("The approvals API").
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Listen on this address (port 0: any free port).", valueName: "host:port"))
    var http = "127.0.0.1:8300"

    @OptionGroup var tls: TLSOptions

    @Option(
        name: .long,
        help: "The environment variable that holds the bearer token clients must send (without guard.approvers).")
    var tokenEnv = "VIGIL_API_TOKEN"

    func validate() throws {
        guard HTTPServerConfiguration.parseAddress(http) != nil else {
            throw ValidationError("--http '\(http)' is not HOST:PORT (e.g. 127.0.0.1:8300)")
        }
        guard !tokenEnv.isEmpty else { throw ValidationError("--token-env names no variable") }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        guard let address = HTTPServerConfiguration.parseAddress(http) else {
            throw .usage("--http '\(http)' is not HOST:PORT")
        }
        let serverTLS = try tls.load()
        let book = try GuardSetup.approvals(configuration)
        let authenticator = try Self.authenticator(configuration.guardrails.approvers, tokenEnv: tokenEnv)
        if serverTLS == nil, !["127.0.0.1", "::1", "localhost"].contains(address.host) {
            Console.warning(
                "serving on \(address.host), not on loopback, over plain HTTP: the token and the decisions cross the network in clear unless a proxy with TLS stands in front (or give --tls-cert and --tls-key)"
            )
        }
        let api = ApprovalsAPI(
            book: book, authenticator: authenticator,
            followUp: Self.followUp(book, configuration, global: global, logger: logger), logger: logger)
        let server = VigilHTTPServer(
            host: address.host, port: address.port, tls: serverTLS, approvals: api, logger: logger)
        let host = address.host.contains(":") ? "[\(address.host)]" : address.host
        // Decisions another process took and could not write (it found the audit log held) are written here.
        let elsewhere = Task { await api.followUpElsewhere(every: .seconds(2)) }
        defer { elsewhere.cancel() }
        do {
            try await server.run { port in
                Console.note(
                    "approvals API listening on \(serverTLS == nil ? "http" : "https")://\(host):\(port)/v1/approvals\(serverTLS?.clientsNote ?? "")"
                )
            }
        } catch let error as CannotListen {
            throw .unavailable("\(error)")
        } catch {
            throw .software("the approvals API stopped: \(error)")
        }
    }

    /// Each approver's own token when `guard.approvers` lists them; otherwise the shared token of `tokenEnv`.
    static func authenticator(
        _ approvers: [VigilConfiguration.Guardrails.Approver], tokenEnv: String
    ) throws(CLIError) -> APIAuthenticator {
        guard approvers.isEmpty else {
            if let given = ProcessInfo.processInfo.environment[tokenEnv], !given.isEmpty {
                Console.warning(
                    "$\(tokenEnv) is ignored: guard.approvers lists who may decide, and each sends a token of their own"
                )
            }
            Console.note(
                "approvers: \(approvers.map { TerminalText.inert($0.name) }.joined(separator: ", ")), each with a token of their own"
            )
            return APIAuthenticator(approvers: approvers)
        }
        let token = try BearerToken.resolve(variable: tokenEnv)
        if token.count < 16 {
            Console.warning(
                "the bearer token in $\(tokenEnv) is short (\(token.count) characters); use 32 random ones or more")
        }
        return APIAuthenticator(sharedToken: token)
    }

    /// What follows decisions taken through the API: written to the audit log (`audit`: `written`, `deferred`
    /// while a running Vigil holds the log, or `failed`) and posted to the approvers' channel (`posts`: the records
    /// of the posts), as `vigil guard approve` does; each decision noted on stderr.
    static func followUp(
        _ book: ApprovalBook, _ configuration: VigilConfiguration, global: GlobalOptions, logger: Logger
    ) -> ApprovalsAPI.FollowUp {
        ApprovalsAPI.FollowUp(
            record: {
                do {
                    switch try await GuardDecision.audit(book, configuration) {
                    case .written(let written):
                        for approval in written {
                            Console.note(
                                "\(approval.id): \(approval.decisionRecord["decision"]?.stringValue ?? "decided") by \(TerminalText.inert(approval.decidedBy ?? "")), written to the audit log"
                            )
                        }
                        return (["audit": "written"], written)
                    case .deferred:
                        return (["audit": "deferred", "audit_note": .string(GuardDecision.deferred)], [])
                    }
                } catch {
                    Console.warning("\(error)")
                    return (["audit": "failed", "audit_error": .string("\(error)")], [])
                }
            },
            post: { written in
                let posts = await GuardDecision.announce(
                    written, configuration, global: global, logger: logger, noteLabChat: false)
                var answer: JSONObject = [
                    "posts": .array(
                        posts.map { post in
                            var record = post.data
                            record["kind"] = .string(post.kind)
                            return .object(record)
                        })
                ]
                let settings = configuration.guardrails.announce
                if !settings.server.isEmpty, !configuration.mcp.servers.contains(where: { $0.name == settings.server })
                {
                    answer["posts_note"] = .string(GuardDecision.labChat(settings.server))
                }
                return answer
            })
    }
}
