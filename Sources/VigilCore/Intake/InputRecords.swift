/// Splits an input into records: one JSON object, a JSON array of objects, or JSON Lines.
///
/// A document that parses as one JSON value is taken whole (an array gives one record per element).
/// Otherwise, if its first line is a complete JSON value, the input is JSON Lines and each line is a
/// record of its own, so one bad line does not hide the good ones. Anything else is a syntax error
/// of the whole input, reported with its line and column.
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
        do {
            let value = try JSONParser.parse(body)
            if case .array(let elements) = value {
                return elements.enumerated().map {
                    Record(position: .element($0.offset + 1), value: .success($0.element))
                }
            }
            return [Record(position: .document, value: .success(value))]
        } catch let wholeError {
            let lines = body.split(separator: 0x0A, omittingEmptySubsequences: false)
            let firstLineIndex = lines.firstIndex { line in line.contains { !isWhitespace($0) } } ?? 0
            let firstIsComplete = (try? JSONParser.parse(lines[firstLineIndex])) != nil
            guard firstIsComplete, lines.count > 1 else {
                return [
                    Record(
                        position: .document, value: .failure(IntakeIssue(field: nil, message: wholeError.description)))
                ]
            }
            var records: [Record] = []
            for (index, line) in lines.enumerated() where line.contains(where: { !isWhitespace($0) }) {
                let position = RecordPosition.line(index + 1)
                do {
                    records.append(Record(position: position, value: .success(try JSONParser.parse(line))))
                } catch {
                    let message = "invalid JSON at column \(error.column): \(error.message)"
                    records.append(
                        Record(
                            position: position,
                            value: .failure(IntakeIssue(position: position, field: nil, message: message))))
                }
            }
            return records
        }
    }

    private static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
}
