import VigilCore

/// Scans tool results for prompt injection before any model reads them.
///
/// Every string of the JSON (keys too) is normalised (`TextNormalizer`), searched for the cues of
/// `InjectionLexicon` in one pass, and searched again after decoding any base64, percent-encoding
/// or HTML entities it embeds, and any ASCII hidden in tag characters. Cues combine into features
/// with weights (an override verb followed by an instruction object, a role marker, words addressed
/// to an AI together with a directive, …); the verdict's score is the noisy-OR of the strongest
/// weight of each feature, and a score at or above `threshold` is an injection.
public struct InjectionScanner: Sendable {
    public var threshold: Double
    private let matcher: PhraseMatcher
    private let cues: [Cue]

    public init(threshold: Double = 0.5) {
        self.threshold = threshold
        let entries = InjectionLexicon.entries
        matcher = PhraseMatcher(phrases: entries.map { Array($0.phrase.utf8) }, wordBounded: entries.map(\.wordBounded))
        cues = entries.map(\.cue)
    }

    /// Scans every string in `value`.
    public func scan(_ value: JSONValue) -> ScanVerdict {
        var work = Workspace()
        var path: [PathStep] = []
        visit(value, &path, &work)
        return verdict(work)
    }

    /// Scans one text.
    public func scan(text: String) -> ScanVerdict {
        var work = Workspace()
        var text = text
        text.withUTF8 { bytes in scanLeaf(bytes, path: { "$" }, prefix: "", depth: 0, &work) }
        return verdict(work)
    }

    // MARK: - Walking the JSON

    private enum PathStep {
        case key(String)
        case index(Int)
    }

    private func visit(_ value: JSONValue, _ path: inout [PathStep], _ work: inout Workspace) {
        switch value {
        case .string(let s):
            scanString(s, path, &work)
        case .array(let items):
            for (i, item) in items.enumerated() {
                path.append(.index(i))
                visit(item, &path, &work)
                path.removeLast()
            }
        case .object(let object):
            for (key, item) in object {
                path.append(.key(key))
                if key.utf8.count > 12 { scanString(key, path, &work) }
                visit(item, &path, &work)
                path.removeLast()
            }
        default:
            break
        }
    }

    private func scanString(_ s: String, _ path: [PathStep], _ work: inout Workspace) {
        guard s.utf8.count >= 4 else { return }
        var s = s
        s.withUTF8 { bytes in scanLeaf(bytes, path: { Self.render(path) }, prefix: "", depth: 0, &work) }
    }

    private static func render(_ path: [PathStep]) -> String {
        var text = "$"
        for step in path {
            switch step {
            case .key(let k):
                if k.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                    text += "." + k
                } else {
                    text += "[\"\(k)\"]"
                }
            case .index(let i): text += "[\(i)]"
            }
        }
        return text
    }

    // MARK: - One string

    private struct Workspace {
        var normalized = NormalizedText()
        var matches: [PhraseMatcher.Match] = []
        /// The strongest finding per feature across the input.
        var best: [String: ScanFinding] = [:]
        var order: [String] = []

        mutating func add(_ finding: ScanFinding) {
            if let existing = best[finding.feature] {
                if finding.weight > existing.weight { best[finding.feature] = finding }
            } else {
                best[finding.feature] = finding
                order.append(finding.feature)
            }
        }
    }

    private func scanLeaf(
        _ bytes: UnsafeBufferPointer<UInt8>, path: () -> String, prefix: String, depth: Int, _ work: inout Workspace
    ) {
        TextNormalizer.normalize(bytes, into: &work.normalized)
        var normalized = work.normalized
        work.matches.removeAll(keepingCapacity: true)
        normalized.bytes.withUnsafeBufferPointer { text in
            matcher.matches(in: text) { work.matches.append($0) }
        }
        var features: [(String, Double, Int, Int)] = []  // feature, weight, start, end
        score(normalized, work.matches, into: &features)

        if !features.isEmpty {
            let location = path()
            for (feature, weight, start, end) in features {
                let excerpt = Self.excerpt(normalized.bytes, start, end)
                work.add(ScanFinding(feature: prefix + feature, path: location, excerpt: excerpt, weight: weight))
            }
        }
        guard depth < 2 else { return }
        // Hidden ASCII (tag characters, variation selectors): a finding in itself, and scanned as text.
        if normalized.hidden.count >= 4 {
            let hidden = normalized.hidden
            work.add(
                ScanFinding(
                    feature: prefix + "hidden-text", path: path(),
                    excerpt: String(decoding: hidden.prefix(80), as: UTF8.self),
                    weight: 0.6))
            hidden.withUnsafeBufferPointer {
                scanLeaf($0, path: path, prefix: prefix + "tags:", depth: depth + 1, &work)
            }
        }
        // Encoded runs.
        for (encoding, decoded) in EmbeddedDecoder.decode(bytes) {
            decoded.withUnsafeBufferPointer {
                scanLeaf($0, path: path, prefix: prefix + encoding.rawValue + ":", depth: depth + 1, &work)
            }
        }
        normalized.reset()
        work.normalized = normalized
    }

    /// Turns one text's cues into weighted features.
    private func score(
        _ text: NormalizedText, _ matches: [PhraseMatcher.Match], into features: inout [(String, Double, Int, Int)]
    ) {
        guard !matches.isEmpty || text.hasTricks else { return }
        var firstOf = [PhraseMatcher.Match?](repeating: nil, count: Cue.allCases.count)
        var distinct = [Set<Int>](repeating: [], count: Cue.allCases.count)
        var verbs: [PhraseMatcher.Match] = []
        var objects: [(PhraseMatcher.Match, Bool)] = []
        var roleLines: [PhraseMatcher.Match] = []
        var markdownImage: (Int, Int)?
        text.bytes.withUnsafeBufferPointer { bytes in
            for m in matches {
                let cue = cues[m.phrase]
                switch cue {
                case .overrideVerb: verbs.append(m)
                case .overrideObject: objects.append((m, true))
                case .overrideObjectWeak: objects.append((m, false))
                case .roleLine:
                    // Only at the start of the text or of a line.
                    var k = m.start - 1
                    while k >= 0 && bytes[k] == 0x20 { k -= 1 }
                    if k < 0 || bytes[k] == 0x0A { roleLines.append(m) }
                    continue
                case .exfiltration where bytes[m.start] == 0x21:  // "![" … "](http"
                    if markdownImage == nil, Self.hasLink(bytes, from: m.end) {
                        markdownImage = (m.start, min(bytes.count, m.end + 60))
                    }
                    continue
                default: break
                }
                if firstOf[cue.rawValue] == nil { firstOf[cue.rawValue] = m }
                distinct[cue.rawValue].insert(m.phrase)
            }
        }
        let discussed = firstOf[Cue.discussion.rawValue] != nil
        let damp = discussed ? 0.5 : 1.0

        // An override: a verb, then (within a few words) what to override.
        var override: (Double, Int, Int)?
        for verb in verbs {
            for (object, strong) in objects where object.start >= verb.end && object.start - verb.end <= 40 {
                let weight = (strong ? 0.9 : 0.45) * damp
                if override == nil || weight > override!.0 { override = (weight, verb.start, object.end) }
            }
        }
        if let override { features.append(("override", override.0, override.1, override.2)) }

        func add(_ feature: String, _ cue: Cue, _ weight: Double) {
            if let m = firstOf[cue.rawValue] { features.append((feature, weight, m.start, m.end)) }
        }
        let count = { (cue: Cue) in distinct[cue.rawValue].count }
        let directives = count(.directive)
        let addressed = count(.aiAddress) > 0
        let steering = count(.verdictSteering) > 0
        let secrecy = count(.secrecy) > 0

        add("role-marker", .roleMarker, 0.8)
        if let line = roleLines.first {
            features.append(("role-marker", roleLines.count >= 2 ? 0.6 : 0.35, line.start, line.end))
        }
        add("tool-syntax", .toolSyntax, 0.7)
        add("secrecy", .secrecy, 0.5)
        add("jailbreak", .jailbreak, count(.jailbreak) >= 2 ? 0.6 : 0.4)
        if directives > 0 {
            add("directive", .directive, (directives >= 3 ? 0.5 : directives == 2 ? 0.35 : 0.2) * damp)
        }
        if addressed {
            let aimed = directives > 0 || steering || secrecy || override != nil
            add("addresses-ai", .aiAddress, (aimed ? 0.5 : 0.25) * damp)
        }
        if steering { add("verdict-steering", .verdictSteering, (addressed || directives > 0 ? 0.35 : 0.15) * damp) }
        if count(.urgency) > 0 && count(.authority) > 0 && (directives > 0 || addressed || steering) {
            add("pressure", .authority, 0.3)
        }
        if let (start, end) = markdownImage { features.append(("exfiltration", 0.55, start, end)) }
        if count(.exfiltration) > 0 { add("exfiltration", .exfiltration, directives > 0 || addressed ? 0.4 : 0.15) }

        // Tricks that hide text from people but not from models.
        if text.zeroWidthInWords > 0 { features.append(("zero-width", text.zeroWidthInWords >= 3 ? 0.5 : 0.25, 0, 0)) }
        if text.mixedScriptWords > 0 {
            features.append(("mixed-script", text.mixedScriptWords >= 2 ? 0.45 : 0.2, 0, 0))
        }
        if text.styledLetters >= 4 { features.append(("styled-letters", 0.4, 0, 0)) }
        if text.bidiControls > 0 { features.append(("bidi-override", 0.2, 0, 0)) }
    }

    private static func hasLink(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Bool {
        let target: [UInt8] = Array("](http".utf8)
        let end = min(bytes.count, from + 300)
        guard end - from >= target.count else { return false }
        var i = from
        while i + target.count <= end {
            if bytes[i] == 0x5D, bytes[i..<(i + target.count)].elementsEqual(target) { return true }
            i += 1
        }
        return false
    }

    private static func excerpt(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        guard end > start else { return "" }
        let from = max(0, start)
        let to = min(bytes.count, max(end, from + 1), from + 80)
        return String(decoding: bytes[from..<to], as: UTF8.self)
    }

    private func verdict(_ work: Workspace) -> ScanVerdict {
        var clean = 1.0
        var findings: [ScanFinding] = []
        for feature in work.order {
            guard let finding = work.best[feature] else { continue }
            clean *= 1 - finding.weight
            findings.append(finding)
        }
        findings.sort { $0.weight > $1.weight }
        let score = 1 - clean
        return ScanVerdict(injection: score >= threshold, score: score, findings: findings)
    }
}
