import VigilCore

/// The chat message that tells people an approval request waits for them (`guard.announce`).
///
/// Written for Slack-like markup. The arguments and the reason come from the agents, and through them from
/// alert data an attacker may write, so those parts are made inert before they are posted: `&`, `<` and `>` are
/// escaped as Slack requires (no `<!channel>` mention, no `<url|label>` link can be formed), line breaks and
/// other control characters become spaces (no fake "Approved by …" line), and each part is cut to a length
/// that keeps the whole message well under a chat message's limit (4,000 characters).
public enum ApprovalAnnouncement {
    /// The longest the arguments, and the reason, may be shown (characters, escapes included).
    public static let partLimit = 1_000

    public static func text(for approval: Approval) -> String {
        let arguments = inert(JSONValue.object(approval.arguments).serialized())
        let reason = inert(approval.reason)
        return """
            Vigil asks for approval \(approval.id): \(inert(approval.tool)) for case \(inert(approval.caseID)) \
            (\(inert(approval.tier)), agent \(inert(approval.agent))).
            Arguments: \(arguments)
            Why: \(reason) (rule \(inert(approval.rule)))
            Expires \(approval.expiresAt). The arguments and the reason come from the agents and the alert: check \
            them against the case before deciding.
            Approve: vigil guard approve \(approval.id) --by NAME
            Deny: vigil guard deny \(approval.id) --by NAME
            """
    }

    /// `text` on one line, escaped for Slack, cut to at most `partLimit` characters as shown (an ellipsis marks
    /// the cut; an escape is never cut in half).
    static func inert(_ text: String) -> String {
        var shown = ""
        var count = 0
        var lastWasSpace = false
        for character in text {
            let piece: String
            let isBreak = character.unicodeScalars.contains { scalar in
                switch scalar.properties.generalCategory {
                case .control, .lineSeparator, .paragraphSeparator: true
                default: false
                }
            }
            if isBreak || character.isWhitespace {
                if lastWasSpace { continue }
                lastWasSpace = true
                piece = " "
            } else {
                lastWasSpace = false
                switch character {
                case "&": piece = "&amp;"
                case "<": piece = "&lt;"
                case ">": piece = "&gt;"
                default: piece = String(character)
                }
            }
            if count + piece.count > partLimit {
                shown.append("…")
                break
            }
            shown += piece
            count += piece.count
        }
        return shown
    }
}
