import Foundation

/// YAML parse errors as one readable line. Yams attaches to a duplicated key the whole document (a policy's
/// hundred lines, for one repeated key); the message keeps the problem and where the key first appears.
public enum YAMLErrorText {
    public static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        guard let context = text.range(of: "\nContext:\n"),
            let place = text.range(of: " in line ", options: .backwards), place.lowerBound >= context.upperBound
        else { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
        let problem = text[..<context.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        let mark = text[place.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(problem) (first at line \(mark))"
    }
}
