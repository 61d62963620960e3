import Foundation
import VigilCore

/// The rules of a directory tree of Sigma YAML files, and a reason for every file that is not among them.
public struct SigmaRuleSet: Sendable {
    public struct Problem: Sendable, CustomStringConvertible {
        public var file: String
        public var title: String?
        public var error: SigmaError

        public var description: String { "\(file)\(title.map { " (\($0))" } ?? ""): \(error)" }
    }

    public var rules: [SigmaRule]
    public var problems: [Problem]

    /// Loads every `.yml`/`.yaml` file below `directory`, in path order.
    public static func load(directory: URL, catalog: AttackCatalog = .enterprise) throws -> SigmaRuleSet {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw SigmaError.invalid("\(directory.path) is not a readable directory")
        }
        let files = enumerator.compactMap { $0 as? URL }
            .filter { ["yml", "yaml"].contains($0.pathExtension.lowercased()) }
            .sorted { $0.path < $1.path }
        var set = SigmaRuleSet(rules: [], problems: [])
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path),
                let text = String(data: data, encoding: .utf8)
            else {
                set.problems.append(
                    Problem(file: file.path, title: nil, error: .invalid("cannot be read as UTF-8 text")))
                continue
            }
            do {
                set.rules.append(try SigmaRuleParser.parse(text, origin: file.path, catalog: catalog))
            } catch {
                let title = text.split(separator: "\n").first { $0.hasPrefix("title:") }
                    .map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) }
                set.problems.append(Problem(file: file.path, title: title, error: error))
            }
        }
        return set
    }
}
