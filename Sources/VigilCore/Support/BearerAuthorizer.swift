/// Checks `Authorization: Bearer <token>` in time independent of what was sent: of where the first difference is,
/// and of the length of the token sent (the comparison always runs over the expected token's bytes).
public struct BearerAuthorizer: Sendable {
    let expected: [UInt8]

    public init(token: String) { expected = Array(token.utf8) }

    /// Whether `header` (the `Authorization` field's value) carries the token; never for an empty token.
    public func allows(_ header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(header.dropFirst(7).utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<expected.count {
            difference |= (index < given.count ? given[index] : 0) ^ expected[index]
        }
        return difference == 0 && !expected.isEmpty
    }
}
