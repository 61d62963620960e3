/// Text as the scanner compares it: lower-case ASCII where the writing allows, look-alike letters
/// (Cyrillic, Greek, fullwidth, mathematical styles) folded to Latin, invisible characters (zero-width,
/// bidi controls, variation selectors) removed, runs of white space collapsed — and counts of each
/// trick, since legitimate text rarely needs them. ASCII smuggled in Unicode tag characters (or in
/// runs of variation selectors) is recovered as `hidden`.
struct NormalizedText {
    var bytes: [UInt8] = []
    var hidden: [UInt8] = []
    /// Zero-width characters between two Latin letters.
    var zeroWidthInWords = 0
    /// Words that mix Latin letters with Cyrillic or Greek look-alikes.
    var mixedScriptWords = 0
    /// Letters in mathematical or enclosed styles (𝐢𝐠𝐧𝐨𝐫𝐞).
    var styledLetters = 0
    /// Bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069).
    var bidiControls = 0
    /// The longest run of invisible characters (zero-width, invisible operators): long runs encode bits.
    var invisibleRun = 0
    /// Signs of words disguised from a phrase list (`WordDisguise` looks closer only where they are): a
    /// digit followed by a letter ("th1s"), one-letter words in a row ("c l o s e"), separators between a
    /// word and a letter ("ignore_previous", "note.to"), of which underscores and dots.
    var digitLetters = 0
    var singleLetterRun = 0
    var joins = 0
    var underscoreJoins = 0
    var dotJoins = 0
    /// Signs of embedded encodings (`EmbeddedDecoder` looks only where they are): the longest run of ASCII
    /// characters of the base64 alphabets (at least that of the text as written; counting may run a little
    /// long across other scripts' letters), and whether the text has a `%`, a `&` or a backslash (escapes).
    var longestBase64Run = 0
    var percentOrAmpersand = false
    /// Characters that show nothing dropped between a Latin letter and the next letter (controls, zero-width and
    /// format characters, bidi controls and marks, variation selectors), and Hangul fillers anywhere: the words
    /// such a character stood between are read joined, and a filler is kept as written, which parts the word it
    /// stands in. `mayBeParted`: the scanner reads the text once more with them the other way round.
    var partedWords = 0
    var fillers = 0

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        hidden.removeAll(keepingCapacity: true)
        zeroWidthInWords = 0
        mixedScriptWords = 0
        styledLetters = 0
        bidiControls = 0
        invisibleRun = 0
        digitLetters = 0
        singleLetterRun = 0
        joins = 0
        underscoreJoins = 0
        dotJoins = 0
        longestBase64Run = 0
        percentOrAmpersand = false
        partedWords = 0
        fillers = 0
    }

    /// Whether `EmbeddedDecoder.decode` may find anything in the text as written: a base64 or base32 run long enough, a
    /// percent-escape, an entity or a backslash escape, or a right-to-left override (counted among the bidi controls). Exact for valid
    /// UTF-8, which is all the scanner passes (Swift strings, decoded text that passed `isText`); the decoder of
    /// this normaliser would swallow ASCII bytes after an invalid lead byte.
    var mayHoldEncoding: Bool { longestBase64Run >= 20 || percentOrAmpersand || bidiControls > 0 }

    /// Whether `WordDisguise.unmask` may find a disguise here (it decides on the text as written).
    func mayHideWords(identifier: Bool) -> Bool {
        digitLetters >= 2 || singleLetterRun >= 3 || underscoreJoins >= 3
            || (identifier && joins >= 2 && dotJoins < joins)
    }

    /// Whether `InjectionScanner.parted` reads the text otherwise than this: a character that shows nothing joined
    /// two words here, or a Hangul filler parted one.
    var mayBeParted: Bool { partedWords > 0 || fillers > 0 }

    var hasTricks: Bool { zeroWidthInWords > 0 || mixedScriptWords > 0 || styledLetters > 0 || bidiControls > 0 }
}

enum TextNormalizer {
    /// Normalizes UTF-8 `input` into `out` (reset first).
    static func normalize(_ input: UnsafeBufferPointer<UInt8>, into out: inout NormalizedText) {
        var none: [Int32] = []
        normalize(input, into: &out, origins: &none, recording: false)
    }

    /// Where each byte of `input`'s normalized text comes from: the offset in `input` of the character it was
    /// written as, so that a finding can quote the text as written (its case, its look-alike letters) rather than
    /// as compared. Normalizes once more, until more than `count` bytes of the normalized text are mapped (the last
    /// byte may still change: a space becomes the line break after it): findings are rare, and the scan itself
    /// records nothing. Empty for text of 2 GiB or more.
    static func origins(of input: UnsafeBufferPointer<UInt8>, count: Int = .max) -> [Int32] {
        guard input.count <= Int(Int32.max) else { return [] }
        var out = NormalizedText()
        var origins: [Int32] = []
        origins.reserveCapacity(min(input.count, count))
        normalize(input, into: &out, origins: &origins, recording: true, through: count)
        return origins
    }

    /// The scalar that the lead byte at `i` (not ASCII) of UTF-8 `input` starts, and its length in bytes; nil for a
    /// byte that starts no sequence that fits before the end.
    @inline(__always)
    static func scalar(at i: Int, in input: UnsafeBufferPointer<UInt8>) -> (value: UInt32, length: Int)? {
        let byte = input[i]
        let n = input.count
        if byte & 0xE0 == 0xC0, i + 1 < n {
            return (UInt32(byte & 0x1F) << 6 | UInt32(input[i + 1] & 0x3F), 2)
        } else if byte & 0xF0 == 0xE0, i + 2 < n {
            return (UInt32(byte & 0x0F) << 12 | UInt32(input[i + 1] & 0x3F) << 6 | UInt32(input[i + 2] & 0x3F), 3)
        } else if byte & 0xF8 == 0xF0, i + 3 < n {
            return (
                UInt32(byte & 0x07) << 18 | UInt32(input[i + 1] & 0x3F) << 12 | UInt32(input[i + 2] & 0x3F) << 6
                    | UInt32(input[i + 3] & 0x3F), 4
            )
        }
        return nil
    }

    /// Maps the bytes `out` gained since the last call to the character at `offset`.
    @inline(__always)
    private static func record(_ origins: inout [Int32], _ out: NormalizedText, _ offset: Int) {
        while origins.count < out.bytes.count { origins.append(Int32(truncatingIfNeeded: offset)) }
    }

    @inline(__always)
    private static func normalize(
        _ input: UnsafeBufferPointer<UInt8>, into out: inout NormalizedText, origins: inout [Int32], recording: Bool,
        through limit: Int = .max
    ) {
        out.reset()
        out.bytes.reserveCapacity(recording ? min(input.count, limit) : input.count)
        var state = State()
        var i = 0
        let n = input.count
        while i < n {
            let byte = input[i]
            if byte < 0x80 {
                state.emitASCII(byte, &out)
                if recording {
                    record(&origins, out, i)
                    // A line break replaces the space before it (the count stays): it comes from the break.
                    if byte == 0x0A, out.bytes.last == 0x0A, !origins.isEmpty { origins[origins.count - 1] = Int32(i) }
                }
                i += 1
                // Most text is runs of letters and of digits. A letter after a letter (a digit after a digit)
                // changes nothing in the state but the word's length, so the rest of a run is copied here.
                var end = i
                if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A {
                    while end < n, (input[end] | 0x20) >= 0x61 && (input[end] | 0x20) <= 0x7A { end += 1 }
                    state.wordLetters += end - i
                    state.base64Run += end - i
                } else if byte >= 0x30 && byte <= 0x39 {
                    while end < n, input[end] >= 0x30 && input[end] <= 0x39 { end += 1 }
                    state.base64Run += end - i
                }
                if end > i {
                    let from = out.bytes.count
                    out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[i..<end]))
                    // Lower case (digits have the bit set already).
                    out.bytes.withUnsafeMutableBufferPointer { b in for k in from..<b.count { b[k] |= 0x20 } }
                    if recording { for k in i..<end { origins.append(Int32(truncatingIfNeeded: k)) } }
                    i = end
                }
                if recording && origins.count > limit { break }
                continue
            }
            // Decode one scalar (invalid sequences become U+FFFD).
            let (scalar, length) = Self.scalar(at: i, in: input) ?? (0xFFFD, 1)
            state.emitScalar(scalar, raw: UnsafeBufferPointer(rebasing: input[i..<min(n, i + length)]), &out)
            if recording { record(&origins, out, i) }
            i += length
            if recording && origins.count > limit { break }
        }
        state.endFlag(&out)
        state.finishWord(&out)
        state.endBase64Run(&out)
    }

    private struct State {
        var lastWasSpace = true
        var lastWasNewline = false
        /// The last emitted character was a Latin letter (a–z).
        var lastWasLatin = false
        var pendingZeroWidth = false
        /// A character that shows nothing was dropped after a Latin letter (`partedWords` if a letter follows).
        var pendingDrop = false
        var wordHasLatin = false
        var wordHasLookalike = false
        var inFlagSequence = false
        /// The tags after a black flag, held until the cancel tag shows them to be a subdivision flag's.
        var flagTags: [UInt8] = []
        var selectorRun: [UInt8] = []
        var invisible = 0
        /// For the disguise counts: the last character was a digit; letters in the current word; a joining
        /// separator (`_ - . @ + =`, 0 for none) after a word of two letters or more; one-letter words in a row.
        var lastWasDigit = false
        var wordLetters = 0
        var pendingJoin: UInt8 = 0
        var singleRun = 0
        var base64Run = 0

        @inline(__always)
        mutating func endBase64Run(_ out: inout NormalizedText) {
            if base64Run > out.longestBase64Run { out.longestBase64Run = base64Run }
            base64Run = 0
        }

        mutating func emitASCII(_ byte: UInt8, _ out: inout NormalizedText) {
            // Control characters other than white space, NUL and the separators show nothing: dropped, so that none
            // splits a word ("ig\u{1B}nore" reads "ignore"), counted as hiding only between two letters (terminal
            // colours and backspaces stand next to digits and punctuation).
            if byte == 0x7F || (byte > 0x00 && byte < 0x09) || (byte > 0x0D && byte < 0x1C) {
                flushSelectors(&out)
                endFlag(&out)
                if lastWasLatin {
                    pendingZeroWidth = true
                    pendingDrop = true
                }
                return
            }
            flushSelectors(&out)
            invisible = 0
            endFlag(&out)
            switch byte {
            // White space, and NUL and the separators (UTF-16 read as UTF-8, C strings, records and units).
            case 0x20, 0x09, 0x0D, 0x0B, 0x0C, 0x00, 0x1C...0x1F:
                endBase64Run(&out)
                space(&out)
            case 0x0A:
                endBase64Run(&out)
                pendingJoin = 0
                lastWasDigit = false
                finishWord(&out)
                if lastWasSpace, !out.bytes.isEmpty, !lastWasNewline, out.bytes.last == 0x20 { out.bytes.removeLast() }
                if !lastWasNewline { out.bytes.append(0x0A) }
                lastWasSpace = true
                lastWasNewline = true
                lastWasLatin = false
                pendingZeroWidth = false
                pendingDrop = false
            case 0x41...0x5A:
                letter(byte + 0x20, lookalike: false, &out)
            case 0x61...0x7A:
                letter(byte, lookalike: false, &out)
            default:
                let digit = byte >= 0x30 && byte <= 0x39
                switch byte {
                case 0x30...0x39, 0x2B, 0x2F, 0x2D, 0x5F: base64Run += 1
                case 0x25, 0x26, 0x5C:
                    out.percentOrAmpersand = true
                    endBase64Run(&out)
                default: endBase64Run(&out)
                }
                pendingJoin = 0
                if !digit {
                    switch byte {
                    case 0x5F, 0x2D, 0x2E, 0x40, 0x2B, 0x3D: if wordLetters >= 2 { pendingJoin = byte }
                    default: break
                    }
                    finishWord(&out)
                }
                out.bytes.append(byte)
                lastWasDigit = digit
                lastWasSpace = false
                lastWasNewline = false
                lastWasLatin = false
                pendingZeroWidth = false
                pendingDrop = false
            }
        }

        mutating func emitScalar(_ v: UInt32, raw: UnsafeBufferPointer<UInt8>, _ out: inout NormalizedText) {
            endBase64Run(&out)
            pendingJoin = 0
            lastWasDigit = false
            // Tag characters: ASCII written invisibly, legitimate only in a subdivision flag: a black flag, up to
            // seven tags of lower-case letters and digits, the cancel tag. Anything else is hidden text, recovered.
            if v >= 0xE0000 && v <= 0xE007F {
                let ascii = UInt8(v - 0xE0000)
                if inFlagSequence {
                    if v == 0xE007F {
                        flagTags.removeAll(keepingCapacity: true)
                        inFlagSequence = false
                        return
                    }
                    if flagTags.count < 7, (ascii >= 0x61 && ascii <= 0x7A) || (ascii >= 0x30 && ascii <= 0x39) {
                        flagTags.append(ascii)
                        return
                    }
                    endFlag(&out)
                }
                if ascii >= 0x20 && ascii <= 0x7E { out.hidden.append(ascii) }
                if lastWasLatin { pendingDrop = true }
                return
            }
            // Variation selectors: dropped; long runs can smuggle bytes (one per selector).
            if (v >= 0xFE00 && v <= 0xFE0F) || (v >= 0xE0100 && v <= 0xE01EF) {
                endFlag(&out)
                let value = v >= 0xE0100 ? v - 0xE0100 + 16 : v - 0xFE00
                selectorRun.append(UInt8(truncatingIfNeeded: value))
                if lastWasLatin { pendingDrop = true }
                return
            }
            flushSelectors(&out)
            endFlag(&out)
            inFlagSequence = v == 0x1F3F4
            if !(v >= 0x200B && v <= 0x200D) && !(v >= 0x2060 && v <= 0x2064) && v != 0xFEFF { invisible = 0 }
            switch v {
            // Characters that show nothing: zero-width and format characters, Mongolian and other variation selectors
            // outside the two blocks above, invisible musical symbols, code points reserved as default-ignorable.
            case 0x200B...0x200D, 0x2060...0x2065, 0x206A...0x206F, 0xFEFF, 0x180B...0x180F, 0x034F, 0x17B4,
                0x17B5, 0xFFF0...0xFFFB, 0x1BCA0...0x1BCA3, 0x1D173...0x1D17A, 0xE0080...0xE00FF, 0xE01F0...0xE0FFF:
                hide(&out)
                return
            // C1 controls (Windows quotes and dashes read as Latin-1 among them, between letters) and soft hyphens
            // (where honest text may break a word: inside it): dropped, not counted.
            case 0x80...0x84, 0x86...0x9F, 0x00AD:
                if lastWasLatin { pendingDrop = true }
                return
            case 0x200E, 0x200F, 0x061C:
                if lastWasLatin { pendingDrop = true }
                return  // directional marks: legitimate in right-to-left text
            case 0x202A...0x202E, 0x2066...0x2069:
                out.bidiControls += 1
                if lastWasLatin { pendingDrop = true }
                return
            case 0x115F, 0x1160, 0x3164, 0xFFA0:
                out.fillers += 1  // Hangul fillers: kept as written, below
            case 0x00A0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000, 0x2028, 0x2029, 0x0085:
                space(&out)
                return
            case 0xFF01...0xFF5E:
                let ascii = UInt8(v - 0xFEE0)
                if ascii >= 0x41 && ascii <= 0x5A {
                    letter(ascii + 0x20, lookalike: false, &out)
                } else if ascii >= 0x61 && ascii <= 0x7A {
                    letter(ascii, lookalike: false, &out)
                } else {
                    emitASCII(ascii, &out)
                }
                return
            default:
                break
            }
            if let styled = Self.styledLetter(v) {
                out.styledLetters += 1
                letter(styled, lookalike: false, &out)
                return
            }
            if let latin = Confusables.latin(for: v) {
                letter(latin, lookalike: true, &out)
                return
            }
            // Anything else stays as it is.
            out.bytes.append(contentsOf: raw)
            lastWasSpace = false
            lastWasNewline = false
            lastWasLatin = false
            pendingZeroWidth = false
            pendingDrop = false
        }

        /// Ends a black flag's tag sequence: tags held that no cancel tag closed are hidden text.
        @inline(__always)
        mutating func endFlag(_ out: inout NormalizedText) {
            if !flagTags.isEmpty { flushFlagTags(&out) }
            inFlagSequence = false
        }

        private mutating func flushFlagTags(_ out: inout NormalizedText) {
            out.hidden.append(contentsOf: flagTags)
            flagTags.removeAll(keepingCapacity: true)
        }

        /// A character that shows nothing: dropped, counted as hiding when it stands in a word.
        private mutating func hide(_ out: inout NormalizedText) {
            if lastWasLatin {
                pendingZeroWidth = true
                pendingDrop = true
            }
            invisible += 1
            if invisible > out.invisibleRun { out.invisibleRun = invisible }
        }

        @inline(__always)
        private mutating func letter(_ byte: UInt8, lookalike: Bool, _ out: inout NormalizedText) {
            if pendingZeroWidth { out.zeroWidthInWords += 1 }
            if pendingDrop { out.partedWords += 1 }
            pendingZeroWidth = false
            pendingDrop = false
            if lookalike { wordHasLookalike = true } else { wordHasLatin = true }
            if lastWasDigit { out.digitLetters += 1 }
            if pendingJoin != 0 {
                out.joins += 1
                if pendingJoin == 0x5F { out.underscoreJoins += 1 } else if pendingJoin == 0x2E { out.dotJoins += 1 }
                pendingJoin = 0
            }
            lastWasDigit = false
            wordLetters += 1
            base64Run += 1
            out.bytes.append(byte)
            lastWasSpace = false
            lastWasNewline = false
            lastWasLatin = true
        }

        private mutating func space(_ out: inout NormalizedText) {
            pendingJoin = 0
            lastWasDigit = false
            finishWord(&out)
            if !lastWasSpace { out.bytes.append(0x20) }
            lastWasSpace = true
            lastWasLatin = false
            pendingZeroWidth = false
            pendingDrop = false
        }

        mutating func finishWord(_ out: inout NormalizedText) {
            if wordHasLatin && wordHasLookalike { out.mixedScriptWords += 1 }
            if wordLetters == 1 {
                singleRun += 1
                if singleRun > out.singleLetterRun { out.singleLetterRun = singleRun }
            } else if wordLetters > 1 {
                singleRun = 0
            }
            wordLetters = 0
            wordHasLatin = false
            wordHasLookalike = false
            flushSelectors(&out)
        }

        /// Called for every character: the check is inlined, the rare flush is not.
        @inline(__always)
        private mutating func flushSelectors(_ out: inout NormalizedText) {
            if !selectorRun.isEmpty { flushSelectorRun(&out) }
        }

        private mutating func flushSelectorRun(_ out: inout NormalizedText) {
            if selectorRun.count >= 8 {
                for b in selectorRun where b >= 0x20 && b < 0x7F { out.hidden.append(b) }
            }
            selectorRun.removeAll(keepingCapacity: true)
        }

        /// Mathematical alphanumeric letters (U+1D400–U+1D6A3) and enclosed/circled letters to a–z.
        static func styledLetter(_ v: UInt32) -> UInt8? {
            if v >= 0x1D400 && v <= 0x1D6A3 {
                return UInt8(0x61 + (v - 0x1D400) % 52 % 26)
            }
            if v >= 0x24B6 && v <= 0x24E9 { return UInt8(0x61 + (v - 0x24B6) % 26) }  // Ⓐ…ⓩ
            if v >= 0x1F130 && v <= 0x1F149 { return UInt8(0x61 + (v - 0x1F130)) }  // 🄰…🅉
            if v >= 0x1F150 && v <= 0x1F169 { return UInt8(0x61 + (v - 0x1F150)) }
            if v >= 0x1F170 && v <= 0x1F189 { return UInt8(0x61 + (v - 0x1F170)) }
            if v >= 0x1F1E6 && v <= 0x1F1FF { return nil }  // regional indicators: flags
            return nil
        }
    }
}

/// Cyrillic, Greek and other letters that look like Latin ones (after Unicode's confusables list).
enum Confusables {
    static func latin(for v: UInt32) -> UInt8? {
        guard v >= 0x0180, v <= 0x1E9F else { return nil }
        return table[v].map { UInt8(ascii: $0) }
    }

    private static let table: [UInt32: Unicode.Scalar] = [
        // Cyrillic
        0x0430: "a", 0x0410: "a", 0x0432: "b", 0x0412: "b", 0x0441: "c", 0x0421: "c", 0x0501: "d", 0x0435: "e",
        0x0415: "e", 0x04BB: "h", 0x041D: "h", 0x0456: "i", 0x0406: "i", 0x0458: "j", 0x0408: "j", 0x043A: "k",
        0x041A: "k", 0x04CF: "l", 0x041C: "m", 0x043E: "o", 0x041E: "o", 0x0440: "p", 0x0420: "p", 0x051B: "q",
        0x0455: "s", 0x0405: "s", 0x0442: "t", 0x0422: "t", 0x0443: "y", 0x0423: "y", 0x0445: "x", 0x0425: "x",
        0x051D: "w", 0x0461: "w", 0x0475: "v", 0x04AF: "y", 0x0491: "r", 0x0433: "r", 0x0437: "z",
        // Greek
        0x03B1: "a", 0x0391: "a", 0x0392: "b", 0x03B2: "b", 0x0395: "e", 0x03B5: "e", 0x0396: "z", 0x0397: "h",
        0x0399: "i", 0x03B9: "i", 0x039A: "k", 0x03BA: "k", 0x039C: "m", 0x039D: "n", 0x03BD: "v", 0x039F: "o",
        0x03BF: "o", 0x03A1: "p", 0x03C1: "p", 0x03A4: "t", 0x03C4: "t", 0x03A5: "y", 0x03C5: "u", 0x03A7: "x",
        0x03C7: "x", 0x03F2: "c", 0x03F3: "j", 0x03B3: "y", 0x0393: "r", 0x03B7: "n", 0x03C9: "w", 0x03BC: "u",
        // Latin extensions and IPA that pass for plain letters
        0x0261: "g", 0x0251: "a", 0x0269: "i", 0x026A: "i", 0x0280: "r", 0x028F: "y", 0x1D00: "a", 0x1D04: "c",
        0x1D05: "d", 0x1D07: "e", 0x1D0A: "j", 0x1D0B: "k", 0x1D0D: "m", 0x1D0F: "o", 0x1D18: "p", 0x1D1B: "t",
        0x1D1C: "u", 0x1D20: "v", 0x1D21: "w", 0x1D22: "z", 0x0262: "g", 0x029C: "h", 0x0274: "n", 0x0299: "b",
    ]
}
