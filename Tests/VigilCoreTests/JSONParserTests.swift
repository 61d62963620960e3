import Testing
import VigilCore

@Suite("JSON parser and writer")
struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(
            #"{"a":[1,-2.5,3e2,true,false,null],"b":"x\"y\\z\n\u00e9\ud83d\ude00","big":12345678901234567890,"neg":-0}"#
        )
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

    @Test func keepsMemberOrderAndRoundTrips() throws {
        let value: JSONValue = [
            "z": 1, "a": ["q": "line\nbreak \"quoted\" \u{07}", "b": [1.5, nil, false]], "m": "é",
        ]
        let text = value.serialized()
        #expect(text == #"{"z":1,"a":{"q":"line\nbreak \"quoted\" \u0007","b":[1.5,null,false]},"m":"é"}"#)
        #expect(try JSONParser.parse(text) == value)
        #expect(try JSONParser.parse(text).serialized() == text, "parsing keeps the vendor's key order")
        #expect(try JSONParser.parse(value.prettyPrinted()) == value)
    }

    @Test func objectsCompareWithoutOrderAndLastDuplicateWins() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":2}"#) == JSONParser.parse(#"{"b":2,"a":1}"#))
        #expect(Set([try JSONParser.parse(#"{"a":1,"b":2}"#), try JSONParser.parse(#"{"b":2,"a":1}"#)]).count == 1)
        #expect(try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#).serialized() == #"{"a":3,"b":2}"#)
        let many = "{" + (0..<40).map { "\"k\($0 % 30)\":\($0)" }.joined(separator: ",") + "}"
        let object = try #require(try JSONParser.parse(many).objectValue)
        #expect(object.count == 30 && object["k0"] == 30 && object["k29"] == 29)
        var edited = object
        edited["k0"] = nil
        edited["new"] = "x"
        #expect(edited.count == 30 && edited.keys.last == "new" && edited["k0"] == nil)
        // One repeated key among 50,000: built through a table of positions, not a search of the keys per member
        // (a megabyte of such an object took 18 s; BENCHMARKS.md).
        let large = "{" + (0..<50_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k0\":-1}"
        let wide = try #require(try JSONParser.parse(large).objectValue)
        #expect(wide.count == 50_000 && wide.keys.first == "k0" && wide.values.first == -1 && wide["k49999"] == 49_999)
        // Where a repeated key must not drop a value unseen, it is refused, at any depth; without one the same value.
        #expect(throws: JSONParseError.self) { try JSONParser.parseRejectingRepeatedKeys(#"{"a":1,"b":2,"a":3}"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parseRejectingRepeatedKeys(#"[{"x":{"a":1,"a":1}}]"#) }
        #expect(throws: JSONParseError.self) { try JSONParser.parseRejectingRepeatedKeys(large) }
        #expect(throws: JSONParseError.self) { try JSONParser.parseRejectingRepeatedKeys(many) }
        let unique = "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(try JSONParser.parseRejectingRepeatedKeys(unique).objectValue?.count == 40)
        #expect(try JSONParser.parseRejectingRepeatedKeys(#"{"a":[1,{"b":2}],"c":"a"}"#) == JSONParser.parse(#"{"a":[1,{"b":2}],"c":"a"}"#))
    }

    @Test func codableMatchesTheParser() throws {
        let value: JSONValue = ["n": 3, "d": 2.25, "s": "x", "a": [true, nil], "o": [:]]
        let data = try JSONEncoderForTests.encode(value)
        #expect(try JSONParser.parse(data) == value)
        #expect(try JSONDecoderForTests.decode(JSONValue.self, from: data) == value)
    }
}

@Suite("JSON string escaping")
struct JSONEscapingTests {
    @Test func escapesAtEveryPositionAndLength() throws {
        let alphabet: [Character] = [
            "a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\u{01}", "\u{1F}", "é", "😀", "/", "~", "\u{7F}",
        ]
        var generator = FixedSeedGenerator()
        for length in 0..<40 {
            for _ in 0..<25 {
                let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
                let json = JSONValue.string(text).serialized()
                #expect(
                    try JSONParser.parse(json) == .string(text), "round trip of \(text.debugDescription) as \(json)")
                #expect(!json.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, "raw control character in \(json)")
            }
        }
    }
}

/// A fixed-seed SplitMix64, so that generated test inputs are the same on every run.
struct FixedSeedGenerator: RandomNumberGenerator {
    var state: UInt64 = 0x5EED

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
