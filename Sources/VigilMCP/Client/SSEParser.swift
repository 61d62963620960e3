/// One server-sent event.
public struct SSEEvent: Sendable, Hashable {
    public var event: String
    public var data: String
    public var id: String?
    public var retry: Int?
}

/// Parses a `text/event-stream` body as it arrives, per the HTML Living Standard's rules: lines end
/// in LF, CRLF or CR; `data` lines accumulate joined by LF; a blank line dispatches; comments
/// (`:`) are ignored; an event without data is not dispatched; a UTF-8 BOM at the start is skipped.
/// A value-type state machine: feed it bytes, take the events it completes.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var sawCR = false
    private var started = false
    private var eventType = ""
    private var data: [String] = []
    private var hasData = false
    private var lastEventID: String?
    private var retry: Int?
    /// Longest event accepted; a longer one is an error (a hostile or broken server).
    public let maximumEventBytes: Int
    private var eventBytes = 0

    public struct TooLarge: Error, Sendable, CustomStringConvertible {
        public var description: String { "server-sent event is larger than the limit" }
    }

    public init(maximumEventBytes: Int = 16 << 20) {
        self.maximumEventBytes = maximumEventBytes
    }

    /// Feeds bytes; returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(TooLarge) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if sawCR {
                sawCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0A, 0x0D:
                sawCR = byte == 0x0D
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
                eventBytes += 1
                if eventBytes > maximumEventBytes { throw TooLarge() }
            }
        }
        return events
    }

    /// The event a stream that ends without a final blank line leaves pending is discarded, as the
    /// standard says; this returns nothing and resets the parser.
    public mutating func finish() {
        self = SSEParser(maximumEventBytes: maximumEventBytes)
    }

    private mutating func endLine() -> SSEEvent? {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if !started {
            started = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.isEmpty { return dispatch() }
        if bytes.first == UInt8(ascii: ":") { return nil }
        let field: String
        var value = ""
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            field = String(decoding: bytes[..<colon], as: UTF8.self)
            var rest = bytes[(colon + 1)...]
            if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
            value = String(decoding: rest, as: UTF8.self)
        } else {
            field = String(decoding: bytes, as: UTF8.self)
        }
        switch field {
        case "event": eventType = value
        case "data":
            data.append(value)
            hasData = true
        case "id" where !value.contains("\0"): lastEventID = value
        case "retry": if let n = Int(value), n >= 0 { retry = n }
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            eventType = ""
            data.removeAll()
            hasData = false
            eventBytes = 0
        }
        guard hasData else { return nil }
        return SSEEvent(
            event: eventType.isEmpty ? "message" : eventType, data: data.joined(separator: "\n"), id: lastEventID,
            retry: retry)
    }
}
