// Embedded-SIEM benchmark: log reading (bytes → records) and Sigma detection throughput on one core.
// Prints figures; run by hand in a release build:
//
//   swift run -c release vigil-bench-siem [events] [sigma-rules-dir]
//
// Events are the raw CloudTrail, Okta and FDR records of lab alerts (seed 7), written to a temporary
// JSON Lines file per log type. Rules: Vigil's pack plus the Sigma rules below the directory
// (default ../shared/data/sigma/rules). Results are recorded in BENCHMARKS.md.
import Foundation
import VigilCore
import VigilLab
import VigilSIEM

let arguments = CommandLine.arguments.dropFirst()
let target = arguments.first.flatMap(Int.init) ?? 300_000
let rulesDirectory = arguments.dropFirst().first ?? "../shared/data/sigma/rules"

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
func f(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

// Build the input files.
let generator = AlertGenerator(enterprise: Enterprise.generate(), seed: 7)
var buffers: [LogType: [UInt8]] = [:]
var produced = 0
var index = 0
while produced < target {
    let alert = generator.alert(at: index).alert
    index += 1
    for event in alert.events where produced < target {
        event.record.write(to: &buffers[event.logType!, default: []])
        buffers[event.logType!]!.append(0x0A)
        produced += 1
    }
}
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-siem-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
var paths: [String] = []
var totalBytes = 0
for (type, bytes) in buffers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
    let url = directory.appendingPathComponent("\(type.rawValue).jsonl")
    try Data(bytes).write(to: url)
    paths.append(url.path)
    totalBytes += bytes.count
}
print("input: \(produced) events in \(paths.count) files, \(f(Double(totalBytes) / 1e6, 1)) MB")

// 1. Reading: bytes → parsed records.
var events: [RawEvent] = []
events.reserveCapacity(produced)
var start = ContinuousClock.now
for path in paths {
    _ = try LogReader.read(path: path, onRecord: { events.append($0.event) }, onIssue: { print("issue: \($0)") })
}
let readSeconds = seconds(since: start)
print(
    "read + parse:  \(f(Double(events.count) / readSeconds)) records/s, \(f(Double(totalBytes) / 1e6 / readSeconds, 1)) MB/s (\(f(readSeconds, 2)) s)"
)

// 2. Ingest into the event store (SQLite, WAL), CloudTrail only: the issue's figure is CloudTrail records/s.
if let cloudTrail = paths.first(where: { $0.hasSuffix("AWS.CloudTrail.jsonl") }) {
    let store = try EventStore(path: directory.appendingPathComponent("events.db").path)
    start = ContinuousClock.now
    let summary = try store.ingest(path: cloudTrail, onIssue: { print("issue: \($0)") })
    let ingestSeconds = seconds(since: start)
    let size = (try FileManager.default.attributesOfItem(atPath: cloudTrail)[.size] as? Int) ?? 0
    print(
        "ingest:        \(f(Double(summary.inserted) / ingestSeconds)) CloudTrail records/s into SQLite (\(summary.inserted) records, \(f(Double(size) / 1e6, 1)) MB, \(f(ingestSeconds, 2)) s)"
    )
}

// 3. Detection on parsed events, one core.
var rules = VigilRulePack.load().rules
if let sigma = try? SigmaRuleSet.load(directory: URL(fileURLWithPath: rulesDirectory)) {
    rules += sigma.rules
}
var detector = Detector(rules: rules)
start = ContinuousClock.now
for event in events { detector.process(event) }
let detectSeconds = seconds(since: start)
let alerts = detector.alerts()
print(
    "detection:     \(f(Double(events.count) / detectSeconds)) events/s against \(rules.count) rules (\(f(detectSeconds, 2)) s), \(detector.matches) matches, \(alerts.count) alerts"
)
