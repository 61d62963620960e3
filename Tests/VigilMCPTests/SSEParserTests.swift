import Testing

@testable import VigilMCP

@Suite("SSE parser")
struct SSEParserTests {
    func events(_ text: String, chunk: Int = .max) throws -> [SSEEvent] {
        var parser = SSEParser()
        var result: [SSEEvent] = []
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            result += try parser.feed(bytes[start..<end])
            start = end
        }
        return result
    }

    @Test func parsesMessagesWithIdsAndTypes() throws {
        let text = "id: 1\nevent: message\ndata: {\"a\":1}\n\n: a comment\nevent: ping\ndata: x\n\n"
        let parsed = try events(text)
        #expect(parsed.count == 2)
        #expect(parsed[0] == SSEEvent(event: "message", data: "{\"a\":1}", id: "1", retry: nil))
        #expect(parsed[1].event == "ping")
        #expect(parsed[1].id == "1")  // the last event id persists
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func anyChunkingGivesTheSameEvents(chunk: Int) throws {
        let text = "\u{FEFF}data: first\r\ndata: second\r\n\r\ndata:no-space\r\rdata: last\n\n"
        let parsed = try events(text, chunk: chunk)
        #expect(parsed.map(\.data) == ["first\nsecond", "no-space", "last"])
        #expect(parsed.allSatisfy { $0.event == "message" })
    }

    @Test func eventsWithoutDataAreNotDispatched() throws {
        #expect(try events("event: priming\nid: 5\n\n").isEmpty)
        #expect(try events("id: 0\ndata:\n\n").map(\.data) == [""])
        #expect(try events("data: never finished").isEmpty)
    }

    @Test func retryIsReadAndOversizedEventsAreRejected() throws {
        #expect(try events("retry: 3000\ndata: x\n\n").first?.retry == 3000)
        var parser = SSEParser(maximumEventBytes: 10)
        #expect(throws: SSEParser.TooLarge.self) { try parser.feed(Array("data: 0123456789abcdef\n\n".utf8)) }
    }
}
