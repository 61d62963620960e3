import Foundation
import VigilCore

/// A manual runbook: what a human does when an investigation of this alert family is handed over.
/// Markdown with a front-matter block naming its id, title, the terms that pick it, and ATT&CK ids.
public struct Runbook: Sendable, Hashable {
    public var id: String
    public var title: String
    /// Case-insensitive terms looked for in an alert's rule id and title.
    public var matches: [String]
    public var attack: [String]
    /// The whole Markdown text.
    public var text: String
    /// Where it was read from (nil for the embedded fallback).
    public var path: String?

    /// Reads a runbook file's text.
    public static func parse(_ text: String, path: String? = nil) throws(RunbookError) -> Runbook {
        let name = path ?? "runbook"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else {
            throw RunbookError("\(name): expected a front-matter block (--- id, title, matches, attack ---) at the top")
        }
        var fields: [String: String] = [:]
        for (offset, line) in lines[1..<end].enumerated() where !line.isEmpty && !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else {
                throw RunbookError("\(name) line \(offset + 2): expected KEY: VALUE")
            }
            let key = String(line[..<colon])
            guard ["id", "title", "matches", "attack"].contains(key) else {
                throw RunbookError("\(name) line \(offset + 2): unknown key '\(key)' (id, title, matches, attack)")
            }
            fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let id = fields["id"], !id.isEmpty else { throw RunbookError("\(name): the front matter needs an id") }
        guard let title = fields["title"], !title.isEmpty else {
            throw RunbookError("\(name): the front matter needs a title")
        }
        return Runbook(
            id: id, title: Self.unquote(title), matches: try Self.list(fields["matches"] ?? "[]", name, "matches"),
            attack: try Self.list(fields["attack"] ?? "[]", name, "attack"), text: text, path: path)
    }

    /// `[a, "b c", 'd']`
    private static func list(_ text: String, _ name: String, _ key: String) throws(RunbookError) -> [String] {
        guard text.hasPrefix("["), text.hasSuffix("]") else {
            throw RunbookError("\(name): \(key) must be a list such as [a, \"b c\"]")
        }
        var items: [String] = []
        var current = ""
        var quote: Character?
        for c in text.dropFirst().dropLast() {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "," {
                let item = current.trimmingCharacters(in: .whitespaces)
                if !item.isEmpty { items.append(item) }
                current = ""
            } else {
                current.append(c)
            }
        }
        guard quote == nil else { throw RunbookError("\(name): \(key) has an unclosed quote") }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty { items.append(last) }
        return items
    }

    private static func unquote(_ text: String) -> String {
        if text.count >= 2, let f = text.first, f == "\"" || f == "'", text.last == f {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}

public struct RunbookError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The runbooks of a directory (`runbooks/`), and the choice of one for an alert.
public struct RunbookLibrary: Sendable {
    public let runbooks: [Runbook]
    public let generic: Runbook

    /// Loads every `*.md` with front matter in `directory` (README.md is skipped). A file that does not
    /// parse is an error: a broken runbook is found when Vigil starts, not during an incident.
    public init(directory: String) throws(RunbookError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                $0.hasSuffix(".md") && $0 != "README.md"
            }
            .sorted()
        } catch {
            throw RunbookError("\(directory): cannot list the runbooks (\(error.localizedDescription))")
        }
        var loaded: [Runbook] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RunbookError("\(path): cannot read")
            }
            loaded.append(try Runbook.parse(String(decoding: data, as: UTF8.self), path: path))
        }
        self.init(runbooks: loaded)
    }

    public init(runbooks: [Runbook]) {
        self.runbooks = runbooks.filter { $0.id != "generic" }
        generic = runbooks.first { $0.id == "generic" } ?? Self.fallback
    }

    /// The runbook for `alert`: the family whose terms match its rule id or title (the longest matching
    /// term wins, so the most specific family is chosen), else the generic one.
    public func runbook(ruleID: String, title: String) -> Runbook {
        let haystack = (ruleID + " " + title).lowercased()
        var best: (Runbook, Int)?
        for runbook in runbooks {
            for term in runbook.matches where haystack.contains(term.lowercased()) {
                if best == nil || term.count > best!.1 { best = (runbook, term.count) }
            }
        }
        return best?.0 ?? generic
    }

    /// Used when no runbooks directory is there: the steps that apply to any alert.
    public static let fallback = Runbook(
        id: "generic", title: "Any alert: manual triage", matches: [], attack: [],
        text: """
            # Any alert: manual triage

            Automation stopped on this alert; a person takes it from here.

            1. Read the alert and the evidence the agent gathered: the case's tool calls in the audit log (`vigil audit export`).
            2. Establish who (user or principal), from where (IP, device), what (action, resource), and whether it is usual for them
               (siem.entity_activity, siem.first_seen, identity.get_user, cloud.principal_activity_summary).
            3. Look for a change ticket or a colleague who expected it (ticketing.search_tickets, collaboration.lookup_person).
            4. Malicious or unclear and harmful: contain through an approval (`vigil guard approvals`, `vigil guard approve ID --by NAME`).
            5. Record the verdict, the evidence and the ATT&CK techniques in the ticket; escalate to incident response when data or
               privileged access may be affected.
            """, path: nil)
}
