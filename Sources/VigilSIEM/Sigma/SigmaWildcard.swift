/// Sigma's wildcard strings: `*` matches any run, `?` one character, and `\` escapes either (or itself).
struct SigmaWildcard: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case literal([UInt8])
        case any  // *
        case one  // ?
    }

    let pieces: [Piece]

    /// Whether matching folds ASCII letters (Sigma's default; like SQL `LOWER()`, non-ASCII letters
    /// compare exactly).
    let foldsCase: Bool

    /// Parses `text`; with `caseSensitive` false, literals are lower-cased and values folded as they are
    /// read. `leadingAny`/`trailingAny` add `*` around the parsed pattern (`contains`, `startswith`,
    /// `endswith`), so a value ending in a backslash keeps it literal.
    init(_ text: String, caseSensitive: Bool, leadingAny: Bool = false, trailingAny: Bool = false) {
        self.init(parsing: text, caseSensitive: caseSensitive)
        self = SigmaWildcard(pieces: Self.surround(pieces, leadingAny, trailingAny), foldsCase: foldsCase)
    }

    /// Text taken literally (no wildcards), compared case-sensitively: base64 forms.
    init(literal text: String, leadingAny: Bool, trailingAny: Bool) {
        self.init(pieces: Self.surround([.literal(Array(text.utf8))], leadingAny, trailingAny), foldsCase: false)
    }

    private init(pieces: [Piece], foldsCase: Bool) {
        self.pieces = pieces
        self.foldsCase = foldsCase
    }

    private static func surround(_ pieces: [Piece], _ leading: Bool, _ trailing: Bool) -> [Piece] {
        var result = pieces
        if leading && result.first != .any { result.insert(.any, at: 0) }
        if trailing && result.last != .any { result.append(.any) }
        return result
    }

    private init(parsing text: String, caseSensitive: Bool) {
        foldsCase = !caseSensitive
        var pieces: [Piece] = []
        var literal = ""
        var escaping = false
        func flush() {
            if !literal.isEmpty {
                pieces.append(.literal(caseSensitive ? Array(literal.utf8) : Self.asciiLowercased(literal)))
                literal = ""
            }
        }
        for character in text {
            if escaping {
                if character != "*" && character != "?" && character != "\\" { literal.append("\\") }
                literal.append(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "*" {
                flush()
                if pieces.last != .any { pieces.append(.any) }
            } else if character == "?" {
                flush()
                pieces.append(.one)
            } else {
                literal.append(character)
            }
        }
        if escaping { literal.append("\\") }
        flush()
        self.pieces = pieces
    }

    /// The plain text if the pattern has no wildcard at all.
    var plainText: [UInt8]? {
        if pieces.isEmpty { return [] }
        if pieces.count == 1, case .literal(let bytes) = pieces[0] { return bytes }
        return nil
    }

    static func asciiLowercased(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    @inline(__always)
    static func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// Whether `value` matches the whole pattern.
    func matches(_ value: [UInt8]) -> Bool {
        value.withUnsafeBufferPointer { matches($0) }
    }

    /// Whether the UTF-8 bytes match the whole pattern (folding ASCII case unless the pattern is cased).
    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        // The shapes `contains`, `startswith` and `endswith` produce: a direct search.
        switch pieces.count {
        case 2:
            if case .literal(let bytes) = pieces[0], pieces[1] == .any {
                return bytes.count <= value.count && Self.equal(bytes, value, at: 0, folding: foldsCase)
            }
            if pieces[0] == .any, case .literal(let bytes) = pieces[1] {
                return bytes.count <= value.count
                    && Self.equal(bytes, value, at: value.count - bytes.count, folding: foldsCase)
            }
        case 3:
            if pieces[0] == .any, pieces[2] == .any, case .literal(let bytes) = pieces[1] {
                return Self.contains(bytes, in: value, folding: foldsCase)
            }
        default:
            break
        }
        // Iterative glob matching with single-star backtracking; `?` consumes one UTF-8 character.
        var p = 0
        var v = 0
        var starPiece = -1
        var starValue = 0
        while v < value.count || p < pieces.count {
            if p < pieces.count {
                switch pieces[p] {
                case .any:
                    starPiece = p
                    starValue = v
                    p += 1
                    continue
                case .one:
                    if v < value.count {
                        v += Self.characterLength(value, at: v)
                        p += 1
                        continue
                    }
                case .literal(let bytes):
                    if v + bytes.count <= value.count && Self.equal(bytes, value, at: v, folding: foldsCase) {
                        v += bytes.count
                        p += 1
                        continue
                    }
                }
            }
            guard starPiece >= 0, starValue < value.count else { return false }
            starValue += Self.characterLength(value, at: starValue)
            v = starValue
            p = starPiece + 1
        }
        return true
    }

    /// Whether `value[at...]` starts with `literal` (already folded when `folding`).
    @inline(__always)
    static func equal(_ literal: [UInt8], _ value: UnsafeBufferPointer<UInt8>, at start: Int, folding: Bool) -> Bool {
        var i = 0
        if folding {
            while i < literal.count {
                if fold(value[start + i]) != literal[i] { return false }
                i += 1
            }
        } else {
            while i < literal.count {
                if value[start + i] != literal[i] { return false }
                i += 1
            }
        }
        return true
    }

    /// Whether `literal` (already folded when `folding`) occurs anywhere in `value`.
    static func contains(_ literal: [UInt8], in value: UnsafeBufferPointer<UInt8>, folding: Bool) -> Bool {
        guard let first = literal.first else { return true }
        guard literal.count <= value.count else { return false }
        let last = value.count - literal.count
        var i = 0
        while i <= last {
            let byte = folding ? fold(value[i]) : value[i]
            if byte == first && equal(literal, value, at: i, folding: folding) { return true }
            i += 1
        }
        return false
    }

    private static func characterLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return min(length, bytes.count - index)
    }

    /// Condition identifier patterns (`filter_main_*`), which are case-sensitive and only use `*`.
    static func matchesIdentifier(_ pattern: String, _ identifier: String) -> Bool {
        SigmaWildcard(pattern, caseSensitive: true).matches(Array(identifier.utf8))
    }
}
