// Lab generation benchmark: how fast the seeded scenario generator produces alerts and their labels as
// JSON Lines, exactly as `vigil lab alerts --labels` does. Prints figures; run by hand in a release build:
//
//   swift run -c release vigil-bench-lab [count] [seed]
//
// Results are recorded in BENCHMARKS.md.
import Foundation
import VigilCore
import VigilLab

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.first.flatMap(Int.init) ?? 100_000
let seed = arguments.dropFirst().first.flatMap(UInt64.init) ?? 7

func seconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func f(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

var start = ContinuousClock.now
let enterprise = Enterprise.generate()
print(
    "lab enterprise build: \(f(seconds(since: start), 4)) s (\(enterprise.people.count) people, \(enterprise.devices.count) devices, \(enterprise.accounts.count) AWS accounts)"
)

let generator = AlertGenerator(enterprise: enterprise, seed: seed)
for threads in [1, ProcessInfoCores.active] {
    start = ContinuousClock.now
    var bytes = 0
    var labelBytes = 0
    generator.jsonLines(count: count, labels: true, concurrency: threads) { chunk in
        bytes += chunk.alerts.count
        labelBytes += chunk.labels.count
        return true
    }
    let total = seconds(since: start)
    print(
        "\(count) alerts + labels, \(threads) thread\(threads == 1 ? "" : "s"): \(f(total)) s, \(f(Double(count) / total, 0)) alerts/s, \(f(Double(bytes) / 1e6, 1)) MB alerts, \(f(Double(labelBytes) / 1e6, 1)) MB labels"
    )
}
