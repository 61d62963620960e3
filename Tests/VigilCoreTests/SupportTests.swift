import Testing
import VigilCore
import VigilTesting

@Suite("Clocks and identifiers")
struct SupportTests {
    @Test func theFakeClockMovesOnlyWhenTold() {
        let clock = FakeClock(Timestamp(rfc3339: "2026-11-02T09:00:00Z")!)
        #expect(clock.now() == Timestamp(rfc3339: "2026-11-02T09:00:00Z"))
        clock.advance(seconds: 90)
        #expect(clock.now() == Timestamp(rfc3339: "2026-11-02T09:01:30Z"))
        #expect(SystemWallClock().now() > Timestamp(rfc3339: "2026-01-01T00:00:00Z")!)
    }

    @Test func identifiersHaveTheirPromisedShape() {
        let sequence = SequentialIDGenerator()
        #expect([sequence.next(prefix: "tc-"), sequence.next(prefix: "tc-")] == ["tc-1", "tc-2"])
        let random = RandomIDGenerator()
        let a = random.next(prefix: "case-")
        #expect(a != random.next(prefix: "case-"))
        #expect(a.wholeMatch(of: /case-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
    }

    /// Text bound for a terminal shows, not obeys, what an attacker could put in an alert: escape sequences,
    /// carriage returns and line breaks, bidi controls, zero-width characters; other text is untouched.
    @Test func terminalTextIsInert() {
        #expect(TerminalText.inert("plain, ünïcödé and 日本語") == "plain, ünïcödé and 日本語")
        #expect(
            TerminalText.inert("x\u{1B}[2J\r\nApproved by: ciso\u{202E}\u{200B}\u{2028}")
                == #"x\u{1B}[2J\u{D}\u{A}Approved by: ciso\u{202E}\u{200B}\u{2028}"#)
        #expect(TerminalText.inert("a\nb\tc\u{1B}", keepingLineBreaks: true) == "a\nb\tc\\u{1B}")
        #expect(TerminalText.inert("\u{85}") == #"\u{85}"#)
    }
}
