import VigilCore

extension EventStore {
    /// What ingesting one file did.
    public struct IngestSummary: Sendable {
        public var file: LogFileSummary
        public var inserted = 0
        public var duplicates = 0
    }

    /// Streams a log file into the store in batches of `batchSize` records per transaction. Malformed
    /// records go to `onIssue` and never stop the rest; `onProgress` hears the bytes read so far.
    public func ingest(
        path: String, logType: LogType? = nil, batchSize: Int = 5000, onIssue: (LogIssue) -> Void,
        onProgress: (LogFileSummary) -> Void = { _ in }
    ) throws -> IngestSummary {
        var batch: [LogRecord] = []
        batch.reserveCapacity(batchSize)
        var counts = IngestCounts()
        var failure: (any Error)?
        func flush() {
            guard failure == nil, !batch.isEmpty else { return }
            do {
                let added = try insert(batch)
                counts.inserted += added.inserted
                counts.duplicates += added.duplicates
            } catch {
                failure = error
            }
            batch.removeAll(keepingCapacity: true)
        }
        let file: LogFileSummary
        do {
            file = try LogReader.read(
                path: path, logType: logType,
                onRecord: { record in
                    batch.append(record)
                    if batch.count >= batchSize { flush() }
                },
                onIssue: onIssue, onProgress: onProgress)
        } catch {
            flush()  // what was read before the file failed is kept
            throw error
        }
        flush()
        if let failure { throw failure }
        return IngestSummary(file: file, inserted: counts.inserted, duplicates: counts.duplicates)
    }
}
