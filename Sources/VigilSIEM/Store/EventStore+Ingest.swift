import Dispatch
import Foundation
import Synchronization
import VigilCore

extension EventStore {
    /// What ingesting one file did.
    public struct IngestSummary: Sendable {
        public var file: LogFileSummary
        public var inserted = 0
        public var duplicates = 0
    }

    /// Streams a log file into the store in batches of `batchSize` records per transaction. Reading,
    /// parsing and preparing rows run on a second thread while this one writes, so the two cores work at
    /// once. Malformed records go to `onIssue` and never stop the rest; `onProgress` hears the bytes read
    /// so far. Both are called on the calling thread.
    public func ingest(
        path: String, logType: LogType? = nil, batchSize: Int = 5000, onIssue: (LogIssue) -> Void,
        onProgress: (LogFileSummary) -> Void = { _ in }
    ) throws -> IngestSummary {
        let channel = BatchChannel(capacity: 4)
        let size = max(1, batchSize)
        let reader = Thread {
            var batch = IngestBatch()
            do throws(LogReadError) {
                let summary = try LogReader.read(
                    path: path, logType: logType,
                    onRecord: { record in
                        batch.rows.append(StoredRow(record))
                        if batch.rows.count >= size {
                            channel.send(batch)
                            batch = IngestBatch()
                        }
                    },
                    onIssue: { batch.issues.append($0) },
                    onProgress: { batch.progress = $0 })
                batch.summary = summary
            } catch {
                batch.failure = error
            }
            channel.send(batch)
            channel.finish()
        }
        reader.start()

        var counts = IngestCounts()
        var writeFailure: (any Error)?
        var summary: LogFileSummary?
        var readFailure: LogReadError?
        // Keep receiving until the reader finishes, even after a write failure, so it never blocks.
        while let batch = channel.receive() {
            batch.issues.forEach(onIssue)
            if let progress = batch.progress { onProgress(progress) }
            if writeFailure == nil && !batch.rows.isEmpty {
                do {
                    let added = try insert(rows: batch.rows)
                    counts.inserted += added.inserted
                    counts.duplicates += added.duplicates
                } catch {
                    writeFailure = error
                    channel.cancel()
                }
            }
            if let final = batch.summary { summary = final }
            if let failure = batch.failure { readFailure = failure }
        }
        if let writeFailure { throw writeFailure }
        if var readFailure {
            // What was read before the file failed is kept, and the error says how much.
            readFailure.inserted = counts.inserted
            readFailure.duplicates = counts.duplicates
            throw readFailure
        }
        return IngestSummary(
            file: summary ?? LogFileSummary(file: path), inserted: counts.inserted, duplicates: counts.duplicates)
    }
}

/// Rows and what the reader saw while producing them.
struct IngestBatch: Sendable {
    var rows: [EventStore.StoredRow] = []
    var issues: [LogIssue] = []
    var progress: LogFileSummary?
    var summary: LogFileSummary?
    var failure: LogReadError?
}

/// A bounded first-in-first-out hand-over of batches from the reading thread to the writing one.
final class BatchChannel: Sendable {
    private struct State {
        var items: [IngestBatch] = []
        var finished = false
        var cancelled = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let space: DispatchSemaphore

    init(capacity: Int) { space = DispatchSemaphore(value: capacity) }

    /// Waits for room, then queues the batch (dropped once the writer has given up).
    func send(_ batch: IngestBatch) {
        space.wait()
        let accepted = state.withLock { state -> Bool in
            if state.cancelled { return false }
            state.items.append(batch)
            return true
        }
        if accepted { available.signal() } else { space.signal() }
    }

    func finish() {
        state.withLock { $0.finished = true }
        available.signal()
    }

    /// Stops accepting batches: the reader still runs to the end but nothing more is queued.
    func cancel() {
        state.withLock { $0.cancelled = true }
    }

    /// The next batch, or nil when the reader has finished and everything was received.
    func receive() -> IngestBatch? {
        while true {
            available.wait()
            let next = state.withLock { state -> IngestBatch?? in
                if !state.items.isEmpty { return .some(state.items.removeFirst()) }
                return state.finished ? .some(nil) : nil
            }
            if let next {
                if next != nil { space.signal() }
                return next
            }
        }
    }
}
