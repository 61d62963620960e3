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
    /// `consume` strictly in order, so the output is byte-identical whatever the concurrency. The next
    /// wave of chunks is generated while `consume` writes the current one. Stops early when `consume`
    /// returns false (the reader went away); no work is left running when it returns.
    public func jsonLines(
        count: Int, labels: Bool, concurrency: Int = ProcessInfoCores.active, chunkSize: Int = 1000,
        consume: (Chunk) -> Bool
    ) {
        let chunkCount = (count + chunkSize - 1) / chunkSize
        let waveSize = max(1, concurrency)
        func launch(_ first: Int) -> Wave? {
            guard first < chunkCount else { return nil }
            let wave = Wave(first: first, last: min(chunkCount, first + waveSize))
            for index in wave.first..<wave.last {
                DispatchQueue.global().async(group: wave.group) {
                    let range = (index * chunkSize)..<min(count, (index + 1) * chunkSize)
                    let chunk = serialize(range, labels: labels)
                    wave.chunks.withLock { $0[index] = chunk }
                }
            }
            return wave
        }
        var current = launch(0)
        while let wave = current {
            wave.group.wait()
            let next = launch(wave.last)
            let chunks = wave.chunks.withLock { $0 }
            for index in wave.first..<wave.last where !consume(chunks[index]!) {
                next?.group.wait()
                return
            }
            current = next
        }
    }

    /// Chunks being generated together.
    private final class Wave: Sendable {
        let first: Int
        let last: Int
        let group = DispatchGroup()
        let chunks = Mutex<[Int: Chunk]>([:])

        init(first: Int, last: Int) {
            self.first = first
            self.last = last
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
