import Crypto
import Foundation
import VigilCore

/// A signed record of everything that steers the agents — configuration, prompts, playbooks,
/// policies, runbooks (SHA-256 of each file) — and of every MCP tool definition they may call (a digest
/// of its name, description and schemas). Sealed by `vigil integrity seal`; checked at start and by
/// `vigil integrity verify`.
public struct IntegrityManifest: Sendable, Hashable {
    public struct File: Sendable, Hashable {
        public var path: String
        public var sha256: String
        public var bytes: Int
    }

    public struct PinnedTool: Sendable, Hashable {
        public var server: String
        public var name: String
        public var digest: String

        public init(server: String, name: String, digest: String) {
            self.server = server
            self.name = name
            self.digest = digest
        }
    }

    public var files: [File]
    public var tools: [PinnedTool]
    public var sealedAt: Timestamp
    public var keyID: String
    public var signature: String

    /// The bytes the signature covers: every entry, in order, one per line.
    var signedBytes: Data {
        var text = "vigil-integrity-manifest\nsealed \(sealedAt)\n"
        for file in files { text += "file \(file.sha256) \(file.bytes) \(file.path)\n" }
        for tool in tools { text += "tool \(tool.digest) \(tool.server) \(tool.name)\n" }
        return Data(text.utf8)
    }

    /// Digests `paths` (files, or directories walked recursively) and pins `tools`, signed with `key`. Files under
    /// `base` (the configuration's directory) are recorded relative to it, so that the manifest holds wherever
    /// Vigil runs from.
    public static func seal(
        paths: [String], tools: [PinnedTool], key: AuditKey, base: String = "", clock: any WallClock = SystemWallClock()
    ) throws(IntegrityError) -> IntegrityManifest {
        // A tool name on two servers is a shadowing tool whichever came first: it is not sealed.
        let shared = shared(tools)
        if !shared.isEmpty { throw IntegrityError(shared.joined(separator: "\n")) }
        var files: [File] = []
        for path in try expand(paths) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw IntegrityError("\(path): cannot read it to seal it")
            }
            files.append(File(path: stored(path, base: base), sha256: AuditRecord.hexDigest(data), bytes: data.count))
        }
        var manifest = IntegrityManifest(
            files: files, tools: tools.sorted { ($0.server, $0.name) < ($1.server, $1.name) }, sealedAt: clock.now(),
            keyID: key.keyID, signature: "")
        guard let signature = try? key.privateKey.signature(for: manifest.signedBytes) else {
            throw IntegrityError("could not sign the manifest")
        }
        manifest.signature = signature.base64EncodedString()
        return manifest
    }

    /// Every regular file under the given paths, sorted; paths that do not exist are skipped.
    static func expand(_ paths: [String]) throws(IntegrityError) -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue {
                result.append(path)
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: path) else {
                throw IntegrityError("\(path): cannot list the directory")
            }
            for case let relative as String in walker {
                let full = (path as NSString).appendingPathComponent(relative)
                var nested: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &nested) {
                    if !nested.boolValue { result.append(full) }
                } else if (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) != nil {
                    // A link to nothing, or a loop: what loads the directory would fail on it, so it is not skipped
                    // here either (sealing refuses it; verifying reports it as new).
                    result.append(full)
                }
            }
        }
        return Array(Set(result)).sorted()
    }

    /// A file's path as the manifest records it: relative to `base` when under it.
    static func stored(_ path: String, base: String) -> String {
        // Compared as standardised paths: `etc//vigil.yaml` and `etc/./vigil.yaml` are `etc/vigil.yaml`, and
        // `./vigil.yaml` is `vigil.yaml`.
        var path = (path as NSString).standardizingPath
        while path.hasPrefix("./") { path.removeFirst(2) }
        guard !base.isEmpty else { return path }
        let base = (base as NSString).standardizingPath
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// Where a recorded path is, seen from the working directory.
    static func located(_ path: String, base: String) -> String {
        guard !base.isEmpty, !path.hasPrefix("/") else { return path }
        return (base as NSString).appendingPathComponent(path)
    }

    /// What differs between this (verified) manifest and the files and tools now (`base` as for `seal`).
    public func differences(
        paths: [String], tools current: [PinnedTool], base: String = ""
    ) throws(IntegrityError) -> [String] {
        var found: [String] = []
        let now = Set(try Self.expand(paths).map { Self.stored($0, base: base) })
        for file in files {
            guard let data = FileManager.default.contents(atPath: Self.located(file.path, base: base)) else {
                found.append("\(file.path): sealed but now missing")
                continue
            }
            if AuditRecord.hexDigest(data) != file.sha256 { found.append("\(file.path): changed since sealing") }
        }
        for path in now.subtracting(files.map(\.path)).sorted() { found.append("\(path): new since sealing") }
        let pinned = Dictionary(tools.map { ("\($0.server)/\($0.name)", $0) }, uniquingKeysWith: { a, _ in a })
        var owners: [String: String] = [:]
        for tool in tools { owners[tool.name] = owners[tool.name] ?? tool.server }
        var shadowing: Set<String> = []
        for tool in current.sorted(by: { ($0.server, $0.name) < ($1.server, $1.name) }) {
            if let sealed = pinned["\(tool.server)/\(tool.name)"] {
                if sealed.digest != tool.digest {
                    found.append(
                        "tool \(tool.name) of \(tool.server): its definition changed since sealing (re-approve with `vigil integrity seal`)"
                    )
                }
            } else if let owner = owners[tool.name], owner != tool.server {
                found.append("tool \(tool.name) of \(tool.server): shadows \(owner)'s tool of the same name")
                shadowing.insert(tool.name)
            } else {
                found.append(
                    "tool \(tool.name) of \(tool.server): new since sealing (approve with `vigil integrity seal`)")
            }
        }
        // Sealed on both servers (by a version that allowed it, or both new): still one name on two servers.
        found += Self.shared(current, except: shadowing)
        return found
    }

    /// A message for each tool name (but `except`) that more than one server offers, and for each that one server
    /// lists more than once (which of its definitions a call reaches is the server's choice, so none can be pinned).
    public static func shared(_ tools: [PinnedTool], except: Set<String> = []) -> [String] {
        let byName = Dictionary(grouping: tools, by: \.name).sorted { $0.key < $1.key }
        var found: [String] = []
        for (name, tools) in byName {
            let servers = Set(tools.map(\.server)).sorted()
            if servers.count > 1, !except.contains(name) {
                found.append(
                    "tool \(name) is offered by \(servers.joined(separator: " and ")): one name may have one server (a tool named like another shadows it); remove the server from mcp.servers or have the tool renamed"
                )
            }
            for server in servers where tools.filter({ $0.server == server }).count > 1 {
                found.append(
                    "tool \(name) is listed \(tools.filter { $0.server == server }.count) times by \(server): which definition a call reaches is the server's choice, so it cannot be pinned; have the server list each tool once"
                )
            }
        }
        return found
    }

    // MARK: - Reading and writing

    public var json: JSONValue {
        [
            "version": 1, "sealed_at": .string(sealedAt.description), "key_id": .string(keyID),
            "files": .array(
                files.map { ["path": .string($0.path), "sha256": .string($0.sha256), "bytes": .int(Int64($0.bytes))] }),
            "tools": .array(
                tools.map { ["server": .string($0.server), "name": .string($0.name), "digest": .string($0.digest)] }),
            "signature": .string(signature),
        ]
    }

    /// Reads a manifest and checks its signature with `publicKey`.
    public static func load(path: String, publicKey: Curve25519PublicKey) throws(IntegrityError) -> IntegrityManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IntegrityError("\(path): no integrity manifest here (create one with `vigil integrity seal`)")
        }
        guard let json = try? JSONParser.parse(data), json["version"]?.intValue == 1,
            let sealedText = json["sealed_at"]?.stringValue, let sealedAt = Timestamp(rfc3339: sealedText),
            let keyID = json["key_id"]?.stringValue, let signature = json["signature"]?.stringValue,
            let files = json["files"]?.arrayValue, let tools = json["tools"]?.arrayValue
        else { throw IntegrityError("\(path): not an integrity manifest") }
        var manifest = IntegrityManifest(
            files: files.compactMap { f in
                guard let path = f["path"]?.stringValue, let digest = f["sha256"]?.stringValue,
                    let bytes = f["bytes"]?.intValue
                else { return nil }
                return File(path: path, sha256: digest, bytes: Int(bytes))
            },
            tools: tools.compactMap { t in
                guard let server = t["server"]?.stringValue, let name = t["name"]?.stringValue,
                    let digest = t["digest"]?.stringValue
                else { return nil }
                return PinnedTool(server: server, name: name, digest: digest)
            }, sealedAt: sealedAt, keyID: keyID, signature: signature)
        guard manifest.files.count == files.count, manifest.tools.count == tools.count else {
            throw IntegrityError("\(path): an entry is incomplete")
        }
        guard let raw = Data(base64Encoded: signature), publicKey.isValidSignature(raw, for: manifest.signedBytes)
        else {
            throw IntegrityError(
                "\(path): the manifest's signature does not verify (it was altered, or sealed with another key)")
        }
        manifest.signature = signature
        return manifest
    }
}

public struct IntegrityError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
