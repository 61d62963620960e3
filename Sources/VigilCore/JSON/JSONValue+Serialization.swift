extension JSONValue {
    /// Compact JSON, object members in their order: the same value always gives the same bytes.
    public func serialized() -> String {
        var writer = JSONWriter(pretty: false)
        writer.write(self)
        return writer.string
    }

    /// Indented JSON (two spaces), for people to read.
    public func prettyPrinted() -> String {
        var writer = JSONWriter(pretty: true)
        writer.write(self)
        return writer.string
    }

    /// Appends compact JSON to a byte buffer (used on hot output paths).
    public func write(to buffer: inout [UInt8]) {
        var writer = JSONWriter(pretty: false, buffer: buffer)
        buffer = []
        writer.write(self)
        buffer = writer.buffer
    }
}

/// Writes `JSONValue`s as UTF-8 bytes.
struct JSONWriter {
    let pretty: Bool
    var buffer: [UInt8]
    private var indent = 0

    init(pretty: Bool, buffer: [UInt8] = []) {
        self.pretty = pretty
        self.buffer = buffer
        if self.buffer.capacity < 256 { self.buffer.reserveCapacity(1024) }
    }

    var string: String { String(decoding: buffer, as: UTF8.self) }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .int(let i): append(String(i))
        case .double(let d):
            if d.isFinite {
                if d.rounded() == d && abs(d) < 1e15 { append(String(Int64(d))) } else { append(d.description) }
            } else {
                append("null")
            }
        case .string(let s): writeString(s)
        case .array(let elements):
            if elements.isEmpty { return append("[]") }
            buffer.append(UInt8(ascii: "["))
            indent += 1
            for (i, element) in elements.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                newline()
                write(element)
            }
            indent -= 1
            newline()
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { return append("{}") }
            buffer.append(UInt8(ascii: "{"))
            indent += 1
            for (i, member) in members.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                newline()
                writeString(member.key)
                buffer.append(UInt8(ascii: ":"))
                if pretty { buffer.append(UInt8(ascii: " ")) }
                write(member.value)
            }
            indent -= 1
            newline()
            buffer.append(UInt8(ascii: "}"))
        }
    }

    private mutating func newline() {
        guard pretty else { return }
        buffer.append(0x0A)
        for _ in 0..<indent { buffer.append(0x20); buffer.append(0x20) }
    }

    private mutating func append(_ s: String) {
        buffer.append(contentsOf: s.utf8)
    }

    /// Whether any of the eight bytes is a quote, a backslash or a control character.
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func writeString(_ s: String) {
        buffer.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            while i < utf8.count {
                // Skip eight bytes at a time while none needs escaping (SWAR test for '"', '\\', < 0x20).
                if i + 8 <= utf8.count {
                    let word = UnsafeRawPointer(utf8.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    if !Self.needsEscape(word) {
                        i += 8
                        continue
                    }
                }
                let byte = utf8[i]
                i += 1
                guard byte == 0x22 || byte == 0x5C || byte < 0x20 else { continue }
                let at = i - 1
                if runStart < at { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<at])) }
                runStart = i
                switch byte {
                case 0x22: buffer.append(0x5C); buffer.append(0x22)
                case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
                case 0x0A: buffer.append(0x5C); buffer.append(UInt8(ascii: "n"))
                case 0x0D: buffer.append(0x5C); buffer.append(UInt8(ascii: "r"))
                case 0x09: buffer.append(0x5C); buffer.append(UInt8(ascii: "t"))
                default:
                    buffer.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                    buffer.append(Self.hex[Int(byte >> 4)])
                    buffer.append(Self.hex[Int(byte & 0x0F)])
                }
            }
            if runStart < utf8.count { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
