import Synchronization
import VigilCore

/// Where the values of one case came from. Every string a case sees — the alert, each tool result —
/// is recorded with its source and whether that source is trusted; a value's provenance is where it
/// was seen *first*. A value first seen in untrusted content (alert text, log fields, tickets, chat)
/// stays tainted even if a trusted tool later echoes it: looking up a user an attacker named does not
/// make the name the attacker's choice any less. A value never seen at all has unknown provenance.
public final class TaintLedger: Sendable {
    public enum Provenance: Sendable, Hashable {
        case trusted(source: String)
        case untrusted(source: String)
        case unknown

        /// Untrusted or unknown: may not fill a write's target without approval.
        public var isTainted: Bool {
            if case .trusted = self { return false }
            return true
        }
    }

    private struct Origin {
        var source: String
        var trusted: Bool
    }

    private let origins = Mutex<[String: Origin]>([:])

    public init() {}

    /// Records every string in `value` (and, in free text, each identifier-like token) as seen in `source`.
    public func observe(_ value: JSONValue, source: String, trusted: Bool) {
        var keys: [String] = []
        Self.collect(value, into: &keys)
        let origin = Origin(source: source, trusted: trusted)
        origins.withLock { origins in
            for key in keys where origins[key] == nil { origins[key] = origin }
        }
    }

    /// Records one string.
    public func observe(_ text: String, source: String, trusted: Bool) {
        observe(.string(text), source: source, trusted: trusted)
    }

    /// Where `value` was first seen.
    public func provenance(of value: String) -> Provenance {
        let key = Self.normalize(Substring(value))
        guard !key.isEmpty, let origin = origins.withLock({ $0[key] }) else { return .unknown }
        return origin.trusted ? .trusted(source: origin.source) : .untrusted(source: origin.source)
    }

    /// How many distinct values the case has seen.
    public var count: Int { origins.withLock { $0.count } }

    // MARK: - Collecting

    private static func collect(_ value: JSONValue, into keys: inout [String]) {
        switch value {
        case .string(let s): add(s, into: &keys)
        case .int(let n): add(String(n), into: &keys)
        case .double(let n): add(String(n), into: &keys)
        case .array(let items): for item in items { collect(item, into: &keys) }
        case .object(let object): for (_, item) in object { collect(item, into: &keys) }
        case .bool, .null: break
        }
    }

    private static func add(_ text: String, into keys: inout [String]) {
        let whole = normalize(Substring(text))
        guard !whole.isEmpty else { return }
        keys.append(whole)
        // Free text: also each token that could name something (a login, an ARN, an address, an id).
        guard whole.utf8.count > 2, whole.utf8.contains(where: Self.isSeparator) else { return }
        for token in whole.split(whereSeparator: { $0.isASCII && Self.isSeparator($0.asciiValue!) }) {
            let trimmed = normalize(token)
            if trimmed.utf8.count >= 3 && trimmed != whole { keys.append(trimmed) }
        }
    }

    /// Lower-cased, without surrounding white space, quotes or sentence punctuation.
    static func normalize(_ text: Substring) -> String {
        let edge: Set<Character> = [
            " ", "\t", "\n", "\r", "\"", "'", "`", ".", ",", ";", ":", "!", "?", "(", ")", "[", "]", "<", ">", "{", "}",
        ]
        var slice = text[...]
        while let first = slice.first, edge.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, edge.contains(last) { slice = slice.dropLast() }
        return slice.lowercased()
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x3B, 0x22, 0x27, 0x60, 0x28, 0x29, 0x5B, 0x5D, 0x3C, 0x3E, 0x7B, 0x7D, 0x7C,
            0x3D:
            true  // space tab LF CR , ; " ' ` ( ) [ ] < > { } | =
        default: false
        }
    }
}
