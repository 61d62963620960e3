import Synchronization
import VigilCore

/// A model that reads what a text means: a sequence classifier trained on prompt injections, served where the
/// Guard can reach it (`TEIIntentModel` speaks the `/predict` route of Hugging Face's text-embeddings-inference).
public protocol IntentModel: Sendable {
    /// Where the model is, for findings and the audit log.
    var endpoint: String { get }
    /// Per text, the probability that it is an injection, in the order given. Throws when the model cannot answer.
    func injectionProbabilities(_ texts: [String]) async throws -> [Double]
}

/// The second reading of what reaches a model: after the scanner, the strings of a tool result that read as
/// prose go to an `IntentModel`; one it scores at or above `threshold` makes the result an injection, with an
/// `intent-model` finding that names its path. The scanner's own verdict is never lowered.
///
/// A model that cannot answer (down, slow, refusing, answering nonsense) leaves an `intent-model-unavailable`
/// finding, and by default (`onFailure: .quarantine`) the result is quarantined: an alert is not closed without
/// a human on a result that the configured second reader did not read.
public struct IntentReview: Sendable {
    public enum FailureMode: String, Sendable, Hashable, CaseIterable {
        /// Quarantine the result: the alert is not closed automatically.
        case quarantine
        /// Keep the scanner's verdict alone.
        case pass
    }

    public struct Settings: Sendable, Hashable {
        /// A text the model scores at or above this is an injection.
        public var threshold: Double
        /// Shorter strings are not sent (identifiers, enum values and timestamps say nothing to a classifier).
        public var minCharacters: Int
        /// A longer string is read in overlapping pieces of this many characters: a classifier reads 256 to 512
        /// tokens (Vigil's own, 256) and would not see the end of a long page.
        public var chunkCharacters: Int
        /// The most pieces read per result. Beyond it, pieces from strings the scanner found something in come
        /// first, then the longest; the finding `intent-model-partial` says how many were left unread.
        public var maxTexts: Int
        public var onFailure: FailureMode
        /// After a failure, the model is not asked again for this long: every result in between is treated as one
        /// the model could not read, at once, instead of each waiting out the timeout and the retries.
        public var cooldownSeconds: Double

        public init(
            threshold: Double = 0.9, minCharacters: Int = 24, chunkCharacters: Int = 1000, maxTexts: Int = 64,
            onFailure: FailureMode = .quarantine, cooldownSeconds: Double = 30
        ) {
            self.cooldownSeconds = cooldownSeconds
            self.threshold = threshold
            self.minCharacters = minCharacters
            self.chunkCharacters = chunkCharacters
            self.maxTexts = maxTexts
            self.onFailure = onFailure
        }

        /// Characters two neighbouring pieces of a long string share, so that no sentence is only ever cut.
        var overlap: Int { min(200, chunkCharacters / 4) }
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

    /// The last failure, while the cooldown after it lasts.
    private final class Breaker: Sendable {
        let last = Mutex<(at: ContinuousClock.Instant, message: String)?>(nil)
    }

    /// Reads `content` with the model and adds what it finds to the scanner's `verdict`.
    public func review(_ content: JSONValue, verdict: ScanVerdict) async -> ScanVerdict {
        let (texts, unread) = self.texts(of: content, priority: Set(verdict.findings.map(\.path)))
        var verdict = verdict
        if unread > 0 {
            verdict.findings.append(
                ScanFinding(
                    feature: "intent-model-partial", path: "$",
                    excerpt: "\(unread) of \(unread + texts.count) pieces left unread (guard.intent_model.max_texts)",
                    weight: 0))
        }
        guard !texts.isEmpty else { return verdict }
        let now = ContinuousClock.now
        let cooling = breaker.last.withLock { last -> String? in
            guard let failure = last, now - failure.at < .milliseconds(Int64(settings.cooldownSeconds * 1000)) else {
                return nil
            }
            let ago = Double((now - failure.at).components.seconds)
            return "not asked: it failed \(Int(ago)) s ago (\(failure.message))"
        }
        if let cooling { return unavailable(verdict, cooling) }
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
            // A call cancelled by its investigation says nothing about the model.
            if settings.cooldownSeconds > 0, !Task.isCancelled, !(error is CancellationError) {
                breaker.last.withLock { $0 = (ContinuousClock.now, message) }
            }
            return unavailable(verdict, message)
        }
        breaker.last.withLock { $0 = nil }
        guard let strongest = probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }),
            probabilities[strongest] >= settings.threshold
        else { return verdict }
        let p = probabilities[strongest]
        verdict.findings.insert(
            ScanFinding(
                feature: "intent-model", path: texts[strongest].path, excerpt: Self.excerpt(texts[strongest].text),
                weight: p), at: 0)
        verdict.findings.sort { $0.weight > $1.weight }
        verdict.score = 1 - (1 - verdict.score) * (1 - p)
        verdict.injection = true
        return verdict
    }

    /// `verdict` with the model's failure noted, and quarantined unless `onFailure` is `pass`.
    private func unavailable(_ verdict: ScanVerdict, _ message: String) -> ScanVerdict {
        var verdict = verdict
        verdict.findings.append(
            ScanFinding(feature: "intent-model-unavailable", path: "$", excerpt: message, weight: 0))
        if settings.onFailure == .quarantine { verdict.injection = true }
        return verdict
    }

    /// The pieces of `content` the model reads, and how many more there were than `maxTexts`. Strings are walked as
    /// the scanner walks them (JSON held in a string is opened); those shorter than `minCharacters` or without
    /// three words are left out, a string met twice is read once, and a long one is read in overlapping pieces.
    /// Past `maxTexts`, pieces of strings at a path in `priority` come first, then the longest.
    public func texts(of content: JSONValue, priority: Set<String> = []) -> (texts: [Text], unread: Int) {
        var strings: [(path: String, text: String)] = []
        var seen: Set<String> = []
        var path: [InjectionScanner.PathStep] = []
        collect(content, &path, depth: 0) { path, text in
            guard seen.insert(text).inserted else { return }
            strings.append((path, text))
        }
        var pieces: [(text: Text, preferred: Bool, order: Int)] = []
        for (path, text) in strings {
            for piece in chunks(text) {
                pieces.append((Text(path: path, text: piece), priority.contains(path), pieces.count))
            }
        }
        guard pieces.count > settings.maxTexts else { return (pieces.map(\.text), 0) }
        let kept = pieces.sorted {
            if $0.preferred != $1.preferred { return $0.preferred }
            if $0.text.text.count != $1.text.text.count { return $0.text.text.count > $1.text.text.count }
            return $0.order < $1.order
        }.prefix(settings.maxTexts).sorted { $0.order < $1.order }
        return (kept.map(\.text), pieces.count - kept.count)
    }

    private func collect(
        _ value: JSONValue, _ path: inout [InjectionScanner.PathStep], depth: Int, _ add: (String, String) -> Void
    ) {
        switch value {
        case .string(let s):
            if depth < 2, s.utf8.count > 20, let first = s.utf8.first(where: { $0 != 0x20 }),
                first == 0x7B || first == 0x5B, let inner = try? JSONParser.parse(s),
                InjectionScanner.isContainer(inner)
            {
                collect(inner, &path, depth: depth + 1, add)
            } else if isProse(s) {
                add(InjectionScanner.render(path), s)
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
                collect(item, &path, depth: depth, add)
                path.removeLast()
            }
        default:
            break
        }
    }

    /// At least `minCharacters` characters and three words with a letter in each.
    private func isProse(_ s: String) -> Bool {
        guard s.utf8.count >= settings.minCharacters, s.count >= settings.minCharacters else { return false }
        var words = 0
        for word in s.split(whereSeparator: \.isWhitespace) where word.contains(where: \.isLetter) {
            words += 1
            if words >= 3 { return true }
        }
        return false
    }

    /// `text` in pieces of `chunkCharacters` characters that overlap by `overlap`, each cut at a space near its end
    /// when there is one.
    private func chunks(_ text: String) -> [String] {
        let size = max(1, settings.chunkCharacters)
        guard text.count > size else { return [text] }
        var pieces: [String] = []
        var start = text.startIndex
        while start < text.endIndex {
            var end = text.index(start, offsetBy: size, limitedBy: text.endIndex) ?? text.endIndex
            if end < text.endIndex,
                let space = text[text.index(end, offsetBy: -min(settings.overlap, size / 2))..<end].lastIndex(
                    where: \.isWhitespace)
            {
                end = space
            }
            pieces.append(String(text[start..<end]))
            guard end < text.endIndex else { break }
            // Step back by the overlap, but always forward from the last piece's start.
            let back = text.index(end, offsetBy: -settings.overlap, limitedBy: start) ?? start
            start = back > start ? back : end
        }
        return pieces
    }

    /// The first 80 characters of `text`, invisible and reordering characters named.
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

/// A model answer the Guard cannot use.
public struct IntentModelError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
