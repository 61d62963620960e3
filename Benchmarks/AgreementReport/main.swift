// Agreement of Vigil's rule pack with Panther's rule tests (../shared/data/panther-tests): for each
// behaviour Vigil covers, expected positives caught and expected negatives left alone; then the gaps.
//
//   swift run vigil-agreement [panther-tests-dir]
//
// The output is recorded in BENCHMARKS.md.
import Foundation
import VigilCore
import VigilSIEM

let directory = CommandLine.arguments.dropFirst().first ?? "../shared/data/panther-tests"
let files: [(String, LogType)] = [
    ("aws-cloudtrail.jsonl", .cloudTrail), ("okta-systemlog.jsonl", .oktaSystemLog),
    ("crowdstrike-fdrevent.jsonl", .crowdstrikeFDR),
]
var tests: [PantherAgreement.Test] = []
for (file, logType) in files {
    let text = try String(contentsOfFile: "\(directory)/\(file)", encoding: .utf8)
    for line in text.split(separator: "\n") {
        if let test = PantherAgreement.Test(try JSONParser.parse(String(line)), logType: logType) { tests.append(test) }
    }
}
let agreement = PantherAgreement.measure(rules: VigilRulePack.load().rules, tests: tests)
print("| Vigil rule | Panther rules | positives caught | negatives left alone |")
print("|---|---|---:|---:|")
var totals = (0, 0, 0, 0)
for row in agreement.rows where row.positives + row.negatives > 0 {
    print(
        "| \(row.vigilRule) | \(row.pantherRules.joined(separator: ", ")) | \(row.caught)/\(row.positives) | \(row.leftAlone)/\(row.negatives) |"
    )
    totals.0 += row.caught
    totals.1 += row.positives
    totals.2 += row.leftAlone
    totals.3 += row.negatives
}
print("| **all covered behaviours** | | **\(totals.0)/\(totals.1)** | **\(totals.2)/\(totals.3)** |")
print()
for (logType, ids) in agreement.gaps.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
    print(
        "Gaps, \(logType.rawValue) (\(ids.count) Panther detections without a Vigil rule): \(ids.joined(separator: ", "))"
    )
    print()
}
