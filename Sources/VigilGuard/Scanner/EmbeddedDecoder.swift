/// Finds text hidden in encodings inside a string: base64, base32 and hex runs, percent-encoding, HTML entities,
/// `\u`/`\x` escapes, text reversed by a right-to-left override (and, for the scanner, ROT13 and text read backwards
/// where the text says so).
/// Only decodings that read as text are returned — binary data decoded by chance is dropped.
enum EmbeddedDecoder {
    enum Encoding: String {
        case base64, base32, hex, percent, html, escapes, reversed, rot13
    }

    /// Decoded texts found in `bytes`, at most `budget` bytes in all.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, budget: Int = 65_536) -> [(Encoding, [UInt8])] {
        var result: [(Encoding, [UInt8])] = []
        var remaining = budget
        var percents = 0
        var ampersand = false
        var escapes = 0
        var rightToLeftOverride = false
        var runStart = -1
        func closeRun(_ end: Int) {
            defer { runStart = -1 }
            guard runStart >= 0, end - runStart >= 20, remaining > 0 else { return }
            let run = UnsafeBufferPointer(rebasing: bytes[runStart..<end])
            if let decoded = hex(run) {
                // Hex digits are base64 letters too; a run of them is read as hex ("0x" before it allowed).
                if isText(decoded) {
                    remaining -= decoded.count
                    result.append((.hex, decoded))
                }
            } else if let decoded = base64Text(run) {
                remaining -= decoded.count
                result.append((.base64, decoded))
            } else if let decoded = base32(run), isText(decoded) {
                remaining -= decoded.count
                result.append((.base32, decoded))
            } else if let separator = run.prefix(16).firstIndex(where: { $0 == 0x2F || $0 == 0x2D || $0 == 0x5F }),
                run.count - separator - 1 >= 20,
                let decoded = base64Text(UnsafeBufferPointer(rebasing: run[(separator + 1)...]))
            {
                // A label joined to the payload by a character base64 also uses: "cfg/YXNzaXN0…", "v2-SWdub3Jl…".
                remaining -= decoded.count
                result.append((.base64, decoded))
            }
        }
        for i in 0..<bytes.count {
            let b = bytes[i]
            if isBase64(b) {
                if runStart < 0 { runStart = i }
            } else if b == 0x3D {  // '=' padding ends a run
                if runStart >= 0 { closeRun(i) }
            } else {
                if runStart >= 0 { closeRun(i) }
                if b == 0x25, i + 2 < bytes.count, hex(bytes[i + 1]) >= 0, hex(bytes[i + 2]) >= 0 { percents += 1 }
                if b == 0x26 { ampersand = true }
                if b == 0x5C, i + 3 < bytes.count, bytes[i + 1] == 0x75 || bytes[i + 1] == 0x78,
                    hex(bytes[i + 2]) >= 0, hex(bytes[i + 3]) >= 0
                {
                    escapes += 1
                }
                if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xAE {
                    rightToLeftOverride = true
                }
            }
        }
        if runStart >= 0 { closeRun(bytes.count) }
        if percents >= 3, remaining > 0 {
            let decoded = percentDecode(bytes)
            if isText(decoded) { result.append((.percent, decoded)) }
        }
        if ampersand, remaining > 0, let decoded = htmlDecode(bytes), isText(decoded) {
            result.append((.html, decoded))
        }
        if escapes >= 3, remaining > 0, let decoded = unescaped(bytes), isText(decoded) {
            result.append((.escapes, decoded))
        }
        if rightToLeftOverride, let decoded = unreversed(bytes) { result.append((.reversed, decoded)) }
        return result
    }

    // MARK: - base32

    /// A run of base32 (RFC 4648: capitals and the digits 2–7, at least 16 of them, with a digit among them; `decode`
    /// passes runs of 20 or more), decoded; nil for any other run. A word in capitals has no digit and is not tried.
    static func base32(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard run.count >= 16 else { return nil }
        var hasDigit = false
        for b in run {
            if b >= 0x32 && b <= 0x37 {
                hasDigit = true
            } else if !(b >= 0x41 && b <= 0x5A) {
                return nil
            }
        }
        guard hasDigit else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(run.count * 5 / 8)
        var accumulator: UInt32 = 0
        var bits = 0
        for b in run {
            accumulator = accumulator << 5 | UInt32(b >= 0x41 ? b - 0x41 : b - 0x32 + 26)
            bits += 5
            if bits >= 8 {
                bits -= 8
                let byte = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                // Keys and ids in capitals and digits (most such runs) decode to control bytes or to bytes UTF-8
                // never uses at once; text in any script does not.
                if out.count < 6,
                    (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F || byte == 0xC0
                        || byte == 0xC1 || byte >= 0xF5
                {
                    return nil
                }
                out.append(byte)
            }
        }
        return out
    }

    // MARK: - reversal

    /// The text read backwards, for a text that says it is written so ("read backwards", "reversed"): the whole
    /// of it reversed, then each word reversed in place (an intruder may reverse the words or only their letters).
    static func reversals(_ bytes: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        // Written out as UTF-8 bytes: appending to a `String.UnicodeScalarView` word by word grew with the square of
        // the number of words.
        var whole: [UInt8] = []
        whole.reserveCapacity(bytes.count)
        for s in scalars.reversed() { UTF8.encode(s) { whole.append($0) } }
        var words: [UInt8] = []
        words.reserveCapacity(bytes.count)
        var word: [Unicode.Scalar] = []
        for s in scalars {
            if s.properties.isAlphabetic || s.properties.numericType != nil {
                word.append(s)
            } else {
                for w in word.reversed() { UTF8.encode(w) { words.append($0) } }
                word.removeAll(keepingCapacity: true)
                UTF8.encode(s) { words.append($0) }
            }
        }
        for w in word.reversed() { UTF8.encode(w) { words.append($0) } }
        return [whole, words]
    }

    // MARK: - base64

    private static let base64Value: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = Int8(i)
        }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// A run of an even number of hex digits (at least 20, after an optional `0x`), decoded; nil for any other
    /// run. A digest or an id decodes to control bytes early: once more than 5% of the bytes are controls, the
    /// result is empty (`isText` would reject it).
    static func hex(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var start = 0
        if run.count > 2 && run[0] == 0x30 && (run[1] == 0x78 || run[1] == 0x58) { start = 2 }
        let digits = run.count - start
        guard digits >= 20, digits % 2 == 0, run[start...].allSatisfy({ hex($0) >= 0 }) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits / 2)
        var controls = 0
        var i = start
        while i < run.count {
            let byte = UInt8(hex(run[i]) * 16 + hex(run[i + 1]))
            if (byte < 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D) || byte == 0x7F {
                controls += 1
                if controls * 100 > digits / 2 * 5 { return [] }
            }
            out.append(byte)
            i += 2
        }
        return out
    }

    /// The text with ROT13 undone, for a text that names the cipher (an intruder tells the model how to read
    /// what filters cannot).
    static func rot13(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        bytes.map { b in
            switch b {
            case 0x41...0x5A: (b - 0x41 + 13) % 26 + 0x41
            case 0x61...0x7A: (b - 0x61 + 13) % 26 + 0x61
            default: b
            }
        }
    }

    @inline(__always)
    private static func isBase64(_ b: UInt8) -> Bool {
        let letter = b | 0x20
        return (letter >= 0x61 && letter <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2F || b == 0x2D
            || b == 0x5F
    }

    /// Whether the run's decoding can pass `isText`, judged without decoding it into an array: random data (ids,
    /// digests, keys) decodes to control bytes, which rule it out long before the end. Exact: it rejects only
    /// what `isText` would reject (fewer than two spaces, bytes never valid in UTF-8, more than 5% ASCII controls
    /// — each control byte is a scalar of its own, and there are at most as many scalars as bytes).
    static func mayDecodeToText(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = run.count * 6 / 8
        guard count >= 8 else { return false }
        var accumulator: UInt32 = 0
        var bits = 0
        var spaces = 0
        var controls = 0
        for b in run {
            accumulator = accumulator << 6 | UInt32(base64Value[Int(b)])
            bits += 6
            guard bits >= 8 else { continue }
            bits -= 8
            let byte = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
            if byte == 0x20 {
                spaces += 1
            } else if (byte < 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D) || byte == 0x7F {
                controls += 1
                if controls * 100 > count * 5 { return false }
            } else if byte == 0xC0 || byte == 0xC1 || byte >= 0xF5 {
                return false
            }
        }
        return spaces >= 2
    }

    /// The run decoded, if it reads as text: UTF-8, or UTF-16LE as PowerShell's `-EncodedCommand` takes it.
    private static func base64Text(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if mayDecodeToText(run), let decoded = base64(run), isText(decoded) { return decoded }
        guard mayBeUTF16(run), let decoded = base64(run) else { return nil }
        var ascii: [UInt8] = []
        ascii.reserveCapacity(decoded.count / 2)
        var k = 0
        while k + 1 < decoded.count {
            guard decoded[k + 1] == 0 else { return nil }
            ascii.append(decoded[k])
            k += 2
        }
        return isText(ascii) ? ascii : nil
    }

    /// Whether the run starts as UTF-16LE ASCII would: a printable byte, then a zero, four times.
    private static func mayBeUTF16(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard run.count >= 24 else { return false }
        var accumulator: UInt32 = 0
        var bits = 0
        var index = 0
        for b in run.prefix(12) {
            accumulator = accumulator << 6 | UInt32(base64Value[Int(b)])
            bits += 6
            guard bits >= 8 else { continue }
            bits -= 8
            let byte = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
            if index % 2 == 1 ? byte != 0 : (byte < 0x09 || byte > 0x7E) { return false }
            index += 1
        }
        return index >= 8
    }

    static func base64(_ run: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        // A run of letters only (a long word, a hex digest) is not worth decoding.
        var hasDigitOrUpper = false
        var hasLower = false
        for b in run {
            if b >= 0x61 && b <= 0x7A { hasLower = true } else { hasDigitOrUpper = true }
        }
        guard hasDigitOrUpper && hasLower else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(run.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for b in run {
            accumulator = accumulator << 6 | UInt32(base64Value[Int(b)])
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }

    /// The text as a reader sees it when a right-to-left override (U+202E) displays it reversed:
    /// each overridden run, up to the closing U+202C, reversed back.
    static func unreversed(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        // Written out as UTF-8 bytes (appending runs to a `String.UnicodeScalarView` grew with the square of their number).
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        var changed = false
        while i < scalars.count {
            if scalars[i].value == 0x202E {
                var j = i + 1
                while j < scalars.count, scalars[j].value != 0x202C { j += 1 }
                for s in scalars[(i + 1)..<j].reversed() { UTF8.encode(s) { out.append($0) } }
                changed = true
                i = j + 1
            } else {
                UTF8.encode(scalars[i]) { out.append($0) }
                i += 1
            }
        }
        return changed ? out : nil
    }

    // MARK: - escapes

    /// The text with `\uXXXX` and `\xXX` escapes (as JSON, JavaScript, Python and shells write them) replaced by
    /// what they stand for, or nil when there are none. `\x` escapes are bytes (`\xd0\xb8` is "и" in UTF-8), read as
    /// Latin-1 when they are not UTF-8; a `\u` surrogate pair is one character.
    static func unescaped(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        func decode(bytesAreLatin1: Bool) -> [UInt8]? {
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var changed = false
            var i = 0
            let n = bytes.count
            func value(_ at: Int, _ width: Int) -> UInt32? {
                guard at + width <= n else { return nil }
                var v: UInt32 = 0
                for k in 0..<width {
                    let digit = hex(bytes[at + k])
                    guard digit >= 0 else { return nil }
                    v = v << 4 | UInt32(digit)
                }
                return v
            }
            func append(_ scalar: Unicode.Scalar) { out.append(contentsOf: String(scalar).utf8) }
            while i < n {
                if bytes[i] == 0x5C, i + 1 < n {
                    if bytes[i + 1] == 0x78, let byte = value(i + 2, 2) {
                        if bytesAreLatin1 { append(Unicode.Scalar(UInt8(byte))) } else { out.append(UInt8(byte)) }
                        changed = true
                        i += 4
                        continue
                    }
                    if bytes[i + 1] == 0x75, var v = value(i + 2, 4) {
                        var length = 6
                        if v >= 0xD800 && v <= 0xDBFF, i + 7 < n, bytes[i + 6] == 0x5C, bytes[i + 7] == 0x75,
                            let low = value(i + 8, 4), low >= 0xDC00 && low <= 0xDFFF
                        {
                            v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                            length = 12
                        }
                        if let scalar = Unicode.Scalar(v) {
                            append(scalar)
                            changed = true
                            i += length
                            continue
                        }
                    }
                }
                out.append(bytes[i])
                i += 1
            }
            return changed ? out : nil
        }
        guard let utf8 = decode(bytesAreLatin1: false) else { return nil }
        if String(validating: utf8, as: UTF8.self) != nil { return utf8 }
        return decode(bytesAreLatin1: true)
    }

    // MARK: - percent and HTML

    private static func hex(_ b: UInt8) -> Int {
        switch b {
        case 0x30...0x39: Int(b - 0x30)
        case 0x41...0x46: Int(b - 0x41 + 10)
        case 0x61...0x66: Int(b - 0x61 + 10)
        default: -1
        }
    }

    static func percentDecode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x25, i + 2 < bytes.count, hex(bytes[i + 1]) >= 0, hex(bytes[i + 2]) >= 0 {
                out.append(UInt8(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2])))
                i += 3
            } else {
                out.append(bytes[i] == 0x2B ? 0x20 : bytes[i])
                i += 1
            }
        }
        return out
    }

    private static let named: [String: String] = [
        "lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'", "nbsp": " ", "lsqb": "[", "rsqb": "]",
        "lpar": "(", "rpar": ")", "vert": "|", "colon": ":", "sol": "/", "excl": "!", "num": "#", "equals": "=",
    ]

    static func htmlDecode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var decodedAny = false
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x26,
                let semicolon = (i + 1..<min(bytes.count, i + 12)).first(where: { bytes[$0] == 0x3B })
            else {
                out.append(bytes[i])
                i += 1
                continue
            }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 1)..<semicolon]), as: UTF8.self)
            var scalar: Unicode.Scalar?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if name.hasPrefix("#") {
                scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
            } else if let text = named[name.lowercased()] {
                scalar = text.unicodeScalars.first
            }
            if let scalar {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                decodedAny = true
                i = semicolon + 1
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return decodedAny ? out : nil
    }

    /// Valid UTF-8, mostly printable, with some spaces: text a model would read.
    static func isText(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        var printable = 0
        var spaces = 0
        var total = 0
        var valid = true
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // ASCII: one scalar per byte.
            for b in bytes {
                if b == 0x20 { spaces += 1 }
                if b >= 0x20 && b != 0x7F || b == 0x0A || b == 0x09 || b == 0x0D { printable += 1 }
            }
            return spaces >= 2 && printable * 100 >= bytes.count * 95
        }
        String(decoding: bytes, as: UTF8.self).unicodeScalars.forEach { s in
            total += 1
            if s.value == 0xFFFD { valid = false }
            if s.value == 0x20 { spaces += 1 }
            if s.value >= 0x20 && s.value != 0x7F || s.value == 0x0A || s.value == 0x09 || s.value == 0x0D {
                printable += 1
            }
        }
        return valid && spaces >= 2 && printable * 100 >= total * 95
    }
}
