import Foundation

/// A linear classifier over the words of a normalised text: the scanner's second opinion, for
/// injections written without the phrases `InjectionLexicon` knows (role-play jailbreaks, "notes"
/// addressed to automated reviewers, instructions dressed as business text).
///
/// Features are hashed word unigrams and bigrams (numbers folded to one token, very long ASCII tokens to
/// another), present or absent, scaled to unit length. A word of three or more characters, some of them
/// outside ASCII, also yields its overlapping character pairs as tokens, so that scripts written without
/// spaces (Chinese, Japanese, Thai, Khmer, …) are read and the inflected forms of one stem share features.
/// Every word hashed whole also yields the character n-grams (`gramLength` characters) of the word with a
/// boundary mark at each end. A window's second block of features is the n-grams of its distinct words (a word
/// is new where its unigram's feature is; a character pair hashes as a two-letter word does, so "do" after
/// "don’t" brings no n-grams), hashed into the same table, their weights summed over the square root of their
/// number, so that words the development corpora never held (another domain's nouns, a new inflection, a
/// compound) still score for the stems they share with words they did.
/// Any byte outside ASCII belongs to a word, curly quotes and dashes included: treating those as separators
/// scored lower on every held-out round it was tried on (docs/security.md). A text is scored in windows of
/// `window` tokens (half-overlapping), so that a paragraph planted in a long benign text is not diluted by
/// it, and in short windows of `clause` tokens, so that an order of a sentence or two in a chat thread or a
/// ticket ("bot, don't wake the on-call over this") is not diluted either; the text's probability is its
/// strongest window's. Texts of fewer than `minimumWords` tokens are not scored.
///
/// The weights are fitted by logistic regression on the development corpora only
/// (`vigil-bench-guard train`, which writes `InjectionClassifier+Weights.swift`); the held-out
/// red-team rounds (`Tests/Fixtures/injection/REDTEAM.md`) never see training.
public struct InjectionClassifier: Sendable {
    public static let dimensionBits = 18
    public static let window = 96
    public static let clause = 24
    public static let minimumWords = 8
    /// Characters per character n-gram, the word's boundary marks included (at most 4: an ASCII n-gram is
    /// packed into 32 bits).
    public static let gramLength = 4

    /// A text's tokens and the character n-grams of its words: scratch space, reused across texts.
    public struct Scratch {
        /// Word hashes, in order (`tokenize`).
        public var tokens: [UInt32] = []
        /// Feature indices of character n-grams: token `i`'s are `grams[gramStarts[i]..<gramStarts[i + 1]]`.
        public var grams: [Int] = []
        public var gramStarts: [Int] = []
        var run: [Int] = []
        var characters: [Int] = []
        var gramSums: [Float] = []

        public init() {}
    }

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
    @_spi(Training) public func probability(_ text: UnsafeBufferPointer<UInt8>, scratch: inout Scratch) -> Double? {
        // Prose has spaces between its words, or is written in a script without them; identifiers, paths and
        // ARNs (most of a tool result) are neither.
        var gaps = 0
        var wide = 0
        for byte in text {
            if byte == 0x20 || byte == 0x0A { gaps += 1 }
            if byte >= 0xC0 { wide += 1 }
        }
        guard gaps >= Self.minimumWords - 1 || wide >= 2 * Self.minimumWords else { return nil }
        Self.tokenize(text, into: &scratch)
        guard scratch.tokens.count >= Self.minimumWords else { return nil }
        // Every token's unigram and bigram features, hashed once: a window's features are one run of them.
        Self.featureRun(scratch.tokens, into: &scratch.run)
        let run = scratch.run
        let gramStarts = scratch.gramStarts
        let count = scratch.tokens.count
        // Each word's n-grams weigh in once per window it is in: their weights summed once per token.
        scratch.gramSums.removeAll(keepingCapacity: true)
        scratch.gramSums.reserveCapacity(count)
        for i in 0..<count {
            var sum: Float = 0
            for g in scratch.grams[gramStarts[i]..<gramStarts[i + 1]] { sum += weights[g] }
            scratch.gramSums.append(sum)
        }
        let gramSums = scratch.gramSums
        let best = withUnsafeTemporaryAllocation(of: Int.self, capacity: 512) { table in
            var best = -Float.infinity
            // The window's distinct features, found with a small open-addressing set rather than a sort (the sum's
            // order differs, so its last bits may); a word's unigram counted for the first time brings its n-grams.
            func consider(_ start: Int, _ end: Int) {
                let mask = end - start <= 32 ? 127 : 511  // at least twice the 2n - 1 features (n ≤ 96)
                UnsafeMutableBufferPointer(rebasing: table[0...mask]).initialize(repeating: -1)
                var sum: Float = 0
                var distinct = 0
                var gramSum: Float = 0
                var gramCount = 0
                for j in (2 * start)..<(2 * end - 1) {
                    let f = run[j]
                    var slot = f & mask
                    while table[slot] >= 0 && table[slot] != f { slot = (slot + 1) & mask }
                    if table[slot] < 0 {
                        table[slot] = f
                        sum += weights[f]
                        distinct += 1
                        if j & 1 == 0 {
                            gramSum += gramSums[j >> 1]
                            gramCount += gramStarts[(j >> 1) + 1] - gramStarts[j >> 1]
                        }
                    }
                }
                var score = sum / Float(distinct).squareRoot()
                if gramCount > 0 { score += gramSum / Float(gramCount).squareRoot() }
                best = max(best, score)
            }
            // The long windows (one if the text fits in it), then the short ones if it is longer than one.
            Self.slide(count, width: Self.window, consider)
            if count > Self.clause { Self.slide(count, width: Self.clause, consider) }
            return best
        }
        return 1 / (1 + exp(-Double(best + bias)))
    }

    /// A window's score before the bias: for its distinct word features and for the n-grams of its distinct
    /// words (`gramFeatures`), the weights summed over the square root of their number.
    @_spi(Training) public func score(_ features: [Int], grams: [Int]) -> Float {
        var sum: Float = 0
        for f in features { sum += weights[f] }
        var gramSum: Float = 0
        for g in grams { gramSum += weights[g] }
        return sum / Float(features.count).squareRoot()
            + (grams.isEmpty ? 0 : gramSum / Float(grams.count).squareRoot())
    }

    // MARK: - Features (shared with training)

    /// Word hashes: runs of a–z, 0–9 and non-ASCII bytes; all-digit words are one token, ASCII words over 24
    /// bytes another. A word with non-ASCII letters is hashed whole if it has at most 24 bytes, and when it has
    /// three characters or more each pair of adjacent characters is a token as well.
    public static func tokenize(_ text: UnsafeBufferPointer<UInt8>, into tokens: inout [UInt32]) {
        var scratch = Scratch()
        tokenize(text, into: &scratch)
        tokens = scratch.tokens
    }

    /// The word hashes of `tokenize(_:into:)` and, for each word hashed whole, its character n-grams
    /// (`gramLength` characters of the word marked at both ends, or the whole marked word if it is shorter),
    /// attached to the word's own token; numbers, long ASCII runs and character pairs have none.
    public static func tokenize(_ text: UnsafeBufferPointer<UInt8>, into scratch: inout Scratch) {
        scratch.tokens.removeAll(keepingCapacity: true)
        scratch.grams.removeAll(keepingCapacity: true)
        scratch.gramStarts.removeAll(keepingCapacity: true)
        // Grown once to about what the text holds (a word of n bytes has at most n - 1 n-grams, or one if
        // shorter; words and pairs take two bytes or more each, but for a few), not step by step: a scan starts
        // with empty scratch space. Reserving for the worst case of one token a byte ran slower.
        scratch.tokens.reserveCapacity(text.count / 2 + 1)
        scratch.grams.reserveCapacity(text.count)
        scratch.gramStarts.reserveCapacity(text.count / 2 + 2)
        var hash: UInt32 = 2_166_136_261
        var start = 0
        var length = 0
        var characters = 0
        var digits = true
        var wide = false
        func finish() {
            guard length > 0 else { return }
            if !wide || length <= 24 {
                scratch.tokens.append(!wide && digits ? 0x5EED_0001 : !wide && length > 24 ? 0x5EED_0002 : hash)
                scratch.gramStarts.append(scratch.grams.count)
                if !digits && length <= 24 { grams(text, start..<(start + length), ascii: !wide, &scratch) }
            }
            if wide && characters >= 3 {
                let before = scratch.tokens.count
                pairs(text, start..<(start + length), into: &scratch.tokens)
                for _ in before..<scratch.tokens.count { scratch.gramStarts.append(scratch.grams.count) }
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
        scratch.gramStarts.append(scratch.grams.count)
    }

    /// Appends the feature indices of the character n-grams of `word`, marked with a space at each end.
    private static func grams(
        _ text: UnsafeBufferPointer<UInt8>, _ word: Range<Int>, ascii: Bool, _ scratch: inout Scratch
    ) {
        assert(gramLength <= 4, "ASCII n-grams are packed into 32 bits")
        if ascii {
            // One byte per character: an n-gram is its bytes, packed (a mark is a space), the last in the low byte.
            var packed: UInt32 = 0x20
            var length = 1
            for k in word {
                packed = packed << 8 | UInt32(fold(text[k]))
                length += 1
                if length >= gramLength { scratch.grams.append(gram(packed)) }
            }
            packed = packed << 8 | 0x20
            scratch.grams.append(gram(packed))  // the last, or the whole marked word if shorter than an n-gram
            return
        }
        // Where each marked character starts: the opening mark (-1), the word's characters, the closing mark (the
        // word's end), and one past it, so that character `c` is `characters[c]..<characters[c + 1]`.
        scratch.characters.removeAll(keepingCapacity: true)
        scratch.characters.append(-1)
        for k in word where text[k] & 0xC0 != 0x80 { scratch.characters.append(k) }
        scratch.characters.append(word.upperBound)
        scratch.characters.append(word.upperBound + 1)
        let marked = scratch.characters.count - 1  // the word's characters and its two marks
        let length = min(gramLength, marked)
        for first in 0...(marked - length) {
            // An n-gram of one-byte characters is packed as in an ASCII word, so that it is the same feature there.
            var hash: UInt32 = 2_166_136_261
            var packed: UInt32 = 0
            var ascii = true
            for c in first..<(first + length) {
                if c == 0 || c == marked - 1 {
                    hash = fnv(hash, 0x20)
                    packed = packed << 8 | 0x20
                } else {
                    let bytes = scratch.characters[c]..<scratch.characters[c + 1]
                    if bytes.count > 1 { ascii = false }
                    for k in bytes { hash = fnv(hash, text[k]) }
                    packed = packed << 8 | UInt32(fold(text[bytes.lowerBound]))
                }
            }
            scratch.grams.append(gram(ascii ? packed : hash))
        }
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

    /// The feature index of an n-gram's hash.
    @inline(__always)
    private static func gram(_ hash: UInt32) -> Int {
        Int(mix(hash &* 0x2545_F491 &+ 0x6A09_E667) & UInt32((1 << dimensionBits) - 1))
    }

    /// An ASCII capital folded to lower case.
    @inline(__always)
    private static func fold(_ byte: UInt8) -> UInt8 { byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0) }

    /// One step of FNV-1a over a byte, ASCII letters folded to lower case.
    @inline(__always)
    private static func fnv(_ hash: UInt32, _ byte: UInt8) -> UInt32 {
        (hash ^ UInt32(fold(byte))) &* 16_777_619
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
        run.reserveCapacity(2 * tokens.count)
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

    /// The character n-gram features of the distinct words of the tokens `range` of a tokenised text: each
    /// word's n-grams once, the word being new when its unigram feature is (in the order of `featureRun`, where a
    /// bigram's feature may already stand for it).
    public static func gramFeatures(_ scratch: Scratch, _ range: Range<Int>, into features: inout [Int]) {
        features.removeAll(keepingCapacity: true)
        var run: [Int] = []
        featureRun(Array(scratch.tokens[range]), into: &run)
        var seen = Set<Int>()
        for (j, f) in run.enumerated() where seen.insert(f).inserted && j & 1 == 0 {
            let token = range.lowerBound + j / 2
            features.append(contentsOf: scratch.grams[scratch.gramStarts[token]..<scratch.gramStarts[token + 1]])
        }
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
