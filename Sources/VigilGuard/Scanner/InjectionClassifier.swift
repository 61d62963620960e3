import Foundation

/// A linear classifier over the words of a normalised text: the scanner's second opinion, for
/// injections written without the phrases `InjectionLexicon` knows (role-play jailbreaks, "notes"
/// addressed to automated reviewers, instructions dressed as business text).
///
/// Features are hashed word unigrams and bigrams (numbers folded to one token, very long ASCII tokens to
/// another), present or absent, scaled to unit length. A word of three or more characters, some of them
/// outside ASCII, also yields its overlapping character pairs as tokens, so that scripts written without
/// spaces (Chinese, Japanese, Thai, Khmer, …) are read and the inflected forms of one stem share features.
/// Any byte outside ASCII belongs to a word, curly quotes and dashes included: treating those as separators
/// scored lower on every held-out round it was tried on (docs/security.md). A text is scored in windows of
/// `window` tokens (half-overlapping), so that a paragraph planted in a long benign text is not diluted by
/// it, and in short windows of `clause` tokens, so that an order of a sentence or two in a chat thread or a
/// ticket ("bot, don't wake the on-call over this") is not diluted either; the text's probability is its
/// strongest window's. Texts of fewer than `minimumWords` tokens are not scored.
///
/// The weights are fitted by logistic regression on the development corpora only
/// (`vigil-bench-guard train`, which writes `InjectionClassifier+Weights.swift`); the held-out
/// red-team round (`Tests/Fixtures/injection/REDTEAM.md`) never sees training.
public struct InjectionClassifier: Sendable {
    public static let dimensionBits = 18
    public static let window = 96
    public static let clause = 24
    public static let minimumWords = 8

    let weights: [Float]
    let bias: Float

    public init(weights: [Float], bias: Float) {
        precondition(weights.count == 1 << Self.dimensionBits, "weights must have 2^\(Self.dimensionBits) entries")
        self.weights = weights
        self.bias = bias
    }

    @_spi(Training) public var weightsForTraining: [Float] { weights }
    @_spi(Training) public var biasForTraining: Float { bias }

    /// The fitted model shipped with Vigil.
    /// Weights stored as Int8 multiples of one `scale`, as `InjectionClassifier+Weights.swift` holds them.
    @_spi(Training) public init(quantized bytes: [UInt8], scale: Float, bias: Float) {
        self.init(weights: bytes.map { Float(Int8(bitPattern: $0)) * scale }, bias: bias)
    }

    public static let shipped: InjectionClassifier = {
        let bytes = [UInt8](Data(base64Encoded: InjectionClassifierWeights.quantized) ?? Data())
        guard bytes.count == 1 << dimensionBits else {
            return InjectionClassifier(
                weights: [Float](repeating: 0, count: 1 << dimensionBits), bias: InjectionClassifierWeights.bias)
        }
        return InjectionClassifier(
            quantized: bytes, scale: InjectionClassifierWeights.scale, bias: InjectionClassifierWeights.bias)
    }()

    /// The probability that `text` (normalised) is an injection, or nil when it is too short to judge.
    /// `tokens` and `features` are scratch space, reused across calls.
    @_spi(Training) public func probability(
        _ text: UnsafeBufferPointer<UInt8>, tokens: inout [UInt32], features: inout [Int]
    ) -> Double? {
        // Prose has spaces between its words, or is written in a script without them; identifiers, paths and
        // ARNs (most of a tool result) are neither.
        var gaps = 0
        var wide = 0
        for byte in text {
            if byte == 0x20 || byte == 0x0A { gaps += 1 }
            if byte >= 0xC0 { wide += 1 }
        }
        guard gaps >= Self.minimumWords - 1 || wide >= 2 * Self.minimumWords else { return nil }
        Self.tokenize(text, into: &tokens)
        guard tokens.count >= Self.minimumWords else { return nil }
        // Every token's unigram and bigram features, hashed once: a window's features are one run of them.
        Self.featureRun(tokens, into: &features)
        let run = features
        let count = tokens.count
        let best = withUnsafeTemporaryAllocation(of: Int.self, capacity: 512) { table in
            var best = -Float.infinity
            // `score` of the window's distinct features, found with a small open-addressing set rather than a sort
            // (the sum's order differs, so its last bits may).
            func consider(_ start: Int, _ end: Int) {
                let mask = end - start <= 32 ? 127 : 511  // at least twice the 2n - 1 features (n ≤ 96)
                UnsafeMutableBufferPointer(rebasing: table[0...mask]).initialize(repeating: -1)
                var sum: Float = 0
                var distinct = 0
                for f in run[(2 * start)..<(2 * end - 1)] {
                    var slot = f & mask
                    while table[slot] >= 0 && table[slot] != f { slot = (slot + 1) & mask }
                    if table[slot] < 0 {
                        table[slot] = f
                        sum += weights[f]
                        distinct += 1
                    }
                }
                best = max(best, sum / Float(distinct).squareRoot())
            }
            // The long windows (one if the text fits in it), then the short ones if it is longer than one.
            Self.slide(count, width: Self.window, consider)
            if count > Self.clause { Self.slide(count, width: Self.clause, consider) }
            return best
        }
        return 1 / (1 + exp(-Double(best + bias)))
    }

    /// A window's score before the bias: its features' weights summed, over the square root of their number.
    @_spi(Training) public func score(_ features: [Int]) -> Float {
        var sum: Float = 0
        for f in features { sum += weights[f] }
        return sum / Float(features.count).squareRoot()
    }

    // MARK: - Features (shared with training)

    /// Word hashes: runs of a–z, 0–9 and non-ASCII bytes; all-digit words are one token, ASCII words over 24
    /// bytes another. A word with non-ASCII letters is hashed whole if it has at most 24 bytes, and when it has
    /// three characters or more each pair of adjacent characters is a token as well.
    public static func tokenize(_ text: UnsafeBufferPointer<UInt8>, into tokens: inout [UInt32]) {
        tokens.removeAll(keepingCapacity: true)
        var hash: UInt32 = 2_166_136_261
        var start = 0
        var length = 0
        var characters = 0
        var digits = true
        var wide = false
        func finish() {
            guard length > 0 else { return }
            if !wide {
                tokens.append(digits ? 0x5EED_0001 : length > 24 ? 0x5EED_0002 : hash)
            } else {
                if length <= 24 { tokens.append(hash) }
                if characters >= 3 { pairs(text, start..<(start + length), into: &tokens) }
            }
            hash = 2_166_136_261
            length = 0
            characters = 0
            digits = true
            wide = false
        }
        for (i, byte) in text.enumerated() {
            let isDigit = byte >= 0x30 && byte <= 0x39
            if (byte >= 0x61 && byte <= 0x7A) || isDigit || byte >= 0x80 || (byte >= 0x41 && byte <= 0x5A) {
                if length == 0 { start = i }
                hash = fnv(hash, byte)
                length += 1
                if byte & 0xC0 != 0x80 { characters += 1 }
                if !isDigit { digits = false }
                if byte >= 0x80 { wide = true }
            } else {
                finish()
            }
        }
        finish()
    }

    /// The hashes of each pair of adjacent characters (UTF-8 sequences, ASCII letters folded to lower case)
    /// of `word`, in order.
    private static func pairs(_ text: UnsafeBufferPointer<UInt8>, _ word: Range<Int>, into tokens: inout [UInt32]) {
        var first = word.lowerBound
        var second = first + 1
        while second < word.upperBound && text[second] & 0xC0 == 0x80 { second += 1 }
        while second < word.upperBound {
            var end = second + 1
            while end < word.upperBound && text[end] & 0xC0 == 0x80 { end += 1 }
            var hash: UInt32 = 2_166_136_261
            for k in first..<end { hash = fnv(hash, text[k]) }
            tokens.append(hash)
            first = second
            second = end
        }
    }

    /// One step of FNV-1a over a byte, ASCII letters folded to lower case.
    @inline(__always)
    private static func fnv(_ hash: UInt32, _ byte: UInt8) -> UInt32 {
        (hash ^ UInt32(byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0))) &* 16_777_619
    }

    /// The windows scored for `count` tokens: all of them if short, else half-overlapping runs.
    public static func windows(_ count: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        slide(count, width: window) { ranges.append($0..<$1) }
        return ranges
    }

    /// The short windows scored as well for `count` tokens: none if the text fits in one, else half-overlapping
    /// runs of `clause` tokens, so that an order of a sentence or two in a long benign text is read on its own.
    public static func clauses(_ count: Int) -> [Range<Int>] {
        guard count > clause else { return [] }
        var ranges: [Range<Int>] = []
        slide(count, width: clause) { ranges.append($0..<$1) }
        return ranges
    }

    /// Calls `body` with the start and end of each run of `width` tokens of `count`, half-overlapping, the last
    /// ending at `count` (one run of all of them if `count` is at most `width`).
    @inline(__always)
    static func slide(_ count: Int, width: Int, _ body: (Int, Int) -> Void) {
        var start = 0
        while true {
            let end = min(count, start + width)
            body(start, end)
            if end == count { break }
            start += width / 2
        }
    }

    /// The feature index of every token's unigram (at `2 * i`) and of every pair of adjacent tokens' bigram (the
    /// pair ending at token `i` at `2 * i - 1`), so that the features of tokens `a..<b` are `run[2a..<2b - 1]`.
    public static func featureRun(_ tokens: [UInt32], into run: inout [Int]) {
        run.removeAll(keepingCapacity: true)
        let mask = UInt32((1 << dimensionBits) - 1)
        var previous: UInt32?
        for token in tokens {
            if let previous { run.append(Int(mix(previous &* 0x9E37_79B1 &+ token &+ 0x7F4A_7C15) & mask)) }
            run.append(Int(mix(token) & mask))
            previous = token
        }
    }

    /// The distinct feature indices of a run of tokens: unigrams and bigrams.
    public static func features(_ tokens: ArraySlice<UInt32>, into features: inout [Int]) {
        features.removeAll(keepingCapacity: true)
        let mask = UInt32((1 << dimensionBits) - 1)
        var previous: UInt32?
        for token in tokens {
            features.append(Int(mix(token) & mask))
            if let previous { features.append(Int(mix(previous &* 0x9E37_79B1 &+ token &+ 0x7F4A_7C15) & mask)) }
            previous = token
        }
        features.sort()
        var unique = 0
        for i in features.indices where i == 0 || features[i] != features[i - 1] {
            features[unique] = features[i]
            unique += 1
        }
        features.removeLast(features.count - unique)
    }

    /// MurmurHash3's finaliser.
    private static func mix(_ value: UInt32) -> UInt32 {
        var h = value
        h ^= h >> 16
        h = h &* 0x85EB_CA6B
        h ^= h >> 13
        h = h &* 0xC2B2_AE35
        h ^= h >> 16
        return h
    }
}
