import Crypto
import VigilCore

/// Who an approvals API request comes from, by its `Authorization: Bearer <token>`: the holder of the server's one
/// shared token, or one of the approvers of `guard.approvers`, each with a token of their own.
///
/// With approvers, the server keeps only the SHA-256 of each token: a request's token is hashed and compared with
/// every approver's digest, in time independent of which (if any) matches and where digests differ.
public struct APIAuthenticator: Sendable {
    public enum Identity: Sendable, Hashable {
        /// The shared token: whoever holds it says who decides.
        case sharedToken
        /// An approver's own token: decisions are theirs.
        case approver(String)
    }

    enum Mode: Sendable {
        case shared(BearerAuthorizer)
        case approvers([(name: String, digest: [UInt8])])
    }

    let mode: Mode

    /// One token for every client.
    public init(sharedToken: String) { mode = .shared(BearerAuthorizer(token: sharedToken)) }

    /// A token for each approver; no other is accepted. Digests that are not 64 hex digits match nothing.
    public init(approvers: [VigilConfiguration.Guardrails.Approver]) {
        mode = .approvers(
            approvers.compactMap { approver in
                Hex.decode(approver.tokenSHA256).flatMap { $0.count == 32 ? (approver.name, $0) : nil }
            })
    }

    /// Whether each approver has a token of their own (`by` is then the token's owner).
    public var identifiesApprovers: Bool {
        if case .approvers = mode { return true }
        return false
    }

    /// Who sent `header` (the `Authorization` field's value), or nil for no token or a wrong one.
    public func identify(_ header: String?) -> Identity? {
        switch mode {
        case .shared(let authorizer):
            return authorizer.allows(header) ? .sharedToken : nil
        case .approvers(let approvers):
            guard let token = BearerAuthorizer.token(in: header) else { return nil }
            let digest = Array(SHA256.hash(data: Array(token.utf8)))
            var found: String?
            for approver in approvers {
                var difference: UInt8 = 0
                for index in 0..<32 { difference |= digest[index] ^ approver.digest[index] }
                if difference == 0 { found = approver.name }
            }
            return found.map(Identity.approver)
        }
    }

    /// The SHA-256 of `token` as `guard.approvers` keeps it (64 lowercase hex digits).
    public static func digest(ofToken token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }

    /// A new approver token: 32 random bytes from the system's cryptographic generator, as 64 hex digits.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
