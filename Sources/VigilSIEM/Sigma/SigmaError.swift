/// Why a Sigma rule cannot be used: it is malformed, or it uses a feature Vigil does not support.
/// Rules are never skipped silently or half-applied: loading reports each one with this reason.
public struct SigmaError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The rule breaks the Sigma specification.
        case invalid
        /// The rule is valid Sigma but uses something Vigil does not implement.
        case unsupported
    }

    public var kind: Kind
    public var message: String

    public static func invalid(_ message: String) -> SigmaError { SigmaError(kind: .invalid, message: message) }
    public static func unsupported(_ message: String) -> SigmaError { SigmaError(kind: .unsupported, message: message) }

    public var description: String { "\(kind == .invalid ? "invalid" : "unsupported"): \(message)" }
}
