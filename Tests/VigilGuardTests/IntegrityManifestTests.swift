import Foundation
import Testing
import VigilCore
import VigilTesting

@testable import VigilGuard

@Suite("Integrity manifest")
struct IntegrityManifestTests {
    let tools = [
        IntegrityManifest.PinnedTool(server: "vigil-identity", name: "get_user", digest: "aa"),
        IntegrityManifest.PinnedTool(server: "vigil-identity", name: "suspend_user", digest: "bb"),
    ]

    func sealed() throws -> (URL, [String], AuditKey, IntegrityManifest) {
        let dir = try CommandRunner.temporaryDirectory()
        let prompts = dir.appendingPathComponent("prompts")
        try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
        try "You are Tier 1.".write(to: prompts.appendingPathComponent("tier1.md"), atomically: true, encoding: .utf8)
        try "version: 1\n".write(to: dir.appendingPathComponent("vigil.yaml"), atomically: true, encoding: .utf8)
        let paths = [
            dir.appendingPathComponent("vigil.yaml").path, prompts.path, dir.appendingPathComponent("absent").path,
        ]
        let key = AuditKey()
        let manifest = try IntegrityManifest.seal(paths: paths, tools: tools, key: key, clock: FakeClock())
        let file = dir.appendingPathComponent("manifest.json")
        try manifest.json.prettyPrinted().write(to: file, atomically: true, encoding: .utf8)
        return (dir, paths, key, try IntegrityManifest.load(path: file.path, publicKey: key.publicKey))
    }

    @Test func anUnchangedTreeMatches() throws {
        let (_, paths, _, manifest) = try sealed()
        #expect(manifest.files.count == 2)
        #expect(try manifest.differences(paths: paths, tools: tools).isEmpty)
    }

    @Test func changedNewAndMissingFilesAreNamed() throws {
        let (dir, paths, _, manifest) = try sealed()
        try "You are Tier 1. Close every alert.".write(
            to: dir.appendingPathComponent("prompts/tier1.md"), atomically: true, encoding: .utf8)
        try "new".write(to: dir.appendingPathComponent("prompts/tier2.md"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("vigil.yaml"))
        let found = try manifest.differences(paths: paths, tools: tools)
        #expect(found.contains { $0.hasSuffix("prompts/tier1.md: changed since sealing") })
        #expect(found.contains { $0.hasSuffix("prompts/tier2.md: new since sealing") })
        #expect(found.contains { $0.hasSuffix("vigil.yaml: sealed but now missing") })
    }

    @Test func changedNewAndShadowingToolsAreRefused() throws {
        let (_, paths, _, manifest) = try sealed()
        let now = [
            IntegrityManifest.PinnedTool(server: "vigil-identity", name: "get_user", digest: "changed"),
            IntegrityManifest.PinnedTool(server: "vigil-identity", name: "suspend_user", digest: "bb"),
            IntegrityManifest.PinnedTool(server: "third-party", name: "suspend_user", digest: "cc"),
            IntegrityManifest.PinnedTool(server: "vigil-identity", name: "reset_mfa", digest: "dd"),
        ]
        let found = try manifest.differences(paths: paths, tools: now)
        #expect(
            found.contains(
                "tool get_user of vigil-identity: its definition changed since sealing (re-approve with `vigil integrity seal`)"
            ))
        #expect(found.contains("tool suspend_user of third-party: shadows vigil-identity's tool of the same name"))
        #expect(
            found.contains("tool reset_mfa of vigil-identity: new since sealing (approve with `vigil integrity seal`)"))
        #expect(found.count == 3)
    }

    /// A tool named like another server's is refused at sealing too, not only when it appears afterwards: it
    /// is not pinned, and a manifest that pinned both (an older version's) still reports it.
    @Test func aToolOnTwoServersIsNotSealed() throws {
        let (_, paths, key, _) = try sealed()
        let both = [
            IntegrityManifest.PinnedTool(server: "vigil-identity", name: "suspend_user", digest: "bb"),
            IntegrityManifest.PinnedTool(server: "third-party", name: "suspend_user", digest: "cc"),
        ]
        #expect {
            _ = try IntegrityManifest.seal(paths: paths, tools: both, key: key)
        } throws: { error in
            "\(error)".contains("tool suspend_user is offered by third-party and vigil-identity")
        }
        var pinnedBoth = try IntegrityManifest.seal(paths: paths, tools: [both[0]], key: key)
        pinnedBoth.tools = both
        #expect(
            try pinnedBoth.differences(paths: paths, tools: both) == [
                "tool suspend_user is offered by third-party and vigil-identity: one name may have one server (a tool named like another shadows it); remove the server from mcp.servers or have the tool renamed"
            ])
    }

    /// A server that lists one name twice cannot have it pinned (which definition a call reaches is its choice):
    /// refused at sealing, named.
    @Test func aToolListedTwiceByOneServerIsNotSealed() throws {
        let (_, paths, key, _) = try sealed()
        let twice = [
            IntegrityManifest.PinnedTool(server: "threatintel", name: "lookup_ip", digest: "bb"),
            IntegrityManifest.PinnedTool(server: "threatintel", name: "lookup_ip", digest: "cc"),
        ]
        #expect {
            _ = try IntegrityManifest.seal(paths: paths, tools: twice, key: key)
        } throws: { error in
            "\(error)".contains("tool lookup_ip is listed 2 times by threatintel")
        }
    }

    /// A path given as `./vigil.yaml` is the same file as `vigil.yaml`, sealed from either.
    @Test func aPathIsRecordedTheSameHoweverItIsWritten() {
        #expect(IntegrityManifest.stored("./vigil.yaml", base: "") == "vigil.yaml")
        #expect(IntegrityManifest.stored("././prompts//tier1.md", base: "") == "prompts/tier1.md")
        #expect(IntegrityManifest.stored("etc/./vigil.yaml", base: "etc") == "vigil.yaml")
        #expect(IntegrityManifest.stored("/abs/vigil.yaml", base: "") == "/abs/vigil.yaml")
    }

    @Test func anAlteredOrForeignManifestIsRejected() throws {
        let (dir, _, key, _) = try sealed()
        let file = dir.appendingPathComponent("manifest.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        // Editing a digest in the manifest to match a changed file breaks the signature.
        let edited = text.replacingOccurrences(of: #""aa""#, with: #""ff""#)
        #expect(edited != text)
        try edited.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: IntegrityError.self) { try IntegrityManifest.load(path: file.path, publicKey: key.publicKey) }
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: IntegrityError.self) {
            try IntegrityManifest.load(path: file.path, publicKey: AuditKey().publicKey)
        }
        #expect(throws: IntegrityError.self) {
            try IntegrityManifest.load(path: dir.appendingPathComponent("none").path, publicKey: key.publicKey)
        }
    }
}
