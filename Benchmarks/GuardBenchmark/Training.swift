import Foundation
import VigilCore
@_spi(Training) import VigilGuard

/// Fits `InjectionClassifier` by logistic regression on the development corpora only.
///
/// Positives are the development corpora's attack strings as planted (`*-payloads.jsonl`, written by
/// `scripts/build-injection-corpus.py`), one sample per long scoring window, and of each string longer than
/// a short window the short window a selecting model scores highest (most of a long attack is ordinary text,
/// and only its order should teach the short windows); negatives are every window, long and short, of the
/// split's benign documents and, optionally, benign prose (documentation, runbooks, rule descriptions) and lab
/// tool results. The split's injection documents are not trained on: they are what cross-validation
/// scores, with each attack string's documents and each benign family kept within one fold.
enum Training {
    struct Sample {
        /// A window's distinct word features, and its character n-grams as often as they occur (`InjectionClassifier`).
        var features: [Int]
        var grams: [Int]
        var positive: Bool
    }

    struct Document {
        var input: JSONValue
        var positive: Bool
        var group: UInt64
        var samples: [Sample]
        var source = ""
        /// An attack string's short windows (`InjectionClassifier.clauses`): the one the selecting model scores
        /// highest becomes a positive sample too.
        var clauses: [(features: [Int], grams: [Int])] = []
    }

    static func run(
        corpus: Data, payloads: Data, prose: [String], lab: [JSONValue] = [], folds: Int, output: String?,
        score: [(name: String, data: Data)] = [], selector: InjectionClassifier? = nil
    ) throws {
        // With a selector, short windows too; without, the long windows alone (`--windows-only`).
        let clauses = selector != nil
        var documents = try load(corpus, payloads: payloads, clauses: clauses)
        // Which short window of an attack string is the order? Most of a long attack is ordinary text; the
        // window the selecting model (a fit of the long windows alone) finds most like an injection is the one
        // sample of it that teaches the short windows.
        if let selector {
            var selected = 0
            for i in documents.indices where !documents[i].clauses.isEmpty {
                let scores = documents[i].clauses.map { selector.score($0.features, grams: $0.grams) }
                let best = scores.indices.max { scores[$0] < scores[$1] }!
                let clause = documents[i].clauses[best]
                documents[i].samples.append(Sample(features: clause.features, grams: clause.grams, positive: true))
                documents[i].clauses = []
                selected += 1
            }
            print(
                "\(selected) attack strings longer than \(InjectionClassifier.clause) tokens:"
                    + " their strongest short window")
        }
        let proseWindows = try proseSamples(prose, clauses: clauses)
        let labWindows = benignSamples(lab, clauses: clauses)
        let extra = proseWindows + labWindows
        if !extra.isEmpty {
            print(
                "\(proseWindows.count) benign prose windows, \(labWindows.count) of \(lab.count) lab tool results"
                    + " (training only)")
            documents.append(Document(input: .null, positive: false, group: .max, samples: extra))
        }
        let positives = documents.filter(\.positive).count
        let samples = documents.flatMap(\.samples)
        print(
            "\(documents.count) documents (\(positives) injections); \(samples.count) training windows, \(samples.filter(\.positive).count) of attack text"
        )
        if folds > 1 { crossValidate(documents, folds: folds) }
        let model = fit(samples)
        let scanner = InjectionScanner(classifier: model)
        let (detected, falsePositives) = rates(scanner, documents.filter { $0.group != .max && $0.source != "payload" })
        print(
            "fitted on all: detection \(percent(detected)) (\(detected.0)/\(detected.1)), false positives \(percent(falsePositives)) (\(falsePositives.0)/\(falsePositives.1)) — in-sample"
        )
        if let output { try write(model, to: output) }
        for (name, data) in score { try scoreHeldOut(quantized(model), name: name, corpus: data) }
    }

    /// Scores a corpus the fit has not read, with the weights as they would ship (Int8), at several classifier
    /// floors: how a recipe is judged before it is used (a fit on the rounds up to N, scored on the rounds after).
    static func scoreHeldOut(_ model: InjectionClassifier, name: String, corpus: Data) throws {
        let lexical = InjectionScanner(classifier: nil)
        var scratch = Scratch()
        // The scanner as it would ship, at its own floor, with its damping of cues in texts the classifier clears
        // (`InjectionScanner.cueGate`), which the rule of `flagged` leaves out: for comparison.
        let scanner = InjectionScanner(classifier: model)
        var shipped = (0, 0)
        var outcomes: [Outcome] = []
        for line in corpus.split(separator: 0x0A) where !line.isEmpty {
            guard case .object(let item) = try JSONParser.parse(Array(line)), let input = item["input"],
                let label = item["label"]?.stringValue
            else { continue }
            outcomes.append(outcome(of: input, positive: label == "injection", model, lexical, &scratch))
            if scanner.scan(input).injection {
                if label == "injection" { shipped.0 += 1 } else { shipped.1 += 1 }
            }
        }
        let positives = outcomes.filter(\.positive)
        let negatives = outcomes.filter { !$0.positive }
        var row = "\(name):"
        for floor in [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9] {
            let detected = positives.filter { flagged($0, floor: floor) }.count
            let wrong = negatives.filter { flagged($0, floor: floor) }.count
            row += "  ≥\(f(floor, 2)) \(percent((detected, positives.count)))/\(percent((wrong, negatives.count)))"
        }
        print(row)
        print(
            "\(name): as the scanner ships it (floor \(f(InjectionScanner.classifierFloor, 2)), most cues at a"
                + " quarter in texts under \(f(InjectionScanner.cueGate, 2))) \(percent((shipped.0, positives.count)))"
                + "/\(percent((shipped.1, negatives.count)))")
    }

    /// One scored document: its label, its cue score, and its strongest classifier probability.
    typealias Outcome = (positive: Bool, lexical: Double, classifier: Double)

    /// The classifier's scratch space, reused across documents.
    typealias Scratch = InjectionClassifier.Scratch

    static func outcome(
        of input: JSONValue, positive: Bool, _ model: InjectionClassifier, _ lexical: InjectionScanner,
        _ scratch: inout Scratch
    ) -> Outcome {
        var strongest = 0.0
        for leaf in lexical.leaves(of: input) {
            let p = leaf.text.withUnsafeBufferPointer {
                model.probability($0, scratch: &scratch)
            }
            strongest = max(strongest, p ?? 0)
        }
        return (positive, lexical.scan(input).score, strongest)
    }

    /// The scanner's rule before the damping of cues (`InjectionScanner.cueGate`): a probability at or above
    /// `floor` joins the cues' noisy-OR, which flags at 0.5. Fits are compared by it; `scoreHeldOut` also prints
    /// the scanner as it ships.
    static func flagged(_ o: Outcome, floor: Double, needsCue: Bool = false) -> Bool {
        let p = o.classifier >= floor && (!needsCue || o.lexical > 0) ? o.classifier : 0
        return 1 - (1 - o.lexical) * (1 - p) >= 0.5
    }

    /// The weights as they ship: Int8 multiples of one scale (the largest weight is 127).
    static func quantize(_ model: InjectionClassifier) -> (bytes: [UInt8], scale: Float) {
        let weights = model.weightsForTraining
        let scale = weights.reduce(Float(0)) { max($0, abs($1)) } / 127
        return (weights.map { UInt8(bitPattern: Int8(max(-127, min(127, ($0 / scale).rounded())))) }, scale)
    }

    /// The model as it ships (`quantize`), to score with.
    static func quantized(_ model: InjectionClassifier) -> InjectionClassifier {
        let (bytes, scale) = quantize(model)
        return InjectionClassifier(quantized: bytes, scale: scale, bias: model.biasForTraining)
    }

    static func fnv(_ text: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in text { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return hash
    }

    /// The windows a text of `count` tokens is trained on: the scanner's long windows and (unless `clauses` is
    /// false, `--windows-only`) its short ones.
    static func ranges(_ count: Int, clauses: Bool) -> [Range<Int>] {
        InjectionClassifier.windows(count) + (clauses ? InjectionClassifier.clauses(count) : [])
    }

    static func load(_ corpus: Data, payloads: Data, clauses withClauses: Bool) throws -> [Document] {
        let lexical = InjectionScanner(classifier: nil)
        var scratch = Scratch()
        var features: [Int] = []
        var grams: [Int] = []

        // The attack strings: their windows are the positives; a piece of each finds its documents.
        var documents: [Document] = []
        var probes: [(probe: String, group: UInt64)] = []
        for line in payloads.split(separator: 0x0A) where !line.isEmpty {
            guard case .object(let item) = try JSONParser.parse(Array(line)),
                let payload = item["payload"]?.stringValue, let group = item["group"]?.stringValue
            else { continue }
            var samples: [Sample] = []
            var clauses: [(features: [Int], grams: [Int])] = []
            for leaf in lexical.leaves(of: .string(payload)) where !leaf.encoded {
                leaf.text.withUnsafeBufferPointer { InjectionClassifier.tokenize($0, into: &scratch) }
                let count = scratch.tokens.count
                guard count >= InjectionClassifier.minimumWords else { continue }
                for range in InjectionClassifier.windows(count) {
                    window(scratch, range, &features, &grams)
                    samples.append(Sample(features: features, grams: grams, positive: true))
                }
                for range in InjectionClassifier.clauses(count) where withClauses {
                    window(scratch, range, &features, &grams)
                    clauses.append((features, grams))
                }
            }
            let normalized = String(decoding: lexical.leaves(of: .string(payload)).first?.text ?? [], as: UTF8.self)
            let middle = normalized.utf8.count / 3
            let probe = String(decoding: Array(normalized.utf8).dropFirst(middle).prefix(24), as: UTF8.self)
            if probe.utf8.count >= 12 { probes.append((probe, fnv(group.utf8))) }
            // A document of its own, never scored: it only carries the samples into the right fold.
            documents.append(
                Document(input: .null, positive: true, group: fnv(group.utf8), samples: samples, clauses: clauses))
        }
        let carriers = documents.count
        let finder = ProbeFinder(probes.map { (Array($0.probe.utf8), $0.group) })

        for line in corpus.split(separator: 0x0A) where !line.isEmpty {
            guard case .object(let item) = try JSONParser.parse(Array(line)), let input = item["input"],
                let label = item["label"]?.stringValue
            else { continue }
            let source = item["source"]?.stringValue ?? ""
            let leaves = lexical.leaves(of: input)
            if label == "injection" {
                let text = Array(leaves.map(\.text).joined(separator: [0x0A]))
                let group = finder.first(in: text) ?? fnv((item["id"]?.stringValue ?? "").utf8)
                documents.append(Document(input: input, positive: true, group: group, samples: [], source: source))
                continue
            }
            var samples: [Sample] = []
            for leaf in leaves {
                leaf.text.withUnsafeBufferPointer { InjectionClassifier.tokenize($0, into: &scratch) }
                guard scratch.tokens.count >= InjectionClassifier.minimumWords else { continue }
                for range in ranges(scratch.tokens.count, clauses: withClauses) {
                    window(scratch, range, &features, &grams)
                    samples.append(Sample(features: features, grams: grams, positive: false))
                }
            }
            // One benign family per fold: held-out folds then hold kinds of benign text the model never
            // saw, as the held-out corpus does.
            documents.append(
                Document(input: input, positive: false, group: fnv(source.utf8), samples: samples, source: source))
        }
        // The attack strings' carrier documents are bookkeeping, not documents to score.
        for i in 0..<carriers { documents[i].source = "payload" }
        return documents
    }

    /// Finds which attack string a planted document carries: the first probe (in the order given) whose bytes
    /// the document's text contains. Probes are indexed by their first eight bytes, so a document is read once
    /// rather than once per probe. The match is by bytes (`String.contains`, used before, compared characters,
    /// so a probe cut next to a combining mark could match here and not there); it only assigns folds.
    struct ProbeFinder {
        private let probes: [(bytes: [UInt8], group: UInt64)]
        private let byPrefix: [UInt64: [Int]]

        init(_ probes: [([UInt8], UInt64)]) {
            self.probes = probes.map { (bytes: $0.0, group: $0.1) }
            var byPrefix: [UInt64: [Int]] = [:]
            for (index, probe) in self.probes.enumerated() where probe.bytes.count >= 8 {
                byPrefix[Self.key(probe.bytes, 0), default: []].append(index)
            }
            self.byPrefix = byPrefix
        }

        private static func key(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
            var key: UInt64 = 0
            for k in offset..<(offset + 8) { key = key << 8 | UInt64(bytes[k]) }
            return key
        }

        /// The group of the first probe that `text` contains, if any.
        func first(in text: [UInt8]) -> UInt64? {
            guard text.count >= 8 else { return nil }
            var best = Int.max
            var key = Self.key(text, 0)
            for offset in 0...(text.count - 8) {
                if offset > 0 { key = key << 8 | UInt64(text[offset + 7]) }
                guard let candidates = byPrefix[key] else { continue }
                for index in candidates where index < best {
                    let probe = probes[index].bytes
                    if offset + probe.count <= text.count, text[offset..<(offset + probe.count)].elementsEqual(probe) {
                        best = index
                    }
                }
            }
            return best == .max ? nil : probes[best].group
        }
    }

    /// Benign prose (documentation, runbooks, rule descriptions), one sample per window of each
    /// paragraph: the everyday text of a SOC that the classifier must leave alone.
    static func proseSamples(_ paths: [String], clauses: Bool) throws -> [Sample] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
                files += found.filter { $0.hasSuffix(".md") || $0.hasSuffix(".yml") }.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        var paragraphs: [JSONValue] = []
        for path in files {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            paragraphs += text.components(separatedBy: "\n\n").map { .string($0) }
        }
        return benignSamples(paragraphs, clauses: clauses)
    }

    /// Benign text (prose paragraphs, the lab's tool results): every string long enough for the classifier, one
    /// sample per window.
    static func benignSamples(_ values: [JSONValue], clauses: Bool) -> [Sample] {
        var samples: [Sample] = []
        var scratch = Scratch()
        var features: [Int] = []
        var grams: [Int] = []
        let lexical = InjectionScanner(classifier: nil)
        for value in values {
            for leaf in lexical.leaves(of: value) {
                leaf.text.withUnsafeBufferPointer { InjectionClassifier.tokenize($0, into: &scratch) }
                guard scratch.tokens.count >= InjectionClassifier.minimumWords else { continue }
                for range in ranges(scratch.tokens.count, clauses: clauses) {
                    window(scratch, range, &features, &grams)
                    samples.append(Sample(features: features, grams: grams, positive: false))
                }
            }
        }
        return samples
    }

    /// The distinct word features and the character n-grams of the tokens `range` of a tokenised text.
    static func window(_ scratch: Scratch, _ range: Range<Int>, _ features: inout [Int], _ grams: inout [Int]) {
        InjectionClassifier.features(scratch.tokens[range], into: &features)
        InjectionClassifier.gramFeatures(scratch, range, into: &grams)
    }

    /// Logistic regression, AdaGrad, a small L2 penalty; deterministic. (Weighting the classes to balance
    /// them, or a larger penalty, did worse in 5-fold cross-validation on the development corpus.)
    static func fit(_ samples: [Sample], epochs: Int = 25, rate: Float = 0.3, l2: Float = 1e-5) -> InjectionClassifier {
        let dimension = 1 << InjectionClassifier.dimensionBits
        var weights = [Float](repeating: 0, count: dimension)
        var squares = [Float](repeating: 1e-8, count: dimension)
        var bias: Float = 0
        var biasSquare: Float = 1e-8
        var order = Array(samples.indices)
        var seed: UInt64 = 20_241_125
        for _ in 0..<epochs {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                order.swapAt(i, Int((seed >> 33) % UInt64(i + 1)))
            }
            for index in order {
                let sample = samples[index]
                // Each block (word features, character n-grams) over the square root of its number of features.
                let value = 1 / Float(sample.features.count).squareRoot()
                let gramValue = sample.grams.isEmpty ? 0 : 1 / Float(sample.grams.count).squareRoot()
                var z = bias
                for f in sample.features { z += weights[f] * value }
                for f in sample.grams { z += weights[f] * gramValue }
                let p = 1 / (1 + exp(-z))
                let error = p - (sample.positive ? 1 : 0)
                for f in sample.features {
                    let g = error * value + l2 * weights[f]
                    squares[f] += g * g
                    weights[f] -= rate * g / squares[f].squareRoot()
                }
                for f in sample.grams {
                    let g = error * gramValue + l2 * weights[f]
                    squares[f] += g * g
                    weights[f] -= rate * g / squares[f].squareRoot()
                }
                biasSquare += error * error
                bias -= rate * error / biasSquare.squareRoot()
            }
        }
        return InjectionClassifier(weights: weights, bias: bias)
    }

    static func crossValidate(_ documents: [Document], folds: Int) {
        let lexical = InjectionScanner(classifier: nil)
        var outcomes: [Outcome] = []
        var scratch = Scratch()
        var wrongBy: [String: Int] = [:]
        for fold in 0..<folds {
            let inFold = { (d: Document) in d.group != .max && Int(d.group % UInt64(folds)) == fold }
            let model = fit(documents.filter { !inFold($0) }.flatMap(\.samples))
            for document in documents where inFold(document) && document.source != "payload" {
                let outcome = outcome(of: document.input, positive: document.positive, model, lexical, &scratch)
                outcomes.append(outcome)
                if !document.positive, outcome.classifier >= InjectionScanner.classifierFloor {
                    wrongBy[document.source, default: 0] += 1
                }
            }
        }
        func line(_ label: String, _ flagged: (Outcome) -> Bool) {
            let positives = outcomes.filter(\.positive)
            let negatives = outcomes.filter { !$0.positive }
            let detected = positives.filter(flagged).count
            let wrong = negatives.filter(flagged).count
            print(
                "  \(label): detection \(percent((detected, positives.count))) (\(detected)/\(positives.count)), false positives \(percent((wrong, negatives.count))) (\(wrong)/\(negatives.count))"
            )
        }
        print(
            "benign families the classifier (≥ \(InjectionScanner.classifierFloor)) flags when held out:"
                + " \(wrongBy.sorted { $0.value > $1.value })")
        print("\(folds)-fold cross-validation, attack strings and benign families kept within a fold:")
        line("lexical cues alone       ") { $0.lexical >= 0.5 }
        for floor in [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8] {
            line("cues + classifier ≥ \(f(floor, 2))") { flagged($0, floor: floor) }
        }
        for floor in [0.3, 0.5, 0.7, 0.9] {
            line("classifier ≥ \(f(floor, 2)) with a cue") { flagged($0, floor: floor, needsCue: true) }
        }
    }

    static func rates(_ scanner: InjectionScanner, _ documents: [Document]) -> ((Int, Int), (Int, Int)) {
        var detected = (0, 0)
        var falsePositives = (0, 0)
        for document in documents {
            let flagged = scanner.scan(document.input).injection
            if document.positive {
                detected = (detected.0 + (flagged ? 1 : 0), detected.1 + 1)
            } else {
                falsePositives = (falsePositives.0 + (flagged ? 1 : 0), falsePositives.1 + 1)
            }
        }
        return (detected, falsePositives)
    }

    static func percent(_ pair: (Int, Int)) -> String { f(100 * Double(pair.0) / Double(max(1, pair.1)), 2) + "%" }

    /// Reads weights saved by `write` (a `--write` file, or the shipped `InjectionClassifier+Weights.swift`).
    static func read(_ path: String) -> InjectionClassifier? {
        guard let source = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        func value(_ name: String) -> Substring? {
            guard let line = source.split(separator: "\n").first(where: { $0.contains("static let \(name)") }),
                let equals = line.firstIndex(of: "=")
            else { return nil }
            return line[line.index(after: equals)...].drop { $0 == " " }
        }
        guard let bias = value("bias").flatMap({ Float($0) }), let scale = value("scale").flatMap({ Float($0) }),
            let quoted = value("quantized"), let bytes = Data(base64Encoded: String(quoted.dropFirst().dropLast())),
            bytes.count == 1 << InjectionClassifier.dimensionBits
        else { return nil }
        return InjectionClassifier(quantized: [UInt8](bytes), scale: scale, bias: bias)
    }

    /// Saves the weights as Int8 with one scale, base64-encoded, as Swift source.
    static func write(_ model: InjectionClassifier, to path: String) throws {
        let (bytes, scale) = quantize(model)
        let encoded = Data(bytes).base64EncodedString()
        let source = """
            // Generated by `vigil-bench-guard train Tests/Fixtures/injection/dev.jsonl … --write …`; do not edit.
            // Logistic-regression weights of `InjectionClassifier`, fitted on the development corpora only (never
            // on the held-out red-team rounds):
            // 2^\(InjectionClassifier.dimensionBits) hashed unigrams and bigrams of words (and of the character pairs of
            // words outside ASCII) and character \(InjectionClassifier.gramLength)-grams of words, as Int8 times `scale`.
            enum InjectionClassifierWeights {
                static let bias: Float = \(model.biasForTraining)
                static let scale: Float = \(scale)
                static let quantized = "\(encoded)"
            }

            """
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        let nonzero = bytes.filter { $0 != 0 }.count
        print(
            "wrote \(path): \(nonzero) non-zero weights of \(bytes.count), scale \(scale), bias \(model.biasForTraining)"
        )
    }
}
