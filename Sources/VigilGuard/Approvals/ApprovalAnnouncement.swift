import VigilCore

/// The chat message that tells people an approval request waits for them (`guard.announce`).
///
/// Written for Slack-like markup. Everything in it but Vigil's own words and the request's id comes from the agents
/// (the tool, the case id, the arguments, the reason), and through them from alert data an attacker may write, so
/// those parts are made inert before they are posted, one Unicode scalar at a time (a `<` joined to another
/// character in one grapheme is still a `<`):
///
/// - `&`, `<` and `>` are escaped as Slack requires, so no `<!channel>` mention or `<url|label>` link can be formed;
/// - each part is shown as inline code, without spaces at its ends (where Slack applies no formatting); a backtick
///   in it becomes `'`, so none can end the code early or open a block, and `://` is written `[:]//`, so a URL with
///   a scheme is not a link;
/// - line breaks, other control characters, white space and blank fillers become one space, so no part can start a
///   line of its own (no fake "Approved by …" line); characters that show nothing (bidi controls, zero-width
///   characters) are dropped, so none can reorder or hide what is shown; more than two combining marks in a row
///   are dropped;
/// - each part is cut (an ellipsis marks the cut), so the whole message stays under 3,500 Unicode scalars, well
///   within a chat message's 4,000.
public enum ApprovalAnnouncement {
    /// The most Unicode scalars the arguments, and the reason, are shown with (escapes and the cut's mark included).
    public static let partLimit = 1_000
    /// The same for the short parts: the tool, the case id, the tier and the agent.
    public static let shortPartLimit = 200

    public static func text(for approval: Approval) -> String {
        let short = { (text: String) in inert(text, limit: shortPartLimit) }
        return """
            Vigil asks for approval \(approval.id): \(short(approval.tool)) for case \(short(approval.caseID)) \
            (\(short(approval.tier)), agent \(short(approval.agent))).
            Arguments: \(inert(JSONValue.object(approval.arguments).serialized()))
            Why: \(inert(approval.reason)) (rule \(short(approval.rule)))
            Expires \(approval.expiresAt). The arguments and the reason come from the agents and the alert: check \
            them against the case before deciding.
            Approve: vigil guard approve \(approval.id) --by NAME
            Deny: vigil guard deny \(approval.id) --by NAME
            """
    }

    /// The message that tells the channel what a person decided on a request (posted when the decision is written to
    /// the audit log), so that no one else acts on the request. Who decided and their note are made inert as the
    /// agents' parts are: a name given to `--by` is shown, not formatted.
    public static func decisionText(for approval: Approval) -> String {
        let short = { (text: String) in inert(text, limit: shortPartLimit) }
        let who = short(approval.decidedBy ?? "")
        let when = approval.decidedAt.map { " at \($0)" } ?? ""
        let what = "\(short(approval.tool)) for case \(short(approval.caseID))"
        // What became of it by the time the decision is posted (a running Vigil may post it seconds later).
        let outcome =
            switch approval.status {
            case .denied, .pending: "will not run."
            case .approved: "may run once, with the arguments requested, until \(approval.expiresAt)."
            case .used: "has run with it (the approval is used)."
            case .expired: "did not run in time; the approval expired at \(approval.expiresAt)."
            }
        let verb = approval.status == .denied ? "denied" : "approved"
        var text = "Vigil approval \(approval.id) was \(verb) by \(who)\(when): \(what) \(outcome)"
        if let note = approval.note, !note.isEmpty { text += "\nNote: \(inert(note))" }
        text += "\nDecided with `vigil guard approve`/`deny` or the approvals API; `vigil guard approvals` lists the request."
        return text
    }

    /// `text` made inert (above) and shown as inline code, in at most `limit` Unicode scalars; `(empty)` when nothing
    /// is left to show.
    static func inert(_ text: String, limit: Int = partLimit) -> String {
        // What is kept: nothing that shows nothing, one space for any run of breaks and blanks, at most two
        // combining marks in a row.
        var kept: [Unicode.Scalar] = []
        var marks = 0
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            switch category {
            case .format, .unassigned, .privateUse, .surrogate:
                continue
            case .nonspacingMark, .enclosingMark, .spacingMark:
                marks += 1
                if marks > 2 || kept.last == " " { continue }
                kept.append(scalar)
            case .control, .lineSeparator, .paragraphSeparator, .spaceSeparator:
                marks = 0
                if kept.last != " " { kept.append(" ") }
            default:
                marks = 0
                if scalar.properties.isWhitespace || blanks.contains(scalar.value) {
                    if kept.last != " " { kept.append(" ") }
                } else {
                    kept.append(scalar)
                }
            }
        }
        // No space at either end (a code span that starts or ends with one may not show as code), and never empty.
        while kept.last == " " { kept.removeLast() }
        if kept.first == " " { kept.removeFirst() }
        guard !kept.isEmpty else { return "(empty)" }
        // Escaped, a piece per scalar kept, and cut at the last piece that fits with the backticks and the mark.
        var shown = String.UnicodeScalarView()
        shown.append("`")
        var count = 2
        for (index, scalar) in kept.enumerated() {
            let piece: String
            switch scalar {
            case "&": piece = "&amp;"
            case "<": piece = "&lt;"
            case ">": piece = "&gt;"
            case "`": piece = "'"
            case ":" where kept.count > index + 2 && kept[index + 1] == "/" && kept[index + 2] == "/": piece = "[:]"
            default: piece = String(Character(scalar))
            }
            let size = piece.unicodeScalars.count
            if count + size + 1 > limit && index < kept.count - 1 || count + size > limit {
                shown.append("…")
                break
            }
            shown.append(contentsOf: piece.unicodeScalars)
            count += size
        }
        shown.append("`")
        return String(shown)
    }

    /// Characters that draw nothing but are not white space to Unicode (Hangul fillers, the blank Braille pattern).
    static let blanks: Set<UInt32> = [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800]
}
