import Foundation
import VigilCore

/// The playbooks of a directory (`*.yaml`, `*.yml`), and which one an alert gets: the playbook naming
/// its rule id exactly, else the first whose pattern matches, else the generic one (`matches: ["*"]`),
/// which every library must have.
public struct PlaybookLibrary: Sendable {
    public let playbooks: [Playbook]
    public let generic: Playbook

    public init(playbooks: [Playbook]) throws(PlaybookError) {
        var ids = Set<String>()
        for playbook in playbooks where !ids.insert(playbook.id).inserted {
            throw PlaybookError("\(playbook.source): id '\(playbook.id)' is used by another playbook")
        }
        guard let generic = playbooks.first(where: \.isGeneric) else {
            throw PlaybookError("no generic playbook (one with matches: [\"*\"]) for alerts no other playbook matches")
        }
        self.playbooks = playbooks
        self.generic = generic
    }

    /// Loads every playbook in `directory`; the first bad file stops the load with its error.
    public static func load(directory: String) throws(PlaybookError) -> PlaybookLibrary {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw PlaybookError("\(directory): cannot read the playbooks directory (\(error.localizedDescription))")
        }
        var playbooks: [Playbook] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PlaybookError("\(path): cannot read")
            }
            var playbook = try Playbook.parse(yaml: String(decoding: data, as: UTF8.self), source: path)
            playbook.source = path
            playbooks.append(playbook)
        }
        return try PlaybookLibrary(playbooks: playbooks)
    }

    /// The playbooks shipped with Vigil (the repository's `playbooks/`, embedded in the binary).
    public static func embedded() throws(PlaybookError) -> PlaybookLibrary {
        var playbooks: [Playbook] = []
        for (name, text) in EmbeddedAgentFiles.playbooks {
            var playbook = try Playbook.parse(yaml: text, source: "embedded playbooks/\(name)")
            playbook.source = "embedded playbooks/\(name)"
            playbooks.append(playbook)
        }
        return try PlaybookLibrary(playbooks: playbooks)
    }

    /// The playbook for `alert`.
    public func playbook(for alert: Alert) -> Playbook {
        if let exact = playbooks.first(where: {
            !$0.isGeneric && $0.matches.contains { $0.description == alert.ruleID }
        }) {
            return exact
        }
        return playbooks.first { !$0.isGeneric && $0.matches.contains { $0.matches(alert.ruleID) } } ?? generic
    }
}
