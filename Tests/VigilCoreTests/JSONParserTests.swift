import Testing
import VigilCore

@Suite("JSON parser and writer")
struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#"{"a":[1,-2.5,3e2,true,false,null],"b":"x\"y\\z\n\u00e9\ud83d\ude00","big":12345678901234567890,"neg":-0}"#)
        #expect(value["a"] == [1, -2.5, 300.0, true, false, nil])
        #expect(value["b"] == "x\"y\\z\né😀")
        #expect(value["big"] == .double(1.2345678901234567e19))
        #expect(value["neg"] == .int(0))
        #expect(value.value(at: "a.1") == -2.5)
    }

    @Test func keepsIntegersExact() throws {
        #expect(try JSONParser.parse("1700000000123") == .int(1_700_000_000_123))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
    }

    @Test(arguments: [
        ("{\"a\":1,}", 1, 8, "expected a string key"),
        ("[1,2", 1, 5, "expected ',' or ']'"),
        ("{\"a\":tru}", 1, 6, "invalid literal"),
        ("\n\n  \"abc", 3, 7, "unterminated string"),
        ("01", 1, 2, "leading zero"),
        ("{\"a\":1} x", 1, 9, "unexpected content"),
        ("\"a\u{01}b\"", 1, 3, "control character"),
        ("[1.]", 1, 4, "expected a digit after '.'"),
        ("\"\\x\"", 1, 2, "invalid escape"),
        ("", 1, 1, "unexpected end of input"),
    ])
    func reportsWhereAndWhy(input: String, line: Int, column: Int, message: String) {
        #expect {
            _ = try JSONParser.parse(input)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.line == line && error.column == column && error.message.contains(message)
        }
    }

    @Test func refusesHostileNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { _ = try JSONParser.parse(deep) }
    }

    @Test func writesSortedKeysAndRoundTrips() throws {
        let value: JSONValue = ["z": 1, "a": ["q": "line\nbreak \"quoted\" \u{07}", "b": [1.5, nil, false]], "m": "é"]
        let text = value.serialized()
        #expect(text == #"{"a":{"b":[1.5,null,false],"q":"line\nbreak \"quoted\" \u0007"},"m":"é","z":1}"#)
        #expect(try JSONParser.parse(text) == value)
        #expect(try JSONParser.parse(value.prettyPrinted()) == value)
    }

    @Test func codableMatchesTheParser() throws {
        let value: JSONValue = ["n": 3, "d": 2.25, "s": "x", "a": [true, nil], "o": [:]]
        let data = try JSONEncoderForTests.encode(value)
        #expect(try JSONParser.parse(data) == value)
        #expect(try JSONDecoderForTests.decode(JSONValue.self, from: data) == value)
    }
}
