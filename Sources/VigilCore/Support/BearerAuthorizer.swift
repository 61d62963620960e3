/// Checks `Authorization: Bearer <token>` in time independent of where the first difference is.
public struct BearerAuthorizer: Sendable {
    let expected: [UInt8]

    public init(token: String) { expected = Array(token.utf8) }

    /// Whether `header` (the `Authorization` field's value) carries the token; never for an empty token.
    public func allows(_ header: String?) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(header.dropFirst(7).utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in 0..<max(given.count, expected.count) {
            let a = index < given.count ? given[index] : 0
            let b = index < expected.count ? expected[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && !expected.isEmpty
    }
}
