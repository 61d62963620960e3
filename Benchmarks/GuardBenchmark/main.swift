import Foundation
import VigilAgents
import VigilCore
@_spi(Training) import VigilGuard
import VigilLab

// The Guard's costs, and the injection scanner's quality.
//
//   swift run -c release vigil-bench-guard pipeline [calls]     Guard per call (policy, rate limit, taint, audit
//                                                              append without fsync, scan of the result)
//   swift run -c release vigil-bench-guard scanner [megabytes]  scanner throughput on lab tool results, one core
//                                        [--verdicts OUT]      (or, with --verdicts, every result's full verdict)
//   swift run -c release vigil-bench-guard train CORPUS.jsonl... [--payloads FILE]... [--prose PATH]... [--lab MB]
//                                        [--folds K] [--write FILE] [--score FILE]...
//                                        [--windows-only | --select WEIGHTS]
//                                                              fits the scanner's classifier on development
//                                                              corpora; with --folds, reports K-fold detection
//                                                              and false positives; --write saves the weights;
//                                                              --lab adds MB of lab alerts' records (seed 7; 8
//                                                              if no number follows) and, on top, the lab's
//                                                              tickets as benign text; --score
//                                                              scores a corpus the fit has not read; the short
//                                                              window of each attack string that WEIGHTS (a
//                                                              --windows-only fit) scores highest is a positive
//                                                              too; --windows-only fits the long windows alone
//                                                              (its printed rates still score short windows)
//   swift run -c release vigil-bench-guard eval FILE... [--misses N] [--verdicts OUT]
//                                                              detection and false-positive rates on labelled
//                                                              corpora (Tests/Fixtures/injection/*.jsonl);
//                                                              --verdicts writes every record's full verdict
//                                        [--intent-model URL] with a text-embeddings-inference server, the
//                                        [--intent-labels A,B] figures of the scanner and that model together,
//                                        [--intent-threshold P] as guard.intent_model has the Guard use them
//                                        [--intent-scanner-weight A] the model and the scanner decide together
//                                                              (guard.intent_model.scanner_weight)
//                                        [--intent-scanner-floor F] the least the scanner's score counts as there
//                                                              (guard.intent_model.scanner_floor)
//                                        [--scanner-threshold T] the scanner's threshold (guard.scan_threshold); above
//                                                              1, the scanner flags nothing and the model reads all

func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

func microseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// Tool results shaped like the lab's: alerts' raw CloudTrail, Okta and EDR records, one per result, until
/// `minimumBytes`. `seed` 11 is the throughput benchmark's; training's `--lab` uses other alerts (seed 7) and,
/// with `tickets`, adds on top the tickets as the ticketing server answers for them: the enterprise's and those
/// each alert's scenario opened (a travel notice, a change request), each as a one-ticket search page and as the
/// ticket fetched by key.
func labResults(minimumBytes: Int, seed: UInt64 = 11, tickets: Bool = false) -> [JSONValue] {
    let enterprise = Enterprise.generate()
    let generator = AlertGenerator(enterprise: enterprise, seed: seed)
    func answers(_ ticket: Ticket) -> [JSONValue] {
        [
            [
                "tickets": [.object(ticket.summaryDocument)], "total": 1, "next_cursor": .null, "truncated": false,
                "note": .null,
            ],
            ["ticket": .object(ticket.document(comments: []))],
        ]
    }
    var results: [JSONValue] = tickets ? enterprise.tickets.flatMap(answers) : []
    var bytes = 0
    var index = 0
    while bytes < minimumBytes {
        let generated = generator.alert(at: index)
        let alert = generated.alert
        index += 1
        let value: JSONValue = [
            "total": .int(Int64(alert.events.count)), "events": .array(alert.events.map(\.record)),
            "title": .string(alert.title), "truncated": false,
        ]
        bytes += value.serialized().utf8.count
        results.append(value)
        if tickets { results.append(contentsOf: generated.tickets.flatMap(answers)) }
    }
    return results
}

/// Guarded calls one at a time, off the main actor as an agent's task makes them (calling from the main
/// actor would add two executor hops per `await`, which are the caller's cost, not the Guard's).
nonisolated func pipeline(calls: Int) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-guard-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let audit = try AuditLog(
        path: directory.appendingPathComponent("audit.log").path, key: AuditKey(), checkpointEvery: 1000, sync: false)
    let guardrails = Guard(
        policy: PolicyEngine(policy: .standard),
        rateLimiter: RateLimiter(default: .unlimited),
        approvals: ApprovalBook(), audit: audit)
    let profile = ToolProfile(
        server: "identity", tool: "get_user", toolClass: .read, definitionDigest: String(repeating: "ab", count: 32))
    let result = labResults(minimumBytes: 1)[0]
    let resultBytes = result.serialized().utf8.count
    let scanner = InjectionScanner()
    var guardTimes: [Double] = []
    var scanTimes: [Double] = []
    var policyTimes: [Double] = []
    let session = guardrails.session(agent: "bench", tier: "tier1", caseID: "bench")
    for i in 0..<(calls + 1000) {
        let start = ContinuousClock.now
        _ = try await guardrails.call(
            profile, arguments: ["login": .string("user\(i % 50)@meridian.example")], in: session
        ) { _ in
            .init(content: result)
        }
        let guardTime = microseconds(ContinuousClock.now - start)
        let scanStart = ContinuousClock.now
        _ = scanner.scan(result)
        let scanTime = microseconds(ContinuousClock.now - scanStart)
        let policyStart = ContinuousClock.now
        _ = guardrails.policy.evaluate(
            .init(tier: "tier1", profile: profile, arguments: ["login": "ana.silva@meridian.example"]),
            taint: session.taint)
        let policyTime = microseconds(ContinuousClock.now - policyStart)
        if i >= 1000 {  // warm-up excluded
            guardTimes.append(guardTime)
            scanTimes.append(scanTime)
            policyTimes.append(policyTime)
        }
    }
    // The same calls with no audit log: the Guard's own work, without the hand-offs to the log's writer thread.
    let unaudited = Guard(
        policy: PolicyEngine(policy: .standard),
        rateLimiter: RateLimiter(default: .unlimited),
        approvals: ApprovalBook(), audit: nil)
    let quietSession = unaudited.session(agent: "bench", tier: "tier1", caseID: "bench")
    var ownTimes: [Double] = []
    for i in 0..<(calls + 1000) {
        let start = ContinuousClock.now
        _ = try await unaudited.call(
            profile, arguments: ["login": .string("user\(i % 50)@meridian.example")], in: quietSession
        ) { _ in
            .init(content: result)
        }
        if i >= 1000 { ownTimes.append(microseconds(ContinuousClock.now - start)) }
    }
    ownTimes.sort()
    var taintTimes: [Double] = []
    var appendTimes: [Double] = []
    for i in 0..<5000 {
        let ledger = TaintLedger()
        let t0 = ContinuousClock.now
        ledger.observe(result, source: "siem.search_events", trusted: false)
        taintTimes.append(microseconds(ContinuousClock.now - t0))
        let t1 = ContinuousClock.now
        _ = try await audit.append(kind: "tool_result", data: ["call_id": .string("c\(i)"), "outcome": "ok"])
        appendTimes.append(microseconds(ContinuousClock.now - t1))
    }
    taintTimes.sort()
    appendTimes.sort()
    audit.close()
    guardTimes.sort()
    scanTimes.sort()
    policyTimes.sort()
    let excluding = zip(guardTimes, scanTimes).map { $0 - $1 }.sorted()
    print("\(calls) guarded calls, one at a time, tool result \(resultBytes) bytes, audit without fsync:")
    print(
        "  Guard per call, all layers:      median \(f(percentile(guardTimes, 0.5))) µs, p99 \(f(percentile(guardTimes, 0.99))) µs"
    )
    print(
        "  of which the injection scan:     median \(f(percentile(scanTimes, 0.5))) µs, p99 \(f(percentile(scanTimes, 0.99))) µs"
    )
    print("  Guard excluding the scan:        median \(f(percentile(excluding, 0.5))) µs")
    print("  Guard without the audit log:     median \(f(percentile(ownTimes, 0.5))) µs (scan included)")
    print("  taint bookkeeping of the result: median \(f(percentile(taintTimes, 0.5))) µs")
    print("  one audit append (no fsync):     median \(f(percentile(appendTimes, 0.5))) µs")
    print(
        "  policy decision alone:           median \(f(percentile(policyTimes, 0.5), 2)) µs, p99 \(f(percentile(policyTimes, 0.99), 2)) µs"
    )
}

/// A verdict in full, on one line: score to the last digit, every finding (line breaks in excerpts as `\n`, `\r`).
func verdictLine(_ verdict: ScanVerdict) -> String {
    "\(verdict.injection) \(verdict.score) "
        + verdict.findings.map { "\($0.feature)@\($0.path)=\($0.weight):\($0.excerpt)" }.joined(separator: " | ")
        .replacingOccurrences(of: "\n", with: "\\n", options: .literal)
        .replacingOccurrences(of: "\r", with: "\\r", options: .literal)
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "pipeline":
    try await pipeline(calls: arguments.dropFirst().first.flatMap(Int.init) ?? 20_000)

case "scanner":
    let megabytes = arguments.dropFirst().first.flatMap(Double.init) ?? 64
    if arguments.last == "--verdicts" {
        FileHandle.standardError.write(Data("vigil-bench-guard scanner: --verdicts needs an output path\n".utf8))
        exit(64)
    }
    let results = labResults(minimumBytes: Int(megabytes * 1e6))
    let texts = results.map { $0.serialized() }
    let bytes = texts.reduce(0) { $0 + $1.utf8.count }
    let scanner = InjectionScanner()
    if let i = arguments.firstIndex(of: "--verdicts") {
        // The verdict on every lab result, for comparing two builds of the scanner; no timing.
        let lines = results.map { verdictLine(scanner.scan($0)) }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: arguments[i + 1]))
        exit(0)
    }
    var flagged = 0
    _ = results.prefix(200).map { scanner.scan($0) }  // warm-up
    var start = ContinuousClock.now
    for value in results where scanner.scan(value).injection { flagged += 1 }
    let scanSeconds = microseconds(ContinuousClock.now - start) / 1e6
    start = ContinuousClock.now
    for text in texts {
        guard let value = try? JSONParser.parse(text) else { continue }
        _ = scanner.scan(value)
    }
    let parseScanSeconds = microseconds(ContinuousClock.now - start) / 1e6
    print("\(results.count) lab tool results, \(f(Double(bytes) / 1e6)) MB of JSON, one core:")
    print("  scan of parsed results:   \(f(Double(bytes) / 1e6 / scanSeconds)) MB/s (\(flagged) flagged)")
    print("  parse JSON + scan:        \(f(Double(bytes) / 1e6 / parseScanSeconds)) MB/s")

case "train":
    var rest = arguments.dropFirst()[...]
    var files: [String] = []
    var folds = 0
    var output: String?
    var prose: [String] = []
    var payloads: [String] = []
    var labMegabytes = 0.0
    var scored: [String] = []
    var selectorPath: String?
    var clauses = true
    while let a = rest.popFirst() {
        switch a {
        case "--folds": folds = rest.popFirst().flatMap(Int.init) ?? 5
        case "--lab":
            if let next = rest.first, let megabytes = Double(next) {
                rest.removeFirst()
                labMegabytes = megabytes
            } else {
                labMegabytes = 8
            }
        case "--prose": prose.append(contentsOf: rest.popFirst().map { [$0] } ?? [])
        case "--payloads": payloads.append(contentsOf: rest.popFirst().map { [$0] } ?? [])
        case "--write": output = rest.popFirst()
        case "--score": scored.append(contentsOf: rest.popFirst().map { [$0] } ?? [])
        case "--select": selectorPath = rest.popFirst()
        case "--windows-only": clauses = false
        default: files.append(a)
        }
    }
    let usage =
        "usage: vigil-bench-guard train CORPUS.jsonl... [--payloads FILE]... [--prose PATH]... [--lab MB] [--folds K]"
        + " [--write FILE] [--score HELD-OUT.jsonl]... [--windows-only | --select WEIGHTS.swift]\n"
    guard !files.isEmpty else {
        FileHandle.standardError.write(Data(usage.utf8))
        exit(64)
    }
    // Several corpora are read as one; each file must end its last line.
    func concatenated(_ paths: [String], what: String) -> Data {
        var data = Data()
        for path in paths {
            guard let contents = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read the \(what) in \(path)\n".utf8) + Data(usage.utf8))
                exit(66)
            }
            data += contents
            if contents.last != 0x0A { data.append(0x0A) }
        }
        return data
    }
    let data = concatenated(files, what: "labelled corpus")
    // The attack strings to fit on: each corpus's own (NAME-payloads.jsonl) unless files are named.
    if payloads.isEmpty { payloads = files.map { $0.replacingOccurrences(of: ".jsonl", with: "-payloads.jsonl") } }
    let payloadData = concatenated(payloads, what: "attack strings")
    let lab = labMegabytes > 0 ? labResults(minimumBytes: Int(labMegabytes * 1e6), seed: 7, tickets: true) : []
    let heldOut = scored.map { (name: $0, data: concatenated([$0], what: "corpus to score")) }
    // Short windows are trained on the window of each attack string that a fit of the long windows alone
    // picks: that fit is named (--select), or this is that fit (--windows-only).
    guard clauses == (selectorPath != nil) else {
        let problem =
            clauses
            ? "name the fit of the long windows alone (--windows-only) that picks each attack's short window (--select)"
            : "--windows-only fits no short windows, so there is nothing to --select"
        FileHandle.standardError.write(Data("train: \(problem)\n".utf8) + Data(usage.utf8))
        exit(64)
    }
    var selector: InjectionClassifier?
    if let selectorPath {
        guard let loaded = Training.read(selectorPath) else {
            FileHandle.standardError.write(Data("cannot read classifier weights from \(selectorPath)\n".utf8))
            exit(66)
        }
        selector = loaded
    }
    try Training.run(
        corpus: data, payloads: payloadData, prose: prose, lab: lab, folds: folds, output: output, score: heldOut,
        selector: selector)

case "eval":
    var files: [String] = []
    var misses = 0
    var verdictsPath: String?
    var intentURL: String?
    var intentLabels = ["INJECTION", "JAILBREAK"]
    var intentThreshold = 0.9
    var intentScannerWeight = 0.0
    var intentScannerFloor = 0.0
    var scannerThreshold: Double?
    var rest = arguments.dropFirst()[...]
    while let a = rest.popFirst() {
        if a == "--misses", let n = rest.popFirst().flatMap(Int.init) {
            misses = n
        } else if a == "--verdicts", let path = rest.popFirst() {
            verdictsPath = path
        } else if a == "--intent-model", let url = rest.popFirst() {
            intentURL = url
        } else if a == "--intent-labels", let labels = rest.popFirst() {
            intentLabels = labels.split(separator: ",").map(String.init)
        } else if a == "--intent-threshold", let value = rest.popFirst().flatMap(Double.init), value > 0, value <= 1 {
            intentThreshold = value
        } else if a == "--intent-scanner-weight", let value = rest.popFirst().flatMap(Double.init), value >= 0,
            value <= 100
        {
            intentScannerWeight = value
        } else if a == "--intent-scanner-floor", let value = rest.popFirst().flatMap(Double.init), value >= 0,
            value <= 0.5
        {
            intentScannerFloor = value
        } else if a == "--scanner-threshold", let value = rest.popFirst().flatMap(Double.init), value > 0, value <= 1.5
        {
            scannerThreshold = value
        } else if a.hasPrefix("--") {
            FileHandle.standardError.write(Data("eval: \(a): unknown option or bad value\n".utf8))
            exit(64)
        } else {
            files.append(a)
        }
    }
    guard !files.isEmpty else {
        FileHandle.standardError.write(
            Data(
                ("usage: vigil-bench-guard eval FILE... [--misses N] [--verdicts OUT]"
                    + " [--scanner-threshold T] [--intent-model URL [--intent-labels A,B] [--intent-threshold P]"
                    + " [--intent-scanner-weight A [--intent-scanner-floor F]]]\n")
                    .utf8))
        exit(64)
    }
    if intentScannerFloor > 0 && intentScannerWeight == 0 {
        FileHandle.standardError.write(
            Data("eval: --intent-scanner-floor applies only with --intent-scanner-weight\n".utf8))
        exit(64)
    }
    var scanner = InjectionScanner()
    if let scannerThreshold { scanner.threshold = scannerThreshold }
    // A text-embeddings-inference server to read each record after the scanner, as the Guard has it read tool
    // results (guard.intent_model): the figures then are the two readers' together.
    var review: IntentReview?
    if let intentURL {
        do {
            review = IntentReview(
                model: try TEIIntentModel(url: intentURL, injectionLabels: intentLabels),
                settings: .init(
                    threshold: intentThreshold, cooldownSeconds: 0, scannerWeight: intentScannerWeight,
                    scannerFloor: intentScannerFloor))
        } catch {
            FileHandle.standardError.write(Data("eval: --intent-model: \(error)\n".utf8))
            exit(64)
        }
    }
    // Every record's full verdict, one line each: two builds of the scanner that write the same file agree on
    // every score and finding (how a speed-up is shown to change nothing).
    var verdictLines: [String] = []
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("\(file): cannot read\n".utf8))
            exit(66)
        }
        var positives = 0
        var detected = 0
        var negatives = 0
        var falsePositives = 0
        var byGroup: [String: (Int, Int)] = [:]
        var missed: [String] = []
        var wrong: [String] = []
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            guard case .object(let item) = try JSONParser.parse(Array(line)), let input = item["input"],
                let label = item["label"]?.stringValue
            else { continue }
            var verdict = scanner.scan(input)
            if let review {
                verdict = await review.review(input, verdict: verdict)
                // A figure with records the model did not read (in full) would be neither reader's.
                if let failure = verdict.findings.first(where: {
                    $0.feature == "intent-model-unavailable" || $0.feature == "intent-model-partial"
                }) {
                    FileHandle.standardError.write(
                        Data(
                            "eval: the intent model did not read \(item["id"]?.stringValue ?? "?"): \(failure.excerpt)\n"
                                .utf8))
                    exit(69)
                }
            }
            if verdictsPath != nil {
                verdictLines.append("\(file) \(item["id"]?.stringValue ?? "?") \(verdictLine(verdict))")
            }
            let group =
                "\(label) \(item["source"]?.stringValue?.split(separator: ":").first ?? "?") \(item["obfuscation"]?.stringValue ?? "none")"
            var g = byGroup[group, default: (0, 0)]
            g.0 += 1
            if verdict.injection { g.1 += 1 }
            byGroup[group] = g
            if label == "injection" {
                positives += 1
                if verdict.injection {
                    detected += 1
                } else if missed.count < misses {
                    missed.append(
                        "\(item["id"]?.stringValue ?? "?") \(f(verdict.score, 2)) \(input.serialized().prefix(300))")
                }
            } else {
                negatives += 1
                if verdict.injection {
                    falsePositives += 1
                    if wrong.count < misses {
                        wrong.append(
                            "\(item["id"]?.stringValue ?? "?") \(f(verdict.score, 2)) \(verdict.findings.map { "\($0.feature):\($0.excerpt)" }.joined(separator: " | ").prefix(200))"
                        )
                    }
                }
            }
        }
        print(
            "\(file): \(positives) injections, \(negatives) benign, threshold \(scanner.threshold)"
                + (intentURL.map {
                    ", intent model \($0) at \(intentThreshold)"
                        + (intentScannerWeight > 0
                            ? " with the scanner's score weighed \(intentScannerWeight)"
                                + (intentScannerFloor > 0 ? ", counted as at least \(intentScannerFloor)" : "") : "")
                } ?? ""))
        print(
            "  detection:       \(f(100 * Double(detected) / Double(max(1, positives)), 2))% (\(detected)/\(positives))"
        )
        print(
            "  false positives: \(f(100 * Double(falsePositives) / Double(max(1, negatives)), 2))% (\(falsePositives)/\(negatives))"
        )
        for (group, (n, flagged)) in byGroup.sorted(by: { $0.key < $1.key }) {
            print("    \(group): \(flagged)/\(n) flagged")
        }
        for m in missed { print("  MISSED \(m)") }
        for w in wrong { print("  FALSE  \(w)") }
    }
    if let verdictsPath {
        try Data(verdictLines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: verdictsPath))
    }

default:
    FileHandle.standardError.write(
        Data(
            ("usage: vigil-bench-guard pipeline [calls] | scanner [megabytes] [--verdicts OUT]"
                + " | eval FILE... [--misses N] [--verdicts OUT] [--intent-model URL …]\n").utf8))
    exit(64)
}
