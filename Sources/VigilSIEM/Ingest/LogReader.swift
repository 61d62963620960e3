import VigilCore

/// One record read from a log file, with where it was.
public struct LogRecord: Sendable {
    public var file: String
    /// The line the record starts on (1-based).
    public var line: Int
    public var logType: LogType?
    public var record: JSONValue
    /// The record's bytes exactly as they were in the file, when read from one.
    public var original: [UInt8]?

    public init(file: String, line: Int, logType: LogType?, record: JSONValue, original: [UInt8]? = nil) {
        self.file = file
        self.line = line
        self.logType = logType
        self.record = record
        self.original = original
    }

    public var event: RawEvent { RawEvent(logType: logType, record: record) }
}

/// A record that could not be read; the rest of the file still is.
public struct LogIssue: Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// What reading a file found.
public struct LogFileSummary: Sendable {
    public var file: String
    public var logType: LogType?
    public var records = 0
    public var malformed = 0
    public var bytes = 0
}

/// Streams the records of log files: CloudTrail (S3 delivery `{"Records": […]}`, arrays, JSON Lines),
/// Okta System Log (API arrays, JSON Lines), CrowdStrike FDR and other JSON Lines, gzip-compressed or
/// not. The log type is recognized per file from its first record unless given.
public enum LogReader {
    public static func read(
        path: String, logType forced: LogType? = nil, onRecord: (LogRecord) -> Void, onIssue: (LogIssue) -> Void,
        onProgress: (LogFileSummary) -> Void = { _ in }
    ) throws(LogReadError) -> LogFileSummary {
        let source = try ByteSource(path: path)
        var scanner = RecordScanner()
        var summary = LogFileSummary(file: path, logType: forced)
        func handle(_ span: RecordScanner.Span) {
            do {
                let value = try JSONParser.parse(span.bytes)
                guard case .object = value else {
                    summary.malformed += 1
                    onIssue(
                        LogIssue(
                            file: path, line: span.line, message: "expected a JSON object, found \(value.typeName)"))
                    return
                }
                if summary.logType == nil { summary.logType = NormalizedEvent.guessLogType(value) }
                summary.records += 1
                onRecord(
                    LogRecord(
                        file: path, line: span.line, logType: summary.logType ?? NormalizedEvent.guessLogType(value),
                        record: value, original: span.bytes))
            } catch {
                summary.malformed += 1
                let line = span.line + error.line - 1
                // In a file of many records per line (an S3 delivery), the record number says which one.
                let place =
                    error.line == 1 && span.index > 1
                    ? "record \(span.index), column \(error.column)" : "column \(error.column)"
                onIssue(
                    LogIssue(
                        file: path, line: line, message: "invalid JSON at \(place): \(error.message)"))
            }
        }
        var first = true
        while var chunk = try source.next() {
            summary.bytes += chunk.count
            if first && chunk.starts(with: [0xEF, 0xBB, 0xBF]) { chunk.removeFirst(3) }  // UTF-8 byte-order mark
            first = false
            scanner.feed(chunk, emit: handle)
            onProgress(summary)
        }
        scanner.finish(emit: handle)
        if scanner.endedInsideContainer {
            onIssue(LogIssue(file: path, line: 0, message: "the file ends inside its top-level array (truncated?)"))
        }
        return summary
    }
}
