import Testing
import VigilCore

@Suite("JSON Schema")
struct JSONSchemaTests {
    let person = JSONSchema.object(properties: [
        .field("login", .string(.init(minLength: 3)), "Login."),
        .field("age", .integer(minimum: 0, maximum: 150), "Age."),
        .optional("manager", .nullable(.string()), "Manager."),
        .field("roles", .array(.oneOf(["admin", "user"]), maxItems: 2), "Roles."),
        .field("seen", .dateTime, "Last seen."),
        .field("tags", .map(.string()), "Tags."),
    ])

    @Test func rendersADraft2020Document() throws {
        let rendered = person.rendered
        #expect(rendered["type"] == "object")
        #expect(rendered["additionalProperties"] == false)
        #expect(rendered["required"] == ["login", "age", "roles", "seen", "tags"])
        #expect(rendered["properties"]?["manager"]?["type"] == ["string", "null"])
        #expect(rendered["properties"]?["login"]?["description"] == "Login.")
        #expect(rendered["properties"]?["roles"]?["items"]?["enum"] == ["admin", "user"])
        #expect(rendered["properties"]?["seen"]?["format"] == "date-time")
        #expect(rendered["properties"]?["tags"]?["additionalProperties"]?["type"] == "string")
    }

    @Test func acceptsAConformingValue() throws {
        let value = try JSONParser.parse(
            #"{"login":"ana","age":41,"manager":null,"roles":["admin"],"seen":"2026-11-02T09:00:00Z","tags":{"a":"b"}}"#
        )
        try person.validate(value)
    }

    @Test(arguments: [
        (#"{"age":1,"roles":[],"seen":"2026-11-02T09:00:00Z","tags":{}}"#, "$: missing required member 'login'"),
        (
            #"{"login":"ana","age":-1,"roles":[],"seen":"2026-11-02T09:00:00Z","tags":{}}"#,
            "$.age: expected at least 0, got -1"
        ),
        (
            #"{"login":"ana","age":1.5,"roles":[],"seen":"2026-11-02T09:00:00Z","tags":{}}"#,
            "$.age: expected an integer, got a number"
        ),
        (
            #"{"login":"an","age":1,"roles":[],"seen":"2026-11-02T09:00:00Z","tags":{}}"#,
            "$.login: expected at least 3 characters"
        ),
        (
            #"{"login":"ana","age":1,"roles":["root"],"seen":"2026-11-02T09:00:00Z","tags":{}}"#,
            "$.roles[0]: expected one of admin, user, got 'root'"
        ),
        (
            #"{"login":"ana","age":1,"roles":["user","user","user"],"seen":"2026-11-02T09:00:00Z","tags":{}}"#,
            "$.roles: expected at most 2 items"
        ),
        (
            #"{"login":"ana","age":1,"roles":[],"seen":"yesterday","tags":{}}"#,
            "$.seen: expected an RFC 3339 time, got 'yesterday'"
        ),
        (
            #"{"login":"ana","age":1,"roles":[],"seen":"2026-11-02T09:00:00Z","tags":{"a":1}}"#,
            "$.tags.a: expected a string, got a number"
        ),
        (
            #"{"login":"ana","age":1,"roles":[],"seen":"2026-11-02T09:00:00Z","tags":{},"extra":true}"#,
            "$: unexpected member 'extra'"
        ),
    ])
    func namesTheFirstViolation(input: String, message: String) throws {
        let value = try JSONParser.parse(input)
        #expect(throws: JSONSchemaViolation.self) { try person.validate(value) }
        do {
            try person.validate(value)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func nullableAddsNullToTheType() {
        let schema = JSONSchema.nullable(.object(properties: []))
        #expect(schema.rendered["type"] == ["object", "null"])
        #expect(JSONSchema.nullable(.any).rendered["anyOf"]?.arrayValue?.count == 2)
        #expect(JSONSchema.nullable(.oneOf(["a"])).rendered["enum"] == ["a", .null])
        #expect(throws: Never.self) { try schema.validate(.null) }
        #expect(throws: JSONSchemaViolation.self) { try schema.validate("x") }
    }
}
