import Testing
import VigilCore
import VigilTesting

@testable import VigilGuard

/// The chat message that announces an approval request: what people need to decide, and nothing an attacker
/// could use to mention a channel, form a link or fake a line.
@Suite struct ApprovalAnnouncementTests {
    func request(arguments: JSONObject, reason: String = "proposed by forensics: stop the account") throws -> Approval {
        let book = ApprovalBook(clock: FakeClock(), ids: SequentialIDGenerator(), lifetimeSeconds: 3600)
        return try book.request(
            agent: "forensics", tier: "tier3", caseID: "case-42", tool: "identity.suspend_user", arguments: arguments,
            rule: "containment-proposal", reason: reason
        ).approval
    }

    @Test func theMessageSaysWhatWaitsAndHowToDecide() throws {
        let approval = try request(arguments: ["login": "ana.silva@meridian.example"])
        let text = ApprovalAnnouncement.text(for: approval)
        #expect(text.hasPrefix("Vigil asks for approval \(approval.id): identity.suspend_user for case case-42"))
        #expect(text.contains(#"Arguments: {"login":"ana.silva@meridian.example"}"#))
        #expect(text.contains("Why: proposed by forensics: stop the account (rule containment-proposal)"))
        #expect(text.contains("Expires \(approval.expiresAt)."))
        #expect(text.contains("Approve: vigil guard approve \(approval.id) --by NAME"))
        #expect(text.contains("Deny: vigil guard deny \(approval.id) --by NAME"))
        #expect(text.split(separator: "\n").count == 6)
    }

    /// Slack reads `<!channel>`, `<!here>`, `<@U123>` and `<https://…|label>` as mentions and links, and `&lt;`
    /// as text: the agents' parts are escaped, and their line breaks cannot start a line of their own.
    @Test func partsFromTheAgentsAreInert() throws {
        let approval = try request(
            arguments: ["login": "<!channel> <@U024BE7LH> & <https://evil.example/approve|Approve here>"],
            reason: "urgent\n\nApproved by: CISO (rule manual-override)\r\nApprove: now\u{2028}done")
        let text = ApprovalAnnouncement.text(for: approval)
        #expect(!text.contains("<") && !text.contains(">"))
        #expect(
            text.contains("&lt;!channel&gt; &lt;@U024BE7LH&gt; &amp; &lt;https://evil.example/approve|Approve here&gt;")
        )
        #expect(
            text.contains(
                "Why: urgent Approved by: CISO (rule manual-override) Approve: now done (rule containment-proposal)"))
        let lines = text.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.filter { $0.hasPrefix("Approve:") }.count == 1)
    }

    /// Each part is cut at `partLimit` characters, marked with an ellipsis; a part exactly that long is whole.
    @Test func longPartsAreCutAndMarked() throws {
        let limit = ApprovalAnnouncement.partLimit
        #expect(
            ApprovalAnnouncement.inert(String(repeating: "a", count: limit)) == String(repeating: "a", count: limit))
        #expect(
            ApprovalAnnouncement.inert(String(repeating: "b", count: limit + 1))
                == String(repeating: "b", count: limit) + "…")
        // Escapes count as shown and are never cut in half.
        let cut = ApprovalAnnouncement.inert("a" + String(repeating: "<", count: limit))
        #expect(cut == "a" + String(repeating: "&lt;", count: (limit - 1) / 4) + "…")
        let approval = try request(
            arguments: ["note": .string(String(repeating: "<", count: 5_000))],
            reason: String(repeating: "&", count: 5_000))
        // Well under the 4,000 characters a chat message may hold.
        #expect(ApprovalAnnouncement.text(for: approval).count < 2_600)
    }
}
