/// Splits an input into records: one JSON object, a JSON array of objects, or a sequence of objects
/// (JSON Lines, or concatenated documents as `jq` prints them).
///
/// A document that parses as one JSON value is taken whole: an array gives one record per element, as
/// does the `{"results": [...]}` envelope of list APIs. Anything else is read as a sequence, each value
/// a record reported by the line it starts on, so one bad record does not hide the good ones.
public enum InputRecords {
    public struct Record: Sendable {
        public var position: RecordPosition
        public var value: Result<JSONValue, IntakeIssue>
    }

    public static func split(_ bytes: [UInt8]) -> [Record] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }  // UTF-8 byte-order mark
        guard body.contains(where: { !isWhitespace($0) }) else {
            return [Record(position: .document, value: .failure(IntakeIssue(field: nil, message: "input is empty")))]
        }
        if let value = try? JSONParser.parse(body) {
            if let elements = value.arrayValue ?? resultsEnvelope(value) {
                return elements.enumerated().map {
                    Record(position: .element($0.offset + 1), value: .success($0.element))
                }
            }
            return [Record(position: .document, value: .success(value))]
        }
        return JSONParser.parseSequence(body).map { line, result in
            let position = RecordPosition.line(line)
            switch result {
            case .success(let value):
                return Record(position: position, value: .success(value))
            case .failure(let error):
                let place = error.line == line ? "column \(error.column)" : "line \(error.line), column \(error.column)"
                let issue = IntakeIssue(
                    position: position, field: nil, message: "invalid JSON at \(place): \(error.message)")
                return Record(position: position, value: .failure(issue))
            }
        }
    }

    /// The records of a `{"results": [...]}` list envelope (Panther's REST API), if that is what this is.
    private static func resultsEnvelope(_ value: JSONValue) -> [JSONValue]? {
        guard case .object(let object) = value, let results = object["results"]?.arrayValue else { return nil }
        let envelopeKeys: Set<String> = ["results", "next", "nextCursor", "paging", "total"]
        return object.keys.allSatisfy(envelopeKeys.contains) ? results : nil
    }

    private static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
