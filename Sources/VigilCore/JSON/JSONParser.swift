/// A strict RFC 8259 JSON parser over UTF-8 bytes that reports where it failed.
///
/// It is used for every input Vigil reads (alerts, vendor logs), so it favours precise error positions
/// and a bounded nesting depth (a hostile input cannot exhaust the stack).
public struct JSONParser {
    public static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index: Int
    private var depth = 0
    /// Refuse an object that repeats a key, instead of keeping its last value.
    private var rejectRepeatedKeys = false

    private init(bytes: UnsafeBufferPointer<UInt8>, index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    /// Parses exactly one JSON value; anything but whitespace after it is an error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let contiguous = Array(bytes)
        return try contiguous.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer: buffer)
        }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses `text`, refusing an object that repeats a key: where the same text is also read as written (JSON
    /// held in a string, which a model reads raw), a value that parsing would drop must not go unread.
    public static func parseRejectingRepeatedKeys(_ text: String) throws(JSONParseError) -> JSONValue {
        try Array(text.utf8).withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer: buffer, rejectRepeatedKeys: true)
        }
    }

    static func parse(
        buffer: UnsafeBufferPointer<UInt8>, rejectRepeatedKeys: Bool = false
    ) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: buffer)
        parser.rejectRepeatedKeys = rejectRepeatedKeys
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < buffer.count {
            throw parser.error("unexpected content after the JSON value")
        }
        return value
    }

    /// Parses a sequence of JSON values (JSON Lines, or concatenated documents such as `jq` prints).
    ///
    /// Each value is reported with the line it starts on. After a syntax error, parsing resumes at the
    /// next line that starts with `{` or `[` in its first column, so one bad record does not hide the
    /// ones after it.
    public static func parseSequence(
        _ bytes: some Collection<UInt8>
    ) -> [(line: Int, value: Result<JSONValue, JSONParseError>)] {
        let contiguous = Array(bytes)
        return contiguous.withUnsafeBufferPointer { buffer in
            var results: [(line: Int, value: Result<JSONValue, JSONParseError>)] = []
            var index = 0
            var line = 1
            var lineStart = 0
            /// Moves to `target`, counting the lines passed.
            func advance(to target: Int) {
                while index < target {
                    if buffer[index] == 0x0A {
                        line += 1
                        lineStart = index + 1
                    }
                    index += 1
                }
            }
            func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
            while true {
                var next = index
                while next < buffer.count && isWhitespace(buffer[next]) { next += 1 }
                advance(to: next)
                guard index < buffer.count else { return results }
                let startLine = line
                let startColumn = index - lineStart + 1
                var parser = JSONParser(bytes: UnsafeBufferPointer(rebasing: buffer[index...]))
                do throws(JSONParseError) {
                    let value = try parser.parseValue()
                    let end = index + parser.index
                    // A number, string or literal with more text after it on its line is a line of text, not JSON
                    // ("2026-11-02 sshd: fail", "true positive"): one bad record for the line, not one per token.
                    if value.arrayValue == nil, value.objectValue == nil {
                        var after = end
                        while after < buffer.count && buffer[after] != 0x0A && isWhitespace(buffer[after]) { after += 1 }
                        if after < buffer.count && buffer[after] != 0x0A {
                            var lineEnd = after
                            while lineEnd < buffer.count && buffer[lineEnd] != 0x0A { lineEnd += 1 }
                            let column = after - lineStart + 1
                            results.append(
                                (startLine, .failure(
                                    JSONParseError(
                                        message: "text after a value: the line is not JSON", offset: after,
                                        line: startLine, column: column))))
                            advance(to: lineEnd)
                            continue
                        }
                    }
                    results.append((startLine, .success(value)))
                    advance(to: end)
                } catch {
                    var absolute = error
                    absolute.line = startLine + error.line - 1
                    absolute.column = error.line == 1 ? startColumn + error.column - 1 : error.column
                    absolute.offset = index + error.offset
                    results.append((startLine, .failure(absolute)))
                    // A record broken on its first line is a line of JSON Lines, or of stray text: reading resumes at
                    // the next line that is not blank, so that every line is reported. One broken further down is a
                    // document on several lines: reading resumes at the next line that starts one in its first
                    // column, so that the rest of the broken document is not reported line by line.
                    let brokenOnFirstLine = error.line == 1
                    var resume = min(buffer.count, index + max(1, error.offset))
                    while resume < buffer.count
                        && !(buffer[resume - 1] == 0x0A
                            && (brokenOnFirstLine
                                ? !isWhitespace(buffer[resume])
                                : buffer[resume] == UInt8(ascii: "{") || buffer[resume] == UInt8(ascii: "[")))
                    {
                        resume += 1
                    }
                    advance(to: resume)
                }
            }
        }
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character \(describe(bytes[index])), expected a value")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var keys: [String] = []
        var values: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key in object") }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after object key \"\(key)\"") }
            index += 1
            skipWhitespace()
            keys.append(key)
            values.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                let object = Self.object(keys: keys, values: values)
                if rejectRepeatedKeys && object.count < keys.count { throw error("an object repeats a key") }
                return .object(object)
            default: throw error("expected ',' or '}' in object")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    /// An object from parsed members; a repeated key keeps its first position and its last value.
    private static func object(keys: [String], values: [JSONValue]) -> JSONObject {
        let unique =
            keys.count < 12
            ? !keys.indices.contains { i in keys[..<i].contains(keys[i]) } : Set(keys).count == keys.count
        return unique ? JSONObject(uniqueKeys: keys, values: values) : JSONObject(zip(keys, values))
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character \(describe(byte)) in string") }
            index += 1
        }
        var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5C)
                case UInt8(ascii: "/"): scalars.append(0x2F)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape()
                    scalars.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    index -= 2
                    throw error("invalid escape \\\(describe(escape)) in string")
                }
            default:
                if byte < 0x20 { throw error("control character \(describe(byte)) in string") }
                scalars.append(byte)
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xD800...0xDBFF).contains(high) {
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                index += 2
                let low = try parseHex4()
                if (0xDC00...0xDFFF).contains(low) {
                    let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    return Unicode.Scalar(value) ?? "\u{FFFD}"
                }
            }
            return "\u{FFFD}"
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit \(describe(byte)) in \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        var isInteger = true
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw error("invalid number") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw error("leading zero in number") }
        } else {
            while let b = peek(), isDigit(b) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let b = peek(), isDigit(b) else { throw error("expected a digit after '.' in number") }
            while let b = peek(), isDigit(b) { index += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let b = peek(), isDigit(b) else { throw error("expected a digit in number exponent") }
            while let b = peek(), isDigit(b) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw error("number \(text) is out of range") }
        return .double(d)
    }

    private mutating func expectLiteral(_ literal: String) throws(JSONParseError) {
        let expected = literal.utf8
        guard index + expected.count <= bytes.count,
            zip(expected, bytes[index..<(index + expected.count)]).allSatisfy({ $0 == $1 })
        else { throw error("invalid literal, expected \(literal)") }
        index += expected.count
    }

    // MARK: - Helpers

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "0x" + String(byte, radix: 16, uppercase: true)
    }

    private func error(_ message: String) -> JSONParseError {
        var line = 1
        var column = 1
        for i in 0..<min(index, bytes.count) {
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(message: message, offset: index, line: line, column: column)
    }
}

/// Where and why JSON could not be parsed. `line` and `column` are 1-based.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var line: Int
    public var column: Int

    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}
