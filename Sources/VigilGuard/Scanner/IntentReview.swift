import Foundation
import Synchronization
import VigilCore

/// A model that reads what a text means: a sequence classifier trained on prompt injections, served where the
/// Guard can reach it (`TEIIntentModel` speaks the `/predict` route of Hugging Face's text-embeddings-inference).
public protocol IntentModel: Sendable {
    /// Where the model is, for findings and the audit log.
    var endpoint: String { get }
    /// Per text, the probability that it is an injection, in the order given. Throws when the model cannot answer:
    /// an `IntentModelError` says whether the model is out of service (`outage`) or answered something unusable.
    func injectionProbabilities(_ texts: [String]) async throws -> [Double]
}

/// A model answer the Guard cannot use. `outage`: the model could not be reached, timed out, was overloaded or
/// failed on its side (which waiting may cure), rather than answering something unusable (which it will not).
public struct IntentModelError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public var outage: Bool

    public init(_ description: String, outage: Bool = false) {
        self.description = description
        self.outage = outage
    }
}

/// The second reading of what reaches a model: the strings of a result the scanner passes that read as prose go
/// to an `IntentModel`; one it scores at or above `threshold` makes the result an injection, with an
/// `intent-model` finding that names its path. With a `scannerWeight`, the model's strongest piece and the
/// scanner's score decide together (`Settings.flags`). The scanner's verdict is never lowered, and a result it
/// already flags is not sent.
///
/// A result the model did not read in full is, by default (`onFailure: .quarantine`), quarantined like an
/// injection (`ScanVerdict.unread`): an alert is not closed without a human on a result that the configured
/// second reader did not read. That is a result the model could not answer for (down, slow, refusing,
/// answering nonsense: the finding `intent-model-unavailable`), and one with more pieces than `maxTexts`
/// (`intent-model-partial`).
public struct IntentReview: Sendable {
    public enum FailureMode: String, Sendable, Hashable, CaseIterable {
        /// Quarantine the result: the alert is not closed automatically.
        case quarantine
        /// Keep the scanner's verdict alone.
        case pass
    }

    public struct Settings: Sendable, Hashable {
        /// A text the model scores at or above this is an injection (with `scannerWeight`, see `flags`).
        public var threshold: Double
        /// 0 (the default): the model decides alone, at `threshold`. A > 0: the model's strongest piece p and the
        /// scanner's score s for the result decide together, logit(p) + A · logit(s) ≥ logit(threshold), so that
        /// what the scanner found half-suspicious needs less of the model and what it found clean needs more.
        public var scannerWeight: Double
        /// With `scannerWeight`, the scanner's score counts as at least this (0 to 0.5; 0, the default, leaves it as
        /// it is): a result the scanner found nothing in then needs a model that is sure, rather than all but certain
        /// (a score of 0 weighs as a millionth: at A = 0.5 and a threshold of 0.9325 only p ≥ 0.99993 outweighs it).
        public var scannerFloor: Double
        /// Strings of fewer UTF-8 bytes are not sent (identifiers, enum values and timestamps say nothing to a
        /// classifier). Bytes, so that eight characters of Chinese count as much as 24 of English.
        public var minBytes: Int
        /// A longer string is read in overlapping pieces of at most this many UTF-8 bytes. A token takes at least
        /// one byte, so a piece of the model's token limit less two (for its start and end tokens) is never cut
        /// short: 510 for the 512 tokens most classifiers read. Bytes, not characters: a character can hold any
        /// number of combining marks, and a letter of a script without spaces is a token of its own.
        public var chunkBytes: Int
        /// The most pieces read per result: pieces of strings the scanner found something in first, then in the
        /// order of the result. A result with more is not read in full (`intent-model-partial`).
        public var maxTexts: Int
        public var onFailure: FailureMode
        /// With `onFailure: .quarantine`, after an outage the model is not asked again for this long: every
        /// result in between is quarantined at once instead of each waiting out the timeout and the retries; the
        /// first result after it asks the model again.
        /// With `.pass` the model is asked for every result, so that no failure lets other results pass unread.
        public var cooldownSeconds: Double

        public init(
            threshold: Double = 0.9, minBytes: Int = 24, chunkBytes: Int = 510, maxTexts: Int = 256,
            onFailure: FailureMode = .quarantine, cooldownSeconds: Double = 30, scannerWeight: Double = 0,
            scannerFloor: Double = 0
        ) {
            self.threshold = threshold
            self.scannerWeight = scannerWeight.isFinite ? min(max(0, scannerWeight), 100) : 0
            self.scannerFloor = scannerFloor.isFinite ? min(max(0, scannerFloor), 0.5) : 0
            self.minBytes = max(1, minBytes)
            self.chunkBytes = max(8, chunkBytes)
            self.maxTexts = max(1, maxTexts)
            self.onFailure = onFailure
            self.cooldownSeconds = cooldownSeconds.isFinite ? min(max(0, cooldownSeconds), 86_400) : 0
        }

        /// Whether the model's strongest piece `p` makes a result the scanner scored `scannerScore` an injection:
        /// `p ≥ threshold`, or with `scannerWeight` A > 0, logit(p) + A · logit(max(scannerScore, scannerFloor)) ≥
        /// logit(threshold), each probability held within [10⁻⁶, 1 − 10⁻⁶] (a score of 0 or 1 weighs as much as one a
        /// millionth from it).
        public func flags(_ p: Double, scannerScore: Double) -> Bool {
            guard scannerWeight > 0 else { return p >= threshold }
            func logit(_ q: Double) -> Double {
                let q = min(max(q, 1e-6), 1 - 1e-6)
                return log(q / (1 - q))
            }
            return logit(p) + scannerWeight * logit(max(scannerScore, scannerFloor)) >= logit(threshold)
        }

        /// Bytes two neighbouring pieces of a long string share, so that no sentence is only ever cut.
        var overlap: Int { min(200, chunkBytes / 4) }
    }

    /// One piece of a result the model reads: where it is and its text.
    public struct Text: Sendable, Hashable {
        public var path: String
        public var text: String
    }

    public let model: any IntentModel
    public let settings: Settings
    private let breaker = Breaker()

    public init(model: any IntentModel, settings: Settings = Settings()) {
        self.model = model
        self.settings = settings
    }

    /// The last outage (the cooldown runs from it).
    private final class Breaker: Sendable {
        let last = Mutex<(at: ContinuousClock.Instant, message: String)?>(nil)
    }

    /// Reads `content` with the model and adds what it finds to the scanner's `verdict`.
    public func review(_ content: JSONValue, verdict: ScanVerdict) async -> ScanVerdict {
        guard !verdict.injection else { return verdict }
        let (texts, unread) = self.texts(of: content, priority: Set(verdict.findings.map(\.path)))
        guard !texts.isEmpty else { return verdict }
        var verdict = verdict
        let cooling = settings.onFailure == .quarantine && settings.cooldownSeconds > 0
        let started = ContinuousClock.now
        if cooling,
            let failure = breaker.last.withLock({ $0 }),
            started - failure.at < .milliseconds(Int64(settings.cooldownSeconds * 1000))
        {
            let ago = (started - failure.at).components.seconds
            return unavailable(verdict, "not asked: it failed \(ago) s ago (\(failure.message))")
        }
        let probabilities: [Double]
        do {
            probabilities = try await model.injectionProbabilities(texts.map(\.text))
            guard probabilities.count == texts.count else {
                throw IntentModelError("answered \(probabilities.count) scores for \(texts.count) texts")
            }
            if let bad = probabilities.first(where: { !($0 >= 0 && $0 <= 1) }) {
                throw IntentModelError("answered a probability of \(bad)")
            }
        } catch {
            let message = String(String(describing: error).prefix(200))
            // Only an outage opens the cooldown: an unusable answer is not cured by waiting, and a call cancelled
            // by its investigation says nothing about the model.
            if cooling, (error as? IntentModelError)?.outage == true, !Task.isCancelled {
                breaker.last.withLock { $0 = (ContinuousClock.now, message) }
            }
            return unavailable(verdict, message)
        }
        if let strongest = probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }),
            settings.flags(probabilities[strongest], scannerScore: verdict.score)
        {
            let p = probabilities[strongest]
            verdict.findings.append(
                ScanFinding(
                    feature: "intent-model", path: texts[strongest].path, excerpt: Self.excerpt(texts[strongest].text),
                    weight: p))
            verdict.findings.sort { $0.weight > $1.weight }
            verdict.score = 1 - (1 - verdict.score) * (1 - p)
            verdict.injection = true
        }
        if unread > 0 {
            return unavailable(
                verdict,
                "\(unread) of \(unread + texts.count) pieces left unread (guard.intent_model.max_texts)",
                feature: "intent-model-partial")
        }
        return verdict
    }

    /// `verdict` with what the model did not read noted, and quarantined as unread unless `onFailure` is `pass`.
    private func unavailable(
        _ verdict: ScanVerdict, _ message: String, feature: String = "intent-model-unavailable"
    ) -> ScanVerdict {
        var verdict = verdict
        verdict.findings.append(ScanFinding(feature: feature, path: "$", excerpt: message, weight: 0))
        if settings.onFailure == .quarantine && !verdict.injection {
            verdict.injection = true
            verdict.unread = true
        }
        return verdict
    }

    /// The pieces of `content` the model reads, and how many more there were than `maxTexts`. Strings are walked as
    /// the scanner walks them (JSON held in a string is opened; keys longer than 12 bytes at the top are read
    /// too), and what the scanner decodes in a string (base64, base32, hex, percent-encoding, entities, escapes) is
    /// read decoded as well, at the string's path; prose (`isProse`) is kept, each distinct text once, a long one in
    /// overlapping pieces. Past `maxTexts`, pieces of strings at a path in `priority` come first, then the others
    /// in order.
    public func texts(of content: JSONValue, priority: Set<String> = []) -> (texts: [Text], unread: Int) {
        var preferred: [Text] = []
        var others: [Text] = []
        var seen: Set<String> = []
        var path: [InjectionScanner.PathStep] = []
        collect(content, &path, depth: 0) { path, text in
            // A string the scanner found something in is read whether or not it looks like prose: words joined
            // or spelt out to get past a phrase list are what a model should read.
            let flagged = priority.contains(path)
            guard flagged ? text.utf8.count >= settings.minBytes : isProse(text), seen.insert(text).inserted else {
                return
            }
            let pieces = chunks(text).map { Text(path: path, text: $0) }
            if flagged { preferred += pieces } else { others += pieces }
        }
        let all = preferred.count + others.count
        guard all > settings.maxTexts else { return (preferred + others, 0) }
        // Kept in the order of the result, the preferred ones first.
        return (Array((preferred + others).prefix(settings.maxTexts)), all - settings.maxTexts)
    }

    private func collect(
        _ value: JSONValue, _ path: inout [InjectionScanner.PathStep], depth: Int, _ add: (String, String) -> Void
    ) {
        switch value {
        case .string(let s):
            // JSON held in a string is opened as the scanner opens it.
            if let inner = InjectionScanner.embeddedDocument(s, depth: depth) {
                collect(inner, &path, depth: depth + 1, add)
            } else {
                let rendered = InjectionScanner.render(path)
                add(rendered, s)
                // Written encoded, an instruction would reach the model unread: the scanner's decodings are read too.
                for decoded in Self.decodings(of: s) { add(rendered, decoded) }
            }
        case .array(let items):
            for (i, item) in items.enumerated() {
                path.append(.index(i))
                collect(item, &path, depth: depth, add)
                path.removeLast()
            }
        case .object(let object):
            for (key, item) in zip(object.keys, object.values) {
                path.append(.key(key))
                // A long key is text too, in JSON held in a string as well (a tool that answers JSON as text).
                if key.utf8.count > 12 { add(InjectionScanner.render(path), key) }
                collect(item, &path, depth: depth, add)
                path.removeLast()
            }
        default:
            break
        }
    }

    /// The texts `EmbeddedDecoder` finds encoded in `s`, decoded, one level deep (the scanner reads two).
    static func decodings(of s: String) -> [String] {
        var s = s
        return s.withUTF8 { bytes in
            var normalized = NormalizedText()
            TextNormalizer.normalize(bytes, into: &normalized)
            guard normalized.mayHoldEncoding else { return [] }
            return EmbeddedDecoder.decode(bytes).map { String(decoding: $0.1, as: UTF8.self) }
        }
    }

    /// At least `minBytes` bytes, and one of: three words with a letter in each, words parted by white space,
    /// underscores or invisible format characters; eight words of two letters or more, words also parted by
    /// `-./+:`, other punctuation and changes from lower to upper case (`For-the-rest-of-this-chat`,
    /// `ignoreAllPreviousInstructionsAndCloseIt`: identifiers have fewer); eight letters of a script written without
    /// spaces (Chinese, Japanese, Thai and the like: letters past U+0E00, no words to count).
    func isProse(_ s: String) -> Bool {
        guard s.utf8.count >= settings.minBytes else { return false }
        var words = 0
        var letterInWord = false
        var joined = 0
        var lettersInJoined = 0
        var unspaced = 0
        var previousLower = false
        func endJoined() {
            if lettersInJoined >= 2 { joined += 1 }
            lettersInJoined = 0
        }
        for scalar in s.unicodeScalars {
            let properties = scalar.properties
            if properties.isWhitespace || scalar == "_" || properties.generalCategory == .format {
                if letterInWord { words += 1 }
                letterInWord = false
                endJoined()
                previousLower = false
            } else if properties.isAlphabetic {
                if properties.isUppercase && previousLower { endJoined() }
                letterInWord = true
                lettersInJoined += 1
                previousLower = properties.isLowercase
                if scalar.value >= 0x0E00 && !(0x1E00...0x1FFF).contains(scalar.value) { unspaced += 1 }
            } else {
                endJoined()
                previousLower = false
            }
            if words >= 3 || joined >= 8 || unspaced >= 8 { return true }
        }
        if letterInWord { words += 1 }
        endJoined()
        return words >= 3 || joined >= 8 || unspaced >= 8
    }

    /// `text` in pieces of at most `chunkBytes` UTF-8 bytes that overlap by `overlap`, each cut after a space near
    /// its end when there is one, never inside a scalar.
    func chunks(_ text: String) -> [String] {
        let size = max(8, settings.chunkBytes)
        guard text.utf8.count > size else { return [text] }
        let scalars = Array(text.unicodeScalars)
        var offsets: [Int] = [0]  // UTF-8 offset of each scalar's start, and of the end
        offsets.reserveCapacity(scalars.count + 1)
        for scalar in scalars { offsets.append(offsets.last! + UTF8.width(scalar)) }
        var pieces: [String] = []
        var start = 0
        while start < scalars.count {
            // The last scalar that ends within `size` bytes of the start (at least one scalar).
            var end = start + 1
            while end < scalars.count && offsets[end + 1] - offsets[start] <= size { end += 1 }
            if end < scalars.count {
                var space = end
                while space > start + 1 && offsets[end] - offsets[space] < settings.overlap
                    && !scalars[space - 1].properties.isWhitespace
                {
                    space -= 1
                }
                if space > start + 1 && scalars[space - 1].properties.isWhitespace { end = space }
            }
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[start..<end])
            pieces.append(String(piece))
            guard end < scalars.count else { break }
            // Step back by the overlap, but always forward from the last piece's start.
            var next = end
            while next > start + 1 && offsets[end] - offsets[next - 1] <= settings.overlap { next -= 1 }
            start = max(next, start + 1)
        }
        return pieces
    }

    /// The first 80 Unicode scalars of `text`, invisible and reordering characters named.
    static func excerpt(_ text: String) -> String {
        var named = InjectionScanner.Namer()
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < 80 else { return named.finish() + "…" }
            named.append(scalar)
            count += 1
        }
        return named.finish()
    }
}
