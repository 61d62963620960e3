import Foundation
import Testing
import VigilAgents
import VigilGuard

/// The playbooks, prompts and runbooks compiled into the binary are the repository's, byte for byte,
/// and they load.
@Suite("Embedded agent files")
struct EmbeddedAgentFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    @Test(arguments: ["playbooks", "prompts", "runbooks"])
    func embeddedCopiesMatchTheRepository(group: String) throws {
        let embedded =
            switch group {
            case "playbooks": EmbeddedAgentFiles.playbooks
            case "prompts": EmbeddedAgentFiles.prompts
            default: EmbeddedAgentFiles.runbooks
            }
        let directory = Self.root.appendingPathComponent(group)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".md") }.sorted()
        #expect(embedded.map(\.name) == names, "run scripts/embed-agent-files.py")
        for (name, text) in embedded {
            let onDisk = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(text == onDisk, "\(group)/\(name) differs from its embedded copy: run scripts/embed-agent-files.py")
        }
    }

    @Test func embeddedCopiesLoad() throws {
        let library = try PlaybookLibrary.embedded()
        #expect(library.playbooks.count == EmbeddedAgentFiles.playbooks.count)
        #expect(library.playbooks.first?.source.hasPrefix("embedded playbooks/") == true)
        #expect(try TierDefinition.embedded().keys.sorted() == [1, 2, 3])
    }
}
