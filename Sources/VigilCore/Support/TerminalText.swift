/// Text bound for a terminal or a log line, with what an attacker could use there made visible: control characters
/// (an ANSI escape sequence, a carriage return, a line break that would start a forged line), line and paragraph
/// separators, and characters that show nothing or reorder what follows (bidi controls, zero-width spaces; not the
/// joiners U+200C and U+200D, which emoji and several scripts need) are written as `\u{…}`. Alert ids, rule names and tool arguments come from alert data, which an attacker may write.
public enum TerminalText {
    /// `text` with those characters escaped; with `keepingLineBreaks`, `\n` and `\t` are kept (a message of
    /// several lines written by Vigil itself, whose parts from outside were made inert first).
    public static func inert(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLineBreaks) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepingLineBreaks) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, _ keepingLineBreaks: Bool) -> Bool {
        if keepingLineBreaks && (scalar == "\n" || scalar == "\t") { return false }
        // The joiners shape emoji and the words of several scripts (Persian, the Indic ones); they move nothing.
        if scalar == "\u{200C}" || scalar == "\u{200D}" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}
