/// Finds the records in a stream of JSON bytes without holding the whole input: JSON Lines (and
/// concatenated documents), a top-level array, or an object whose `Records` array holds them (CloudTrail's
/// S3 delivery format). Each record comes out as its own bytes with the line it starts on, ready to parse.
///
/// A value state machine (depth, strings, escapes) runs over each byte once. In JSON Lines a broken line
/// (an unterminated string, unbalanced braces) is cut at the next line that starts a new object, so it
/// costs one record, not the rest of the file.
struct RecordScanner {
    enum Layout: Equatable {
        case undecided
        /// Values at depth 0: JSON Lines, or pretty-printed documents one after another.
        case values
        /// The elements of a top-level array.
        case array
        /// The elements of the top-level object's `Records` array.
        case records
    }

    struct Span {
        var bytes: [UInt8]
        /// The line the record starts on (1-based).
        var line: Int
        /// The record's number in the file (1-based).
        var index: Int
    }

    private(set) var layout = Layout.undecided
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var line = 1
    private var atLineStart = true
    private var capturing = false
    private var captured: [UInt8] = []
    private var captureLine = 1
    private var count = 0
    // Keys of the top-level object, to find `Records`.
    private var topIsObject = false
    private var expectKey = false
    private var readingKey = false
    private var key: [UInt8] = []
    private var lastKey: [UInt8] = []
    private var recordDepth = 0
    private var inContainer = false

    private static let recordsKey = Array("Records".utf8)

    /// Feeds the next chunk; `emit` receives each complete record.
    mutating func feed(_ chunk: [UInt8], emit: (Span) -> Void) {
        var captureStart = capturing ? 0 : -1
        var i = 0
        let n = chunk.count
        while i < n {
            let b = chunk[i]
            if inString {
                if escaped {
                    escaped = false
                } else if b == 0x5C {
                    escaped = true
                } else if b == 0x22 {
                    inString = false
                    if readingKey {
                        readingKey = false
                        lastKey = key
                    }
                } else if b == 0x0A {
                    // A raw newline cannot be inside a JSON string: the record is broken.
                    line += 1
                    atLineStart = true
                    if layout == .values || layout == .undecided {
                        inString = false
                        finishBroken(chunk, &captureStart, upTo: i, emit: emit)
                    }
                } else if readingKey {
                    key.append(b)
                }
                i += 1
                continue
            }
            let lineStart = atLineStart
            atLineStart = false
            switch b {
            case 0x0A:
                if capturing && depth == 0 && layout == .values {
                    // A value outside any object or array ends with its line (`not json`): the next line is a
                    // record of its own, reported on its own.
                    finishBroken(chunk, &captureStart, upTo: i, emit: emit)
                }
                line += 1
                atLineStart = true
            case 0x20, 0x09, 0x0D:
                break  // a new document is only recognized in the first column
            case 0x22:  // "
                if depth == 1 && topIsObject && expectKey {
                    readingKey = true
                    key.removeAll(keepingCapacity: true)
                } else if !capturing && inContainer && depth == recordDepth {
                    startCapture(at: i, &captureStart)
                }
                inString = true
            case 0x7B, 0x5B:  // { [
                if lineStart && layout == .values && capturing {
                    // A new document starts in column 1 while the last one is still open: it was broken.
                    finishBroken(chunk, &captureStart, upTo: i, emit: emit)
                }
                if depth == 0 && layout == .undecided {
                    layout = b == 0x5B ? .array : .values
                    recordDepth = layout == .array ? 1 : 0
                    inContainer = true
                }
                if !capturing && inContainer && depth == recordDepth {
                    startCapture(at: i, &captureStart)
                }
                depth += 1
                if depth == 1 {
                    topIsObject = b == 0x7B
                    expectKey = topIsObject
                    lastKey.removeAll(keepingCapacity: true)
                }
                if depth == 2 && b == 0x5B && topIsObject && lastKey == Self.recordsKey && layout == .values {
                    // `{"Records": [ … ]}`: the records are this array's elements.
                    layout = .records
                    recordDepth = 2
                    capturing = false
                    captured.removeAll(keepingCapacity: true)
                    captureStart = -1
                }
            case 0x7D, 0x5D:  // } ]
                if capturing && depth == recordDepth && depth > 0 {
                    // The container closes right after a scalar element.
                    finishCapture(chunk, &captureStart, through: i - 1, emit: emit)
                }
                if depth > 0 { depth -= 1 }
                if capturing && depth == recordDepth {
                    finishCapture(chunk, &captureStart, through: i, emit: emit)
                }
                if layout == .records && depth == 1 && b == 0x5D { inContainer = false }
                if layout == .records && depth == 0 {
                    // The delivery object ended; another may follow (`zcat *.json.gz > all.json`).
                    layout = .values
                    recordDepth = 0
                    inContainer = true
                }
            case 0x2C:  // ,
                if depth == 1 && topIsObject { expectKey = true }
                if capturing && depth == recordDepth {
                    // A scalar element ended.
                    finishCapture(chunk, &captureStart, through: i - 1, emit: emit)
                }
            case 0x3A:  // :
                if depth == 1 { expectKey = false }
            default:
                if !capturing && inContainer && depth == recordDepth && depth > 0 {
                    startCapture(at: i, &captureStart)  // a scalar element
                } else if depth == 0 && layout != .array && layout != .records && !capturing {
                    if layout == .undecided { layout = .values; inContainer = true }
                    startCapture(at: i, &captureStart)
                }
            }
            i += 1
        }
        if capturing && captureStart >= 0 {
            captured.append(contentsOf: chunk[captureStart..<n])
        }
    }

    /// Ends the input: an unfinished record is returned as a broken one.
    mutating func finish(emit: (Span) -> Void) {
        if capturing {
            count += 1
            emit(Span(bytes: captured, line: captureLine, index: count))
            capturing = false
            captured.removeAll()
        }
    }

    /// Whether the input ended inside the container (a truncated file).
    var endedInsideContainer: Bool { (layout == .array || layout == .records) && depth > 0 }

    private mutating func startCapture(at i: Int, _ captureStart: inout Int) {
        capturing = true
        captured.removeAll(keepingCapacity: true)
        captureStart = i
        captureLine = line
    }

    private mutating func finishCapture(
        _ chunk: [UInt8], _ captureStart: inout Int, through end: Int, emit: (Span) -> Void
    ) {
        if captureStart >= 0 && end >= captureStart { captured.append(contentsOf: chunk[captureStart...end]) }
        count += 1
        emit(Span(bytes: captured, line: captureLine, index: count))
        capturing = false
        captured.removeAll(keepingCapacity: true)
        captureStart = -1
    }

    private mutating func finishBroken(_ chunk: [UInt8], _ captureStart: inout Int, upTo end: Int, emit: (Span) -> Void)
    {
        guard capturing else {
            depth = 0
            return
        }
        if captureStart >= 0 && end > captureStart { captured.append(contentsOf: chunk[captureStart..<end]) }
        while let last = captured.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 {
            captured.removeLast()
        }
        count += 1
        emit(Span(bytes: captured, line: captureLine, index: count))
        capturing = false
        captured.removeAll(keepingCapacity: true)
        captureStart = -1
        depth = 0
        escaped = false
    }
}
