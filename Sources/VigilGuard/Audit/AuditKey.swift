import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The Ed25519 key that signs audit checkpoints, kept in a file readable by its owner only
/// (base64 of the 32-byte private key). Verification needs only the public key.
public struct AuditKey: Sendable {
    public let privateKey: Curve25519.Signing.PrivateKey

    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }

    /// A short identifier of the public key (first 16 hex digits of its SHA-256).
    public var keyID: String { Self.keyID(publicKey) }

    public init(_ privateKey: Curve25519.Signing.PrivateKey = .init()) { self.privateKey = privateKey }

    /// Loads the key at `path`, creating it (mode 0600) if the file does not exist. Processes that start together
    /// agree on one key: the new key is written whole to a file of its own, then linked to `path`, which fails if
    /// another process linked its key first; that one is then loaded. No process ever sees a half-written key, and
    /// none replaces a key that others have signed with.
    public static func loadOrCreate(path: String) throws(AuditKeyError) -> (AuditKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) { return (try load(path: path), false) }
        let key = AuditKey()
        let text = key.privateKey.rawRepresentation.base64EncodedString() + "\n"
        let bytes = Array(text.utf8)
        let staging = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).new"
        try writeWhole(bytes, to: staging, path: path)
        defer { unlink(staging) }
        if link(staging, path) == 0 {
            syncDirectory(of: path)
            return (key, true)
        }
        let code = errno
        if code == EEXIST {
            // Another process created it between the check and the link: its key is the one.
            return (try load(path: path), false)
        }
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == ENOSYS else {
            throw AuditKeyError("\(path): cannot create the audit signing key (\(String(cString: strerror(code))))")
        }
        // A file system without hard links (some network and FUSE mounts): created in place, exclusively. A
        // process that reads it in the instant before it is written finds it short and says so.
        do {
            try writeWhole(bytes, to: path, path: path)
        } catch {
            if FileManager.default.fileExists(atPath: path) { return (try load(path: path), false) }
            throw error
        }
        syncDirectory(of: path)
        return (key, true)
    }

    /// Creates `file` (exclusively, mode 0600) holding `bytes`, synced; errors name `path`, the key's file.
    private static func writeWhole(_ bytes: [UInt8], to file: String, path: String) throws(AuditKeyError) {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AuditKeyError("\(path): cannot create the audit signing key (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            let reason = written < 0 ? String(cString: strerror(errno)) : "short write"
            unlink(file)
            throw AuditKeyError("\(path): cannot write the audit signing key (\(reason))")
        }
        guard fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(file)
            throw AuditKeyError("\(path): cannot write the audit signing key (\(reason))")
        }
    }

    /// Makes a new name in `path`'s directory durable (best effort: a directory that cannot be opened is left).
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    public static func load(path: String) throws(AuditKeyError) -> AuditKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditKeyError("\(path): cannot read the audit signing key")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw AuditKeyError("\(path): not an audit signing key (base64 of 32 bytes expected)") }
        return AuditKey(key)
    }

    /// The public key in `path`: a `.pub` file (`.PUB` too) holds the public key, any other file the private key
    /// (whose public half is derived). Both are base64 of 32 bytes, so a public key in a file named otherwise reads
    /// as some private key: the verifier then names the key id the log was signed with and the one given.
    public static func loadPublic(path: String) throws(AuditKeyError) -> Curve25519.Signing.PublicKey {
        guard path.lowercased().hasSuffix(".pub") else { return try load(path: path).publicKey }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditKeyError("\(path): cannot read the public key")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw AuditKeyError("\(path): not a public key (base64 of 32 bytes expected)") }
        return key
    }

    /// The public key as a `.pub` file holds it.
    public var publicKeyText: String { publicKey.rawRepresentation.base64EncodedString() + "\n" }

    /// The Ed25519 signature of `message`, base64 (empty if signing failed, which no verifier accepts).
    func signature(of message: Data) -> String {
        (try? privateKey.signature(for: message))?.base64EncodedString() ?? ""
    }

    static func keyID(_ key: Curve25519.Signing.PublicKey) -> String {
        String(AuditRecord.hexDigest(key.rawRepresentation).prefix(16))
    }

    /// What a checkpoint signs: the record count and the head hash.
    static func checkpointMessage(records: Int64, head: String) -> Data {
        Data("vigil-audit-checkpoint\n\(records)\n\(head)".utf8)
    }

    /// What the checkpoint that closes a log signs: what it covers, and that nothing follows but a reopening.
    static func finalMessage(records: Int64, head: String) -> Data {
        Data("vigil-audit-final\n\(records)\n\(head)".utf8)
    }

    /// What a saved checkpoint (`PATH.checkpoint`) signs: what its checkpoint covers, and that checkpoint record
    /// itself (its number and hash; a new log's signed first record for its first), so that no other record can
    /// stand in for it.
    static func savedMessage(records: Int64, head: String, checkpoint: Int64, checkpointHash: String) -> Data {
        Data("vigil-audit-saved\n\(records)\n\(head)\n\(checkpoint)\n\(checkpointHash)".utf8)
    }

    /// What the first record of a log signs: the log's random id, so that no other log under the key can stand in
    /// for it.
    static func createdMessage(log: String) -> Data {
        Data("vigil-audit-created\n\(log)".utf8)
    }

    /// What a writer signs when it continues a log a crash left: the records after the last checkpoint, which it
    /// found and could not prove (anyone could have written them), so that signing later checkpoints over them
    /// does not vouch for them.
    static func recoveredMessage(from: Int64, to: Int64, head: String) -> Data {
        Data("vigil-audit-recovered\n\(from)\n\(to)\n\(head)".utf8)
    }

    /// What the next writer signs when it continues a closed log: the closing checkpoint's record and hash.
    static func reopenMessage(after seq: Int64, head: String) -> Data {
        Data("vigil-audit-reopen\n\(seq)\n\(head)".utf8)
    }
}

/// The public half of an audit key.
public typealias Curve25519PublicKey = Curve25519.Signing.PublicKey

public struct AuditKeyError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
