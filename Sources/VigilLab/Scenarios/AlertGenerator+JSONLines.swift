import Dispatch
import Foundation
import Synchronization
import VigilCore

extension AlertGenerator {
    /// A run of consecutive alerts serialized as JSON Lines, with their labels.
    public struct Chunk: Sendable {
        public var range: Range<Int>
        /// Alerts in the generic v1 format, one per line.
        public var alerts: [UInt8]
        /// Ground truth, one per line (empty unless requested).
        public var labels: [UInt8]
    }

    /// Generates alerts `0..<count` as JSON Lines on up to `concurrency` threads and hands the chunks to
    /// `consume` strictly in order, so the output is byte-identical whatever the concurrency. Stops early
    /// when `consume` returns false (the reader went away).
    public func jsonLines(
        count: Int, labels: Bool, concurrency: Int = ProcessInfoCores.active, chunkSize: Int = 1000,
        consume: (Chunk) -> Bool
    ) {
        let chunkCount = (count + chunkSize - 1) / chunkSize
        let wave = max(1, concurrency)
        var next = 0
        while next < chunkCount {
            let first = next
            let last = min(chunkCount, first + wave)
            let results = Mutex<[Int: Chunk]>([:])
            DispatchQueue.concurrentPerform(iterations: last - first) { offset in
                let index = first + offset
                let range = (index * chunkSize)..<min(count, (index + 1) * chunkSize)
                let chunk = serialize(range, labels: labels)
                results.withLock { $0[index] = chunk }
            }
            let chunks = results.withLock { $0 }
            for index in first..<last {
                if !consume(chunks[index]!) { return }
            }
            next = last
        }
    }

    func serialize(_ range: Range<Int>, labels: Bool) -> Chunk {
        var alertBytes: [UInt8] = []
        alertBytes.reserveCapacity(range.count * 6000)
        var labelBytes: [UInt8] = []
        for index in range {
            let generated = alert(at: index)
            generated.alert.genericV1.write(to: &alertBytes)
            alertBytes.append(0x0A)
            if labels {
                generated.truth.json.write(to: &labelBytes)
                labelBytes.append(0x0A)
            }
        }
        return Chunk(range: range, alerts: alertBytes, labels: labelBytes)
    }
}

/// The number of cores to use by default.
public enum ProcessInfoCores {
    public static var active: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
