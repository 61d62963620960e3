import Synchronization
import VigilCore

/// Where the values of one case came from. Every string a case sees — the alert, each tool result —
/// is recorded with its source and whether that source is trusted; a value's provenance is where it
/// was seen *first*. A value first seen in untrusted content (alert text, log fields, tickets, chat)
/// stays tainted even if a trusted tool later echoes it: looking up a user an attacker named does not
/// make the name the attacker's choice any less. A value never seen at all has unknown provenance.
///
/// Values are kept as keyed 64-bit hashes (SipHash with the process's random seed) of their
/// normalized form — lower-cased, without surrounding quotes or punctuation — and, in free text, of
/// each identifier-like token, so that an address named inside a sentence is tracked too.
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

    private struct State {
        var origins: [Int: Int32] = [:]  // hash → index into sources, negative (−index−1) when untrusted
        var sources: [String] = []
        var sourceIndex: [String: Int32] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Records every string in `value` (and, in free text, each identifier-like token) as seen in `source`.
    public func observe(_ value: JSONValue, source: String, trusted: Bool) {
        var keys: [Int] = []
        var scratch: [UInt8] = []
        Self.collect(value, into: &keys, &scratch)
        guard !keys.isEmpty else { return }
        state.withLock { state in
            let index: Int32
            if let known = state.sourceIndex[source] {
                index = known
            } else {
                index = Int32(state.sources.count)
                state.sources.append(source)
                state.sourceIndex[source] = index
            }
            let code = trusted ? index : -index - 1
            for key in keys where state.origins[key] == nil { state.origins[key] = code }
        }
    }

    /// Records one string.
    public func observe(_ text: String, source: String, trusted: Bool) {
        observe(.string(text), source: source, trusted: trusted)
    }

    /// Where `value` was first seen.
    public func provenance(of value: String) -> Provenance {
        var scratch: [UInt8] = []
        var text = value
        guard let key = text.withUTF8({ Self.key(of: $0[...], &scratch) }) else { return .unknown }
        return state.withLock { state in
            guard let code = state.origins[key] else { return .unknown }
            return code >= 0
                ? .trusted(source: state.sources[Int(code)]) : .untrusted(source: state.sources[Int(-code - 1)])
        }
    }

    /// How many distinct values the case has seen.
    public var count: Int { state.withLock { $0.origins.count } }

    // MARK: - Collecting

    private static func collect(_ value: JSONValue, into keys: inout [Int], _ scratch: inout [UInt8]) {
        switch value {
        case .string(let s): add(s, into: &keys, &scratch)
        case .int(let n): add(String(n), into: &keys, &scratch)
        case .double(let n): add(String(n), into: &keys, &scratch)
        case .array(let items): for item in items { collect(item, into: &keys, &scratch) }
        case .object(let object): for (_, item) in object { collect(item, into: &keys, &scratch) }
        case .bool, .null: break
        }
    }

    private static func add(_ text: String, into keys: inout [Int], _ scratch: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            guard let whole = key(of: bytes[...], &scratch) else { return }
            keys.append(whole)
            // Free text: also each token that could name something (a login, an ARN, an address, an id).
            guard bytes.count > 3, bytes.contains(where: isSeparator) else { return }
            var start = 0
            for i in 0...bytes.count {
                if i == bytes.count || isSeparator(bytes[i]) {
                    if i - start >= 3, let k = key(of: bytes[start..<i], &scratch) { keys.append(k) }
                    start = i + 1
                }
            }
        }
    }

    /// The keyed hash of the normalized text: lower-cased ASCII, without surrounding white space, quotes
    /// or sentence punctuation; nil when nothing is left.
    static func key(of slice: Slice<UnsafeBufferPointer<UInt8>>, _ scratch: inout [UInt8]) -> Int? {
        var lower = slice.startIndex
        var upper = slice.endIndex
        while lower < upper, isEdge(slice[lower]) { lower += 1 }
        while upper > lower, isEdge(slice[upper - 1]) { upper -= 1 }
        guard lower < upper else { return nil }
        scratch.removeAll(keepingCapacity: true)
        for i in lower..<upper {
            let b = slice[i]
            scratch.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
        }
        var hasher = Hasher()
        scratch.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

    @inline(__always)
    private static func isEdge(_ b: UInt8) -> Bool {
        switch b {
        case 0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x60, 0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x28, 0x29, 0x5B, 0x5D, 0x3C,
            0x3E,
            0x7B, 0x7D:
            true  // space tab LF CR " ' ` . , ; : ! ? ( ) [ ] < > { }
        default: false
        }
    }

    @inline(__always)
    private static func isSeparator(_ b: UInt8) -> Bool {
        switch b {
        case 0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x3B, 0x22, 0x27, 0x60, 0x28, 0x29, 0x5B, 0x5D, 0x3C, 0x3E, 0x7B, 0x7D, 0x7C,
            0x3D:
            true  // space tab LF CR , ; " ' ` ( ) [ ] < > { } | =
        default: false
        }
    }
}
