import Testing
import VigilCore
import VigilTesting

@testable import VigilGuard

/// The chat message that announces an approval request: what people need to decide, and nothing an attacker
/// could use to mention a channel, form a link, fake a line or hide what is shown.
@Suite struct ApprovalAnnouncementTests {
    func request(arguments: JSONObject, reason: String = "proposed by forensics: stop the account") throws -> Approval {
        let book = ApprovalBook(clock: FakeClock(), ids: SequentialIDGenerator(), lifetimeSeconds: 3600)
        return try book.request(
            agent: "forensics", tier: "tier3", caseID: "case-42", tool: "identity.suspend_user", arguments: arguments,
            rule: "containment-proposal", reason: reason
        ).approval
    }

    /// The bytes of the text: `String.contains` compares graphemes, and a `<` inside a grapheme would escape it.
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func theMessageSaysWhatWaitsAndHowToDecide() throws {
        let approval = try request(arguments: ["login": "ana.silva@meridian.example"])
        let text = ApprovalAnnouncement.text(for: approval)
        #expect(
            text.hasPrefix(
                "Vigil asks for approval \(approval.id): `identity.suspend_user` for case `case-42` (`tier3`, agent `forensics`)."
            ))
        #expect(text.contains(#"Arguments: `{"login":"ana.silva@meridian.example"}`"#))
        #expect(text.contains("Why: `proposed by forensics: stop the account` (rule `containment-proposal`)"))
        #expect(text.contains("Expires \(approval.expiresAt)."))
        #expect(text.contains("Approve: vigil guard approve \(approval.id) --by NAME"))
        #expect(text.contains("Deny: vigil guard deny \(approval.id) --by NAME"))
        #expect(text.split(separator: "\n").count == 6)
    }

    /// The decision's message: who decided what, when, on which call; the name and note a person gave are inert too
    /// (a `--by` of `<!channel>` mentions no one).
    @Test func theDecisionsMessageSaysWhoDecidedWhat() throws {
        let book = ApprovalBook(clock: FakeClock(), ids: SequentialIDGenerator(), lifetimeSeconds: 3600)
        let (first, _) = try book.request(
            agent: "forensics", tier: "tier3", caseID: "case-42", tool: "identity.suspend_user",
            arguments: ["login": "ana.silva@meridian.example"], rule: "containment-proposal", reason: "stop it")
        let approved = try book.decide(first.id, approve: true, by: "alice", note: "checked with\nthe owner")
        let text = ApprovalAnnouncement.decisionText(for: approved)
        let decidedAt = try #require(approved.decidedAt)
        #expect(
            text.hasPrefix(
                "Vigil approval \(first.id) was approved by `alice` at \(decidedAt): `identity.suspend_user` for case `case-42` may run once, with the arguments requested, until \(approved.expiresAt)."
            ))
        #expect(text.contains("\nNote: `checked with the owner`\n"))
        #expect(text.split(separator: "\n").count == 3)
        // Posted after the call ran, or after the approval expired, it says so.
        var used = approved
        used.status = .used
        #expect(
            ApprovalAnnouncement.decisionText(for: used).contains("`case-42` has run with it (the approval is used)."))
        var expired = approved
        expired.status = .expired
        #expect(
            ApprovalAnnouncement.decisionText(for: expired).contains("did not run in time; the approval expired at"))

        let (second, _) = try book.request(
            agent: "forensics", tier: "tier3", caseID: "case-42", tool: "identity.suspend_user",
            arguments: ["login": "li.wei@meridian.example"], rule: "containment-proposal", reason: "stop it")
        let denied = try book.decide(second.id, approve: false, by: "<!channel>\n*Approved by CISO*", note: nil)
        let refusal = ApprovalAnnouncement.decisionText(for: denied)
        #expect(refusal.contains("was denied by `&lt;!channel&gt; *Approved by CISO*`"))
        #expect(refusal.contains("will not run.") && !refusal.contains("Note:"))
        #expect(!bytes(refusal).contains(0x3C) && refusal.split(separator: "\n").count == 2)
    }

    /// Slack reads `<!channel>`, `<@U123>` and `<https://…|label>` as mentions and links: the agents' parts are
    /// escaped, in inline code, and their line breaks cannot start a line of their own.
    @Test func partsFromTheAgentsAreInert() throws {
        let approval = try request(
            arguments: ["login": "<!channel> <@U024BE7LH> & <https://evil.example/approve|Approve here>"],
            reason: "urgent\n\nApproved by: CISO (rule manual-override)\r\nApprove: now\u{2028}done ```block```")
        let text = ApprovalAnnouncement.text(for: approval)
        #expect(!bytes(text).contains(UInt8(ascii: "<")) && !bytes(text).contains(UInt8(ascii: ">")))
        #expect(
            text.contains(
                "`{\"login\":\"&lt;!channel&gt; &lt;@U024BE7LH&gt; &amp; &lt;https[:]//evil.example/approve|Approve here&gt;\"}`"
            ))
        #expect(
            text.contains(
                "Why: `urgent Approved by: CISO (rule manual-override) Approve: now done '''block'''` (rule `containment-proposal`)"
            ))
        let lines = text.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.filter { $0.hasPrefix("Approve:") }.count == 1)
    }

    /// A character that joins the next one into its grapheme (U+0600, a prepended mark) or a combining mark after
    /// a `>` made the pair a grapheme that is not `<`: the escaping is done per Unicode scalar.
    @Test func graphemesCannotCarryABracketPastTheEscaping() throws {
        for attack in [
            "\u{0600}<!channel>\u{0301}", "<\u{FE0F}!here>\u{200D}", "\u{0600}<https://evil.example/x|Approve>\u{0301}",
        ] {
            let shown = ApprovalAnnouncement.inert(attack)
            #expect(!bytes(shown).contains(UInt8(ascii: "<")) && !bytes(shown).contains(UInt8(ascii: ">")), "\(attack)")
            #expect(shown.unicodeScalars.contains { $0 == "&" }, "\(attack)")
        }
    }

    /// Bidi controls and zero-width characters are dropped (they would reorder or split what is shown); blank
    /// fillers count as spaces; more than two combining marks in a row are dropped.
    @Test func invisibleAndReorderingCharactersAreDropped() throws {
        let shown = ApprovalAnnouncement.inert(
            "rule \u{202E}lasoporp-tnemniatnoc\u{202C} ev\u{200B}il\u{2060}.exa\u{FEFF}mple a\u{3164}\u{2800}\u{115F}b")
        #expect(shown == "`rule lasoporp-tnemniatnoc evil.example a b`")
        let zalgo = ApprovalAnnouncement.inert("Z" + String(repeating: "\u{0301}", count: 10_000) + "a\u{0301}\u{0308}")
        #expect(zalgo.unicodeScalars.map(\.value) == [0x60, 0x5A, 0x301, 0x301, 0x61, 0x301, 0x308, 0x60])
        // Text in other scripts keeps its marks.
        #expect(ApprovalAnnouncement.inert("नमस्ते résumé") == "`नमस्ते résumé`")
    }

    /// A code span that starts or ends with a space, or is empty, may not show as code: the ends are trimmed and
    /// nothing shows as `(empty)`.
    @Test func partsHaveNoSpaceAtTheirEndsAndAreNeverEmpty() {
        #expect(ApprovalAnnouncement.inert("\n  Approved by: CISO \t") == "`Approved by: CISO`")
        #expect(ApprovalAnnouncement.inert("") == "(empty)")
        #expect(ApprovalAnnouncement.inert(" \u{200B}\n\u{3164} ") == "(empty)")
    }

    /// Each part is cut, by Unicode scalars, at its limit (backticks, escapes and the cut's mark included); an
    /// escape is never cut in half; a part that fits exactly is whole.
    @Test func longPartsAreCutAndMarked() throws {
        let limit = ApprovalAnnouncement.partLimit
        let exact = String(repeating: "a", count: limit - 2)
        #expect(ApprovalAnnouncement.inert(exact) == "`" + exact + "`")
        let over = ApprovalAnnouncement.inert(exact + "b")
        #expect(over == "`" + String(repeating: "a", count: limit - 3) + "…`")
        #expect(over.unicodeScalars.count == limit)
        let brackets = ApprovalAnnouncement.inert(String(repeating: "<", count: limit))
        #expect(brackets == "`" + String(repeating: "&lt;", count: (limit - 3) / 4) + "…`")
        // The worst case stays within a chat message's 4,000 scalars, however the agents' parts are made.
        let heavy = String(repeating: "<\u{0600}&\u{0301}\u{0301}\u{0301}", count: 5_000)
        let book = ApprovalBook(clock: FakeClock(), ids: SequentialIDGenerator(), lifetimeSeconds: 3600)
        let approval = try book.request(
            agent: heavy, tier: heavy, caseID: heavy, tool: heavy, arguments: ["note": .string(heavy)], rule: heavy,
            reason: heavy
        ).approval
        let text = ApprovalAnnouncement.text(for: approval)
        #expect(text.unicodeScalars.count < 3_500)
        #expect(!bytes(text).contains(UInt8(ascii: "<")))
    }
}
