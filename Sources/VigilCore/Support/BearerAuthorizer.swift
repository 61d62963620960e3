/// Checks `Authorization: Bearer <token>` in time independent of what was sent: of where the first difference is,
/// and of the length of the token sent (the comparison always runs over the expected token's bytes).
public struct BearerAuthorizer: Sendable {
    let expected: [UInt8]

    public init(token: String) { expected = Array(token.utf8) }

    /// The token `header` (the `Authorization` field's value) carries: what follows `Bearer ` (any case), or nil.
    public static func token(in header: String?) -> Substring? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return header.dropFirst(7)
    }

    /// Whether `header` (the `Authorization` field's value) carries the token; never for an empty token.
    public func allows(_ header: String?) -> Bool {
        guard let token = Self.token(in: header) else { return false }
        let given = Array(token.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<expected.count {
            difference |= (index < given.count ? given[index] : 0) ^ expected[index]
        }
        return difference == 0 && !expected.isEmpty
    }
}
