import Crypto
import Foundation
import VigilCore

/// What a verification proved.
public struct AuditVerification: Sendable, Hashable {
    public var records: Int64
    public var checkpoints: Int
    /// The records the last checkpoint covers.
    public var lastCheckpoint: Int64?
    /// Records after the last checkpoint record (the log's signed first record counts as one): chained, but no
    /// signature covers them yet, so someone who rewrites them with fresh hashes is not detected. A closed log
    /// has none.
    public var unsigned: Int64
    /// Records a crash left after a checkpoint, which the next writer found and continued without being able
    /// to prove them (its signed `recovered` record names them): later checkpoints cover them, but do not vouch.
    public var unverified: Int64 = 0
    /// A final line a crash left incomplete: never acknowledged, not part of the log.
    public var incompleteTail: Bool
}

/// The first thing wrong with a log.
public struct AuditVerificationError: Error, Sendable, CustomStringConvertible {
    public var line: Int?
    public var description: String
}

/// Proves an audit log: every record's hash, the chain from the first record to the last, every
/// checkpoint's signature and what it covers, that nothing follows the checkpoint that closed the log but
/// the next writer's signed reopening, and the checkpoint kept beside the log (`PATH.checkpoint`, which
/// every log Vigil writes has from its first open), plus any copies of a checkpoint kept elsewhere.
public enum AuditVerifier {
    /// `copies`: checkpoint files saved away from the log (copies of `PATH.checkpoint` taken earlier). The log
    /// must still hold the records each one signed: rolling the log and its saved checkpoint back together to
    /// an earlier signed state is detected only against such a copy.
    public static func verify(
        path: String, publicKey: Curve25519.Signing.PublicKey, copies: [String] = []
    ) throws(AuditVerificationError)
        -> AuditVerification
    {
        try verify(path: path, publicKey: publicKey, copies: copies) { _ in }
    }

    /// Verifies the log, reading it a chunk of `chunk` bytes at a time, and passes each record to `each` as it
    /// is read, in order. A record is passed before the log as a whole is known to verify: a caller that must
    /// act only on a verified log (`vigil audit export`) keeps what it is given aside until this returns.
    public static func verify(
        path: String, publicKey: Curve25519.Signing.PublicKey, copies: [String] = [],
        chunk: Int = AuditLineReader.defaultChunk, each: (AuditRecord) -> Void
    ) throws(AuditVerificationError)
        -> AuditVerification
    {
        // The saved checkpoint before the log: a writer replaces it only once its checkpoint record is synced,
        // so a log read afterwards holds that record even while the writer goes on appending.
        var saved: [(file: String, checkpoint: Sidecar)] = []
        if let sidecar = try readSidecar(path + ".checkpoint", publicKey: publicKey) {
            saved.append((path + ".checkpoint", sidecar))
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw AuditVerificationError(
                line: nil, description: "\(path): cannot read the audit log (\(AuditLog.errnoText()))")
        }
        defer { close(descriptor) }
        let hasSidecar = !saved.isEmpty
        for copy in copies {
            guard let checkpoint = try readSidecar(copy, publicKey: publicKey) else {
                throw AuditVerificationError(line: nil, description: "\(copy): cannot read the checkpoint")
            }
            saved.append((copy, checkpoint))
        }
        var walk = Walk(seq: 0, head: AuditRecord.genesis)
        // Which saved checkpoints the log was found to hold (each pins a checkpoint record, a new log's its first).
        var matched = saved.map { _ in false }
        for (file, checkpoint) in saved where checkpoint.records == 0 && checkpoint.head != AuditRecord.genesis {
            throw AuditVerificationError(line: nil, description: "\(file): a checkpoint of no records with a head")
        }
        var lineNumber = 0
        let read = try AuditLineReader.forEachLine(descriptor: descriptor, chunk: chunk) {
            (line) throws(AuditVerificationError) in
            lineNumber += 1
            func fail(_ message: String) -> AuditVerificationError {
                AuditVerificationError(line: lineNumber, description: "line \(lineNumber): \(message)")
            }
            let record: AuditRecord
            do {
                record = try AuditRecord.parse(line)
            } catch {
                throw fail("record \(walk.seq + 1) \(error) (modified, or not written by Vigil)")
            }
            do throws(WalkError) {
                try walk.step(record, publicKey: publicKey)
            } catch {
                throw fail(error.message)
            }
            for (i, (file, checkpoint)) in saved.enumerated() {
                if checkpoint.records > 0, checkpoint.records == walk.seq, checkpoint.head != walk.head {
                    throw fail(
                        "the chain up to record \(walk.seq) is not the one \(file) signed: a record at or before \(walk.seq) was changed, and the chain rewritten after it"
                    )
                }
                if checkpoint.checkpoint == walk.seq {
                    // The checkpoint record it was saved from, and no other.
                    guard checkpoint.checkpointHash == walk.head else {
                        throw fail("record \(walk.seq) is not the checkpoint that \(file) was saved from")
                    }
                    matched[i] = true
                }
            }
            each(record)
        }
        let extent: AuditLineReader.Extent
        switch read {
        case .success(let value): extent = value
        case .failure(let error):
            throw AuditVerificationError(
                line: nil, description: "\(path): cannot read the audit log after line \(lineNumber) (\(error))")
        }
        let seq = walk.seq
        // Vigil writes a new log's signed first record as it creates it: an empty log was emptied, or is not Vigil's.
        if seq == 0, !hasSidecar, copies.isEmpty {
            throw AuditVerificationError(
                line: nil,
                description:
                    "\(path) holds no record and has no saved checkpoint: a log Vigil wrote always holds its signed first record, so this one was emptied (with its checkpoint deleted) or was not written by Vigil"
            )
        }
        if seq > 0, !hasSidecar {
            throw AuditVerificationError(
                line: nil,
                description: seq == 1
                    ? "\(path).checkpoint is missing and the log holds only its signed first record: a new log whose writer stopped before saving its checkpoint (opening it again saves one), or a log cut to its start"
                    : "\(path).checkpoint is missing: nothing signed says how long the log was (it was deleted, or the log was not written by Vigil)"
            )
        }
        for (i, (file, checkpoint)) in saved.enumerated() where !matched[i] {
            let missing =
                seq + 1 >= checkpoint.checkpoint
                ? "record \(checkpoint.checkpoint) is" : "records \(seq + 1)–\(checkpoint.checkpoint) are"
            throw AuditVerificationError(
                line: nil,
                description:
                    "the log ends at record \(seq), but \(file) covers \(checkpoint.records) records and was saved from checkpoint record \(checkpoint.checkpoint): \(missing) missing (records were cut off the end, or the log was rolled back)"
            )
        }
        return AuditVerification(
            records: seq, checkpoints: walk.checkpoints, lastCheckpoint: walk.lastCheckpoint,
            unsigned: seq - walk.lastCheckpointRecord, unverified: walk.unverified,
            incompleteTail: extent.total > extent.complete)
    }

    // MARK: - The chain, one record at a time (shared with opening a log)

    struct WalkError: Error {
        var message: String
    }

    /// The state of a walk along the chain, and the rules each record must keep.
    struct Walk {
        var seq: Int64
        var head: String
        var checkpoints = 0
        var lastCheckpoint: Int64?
        var lastCheckpointRecord: Int64 = 0
        /// The latest record the writer signed (a checkpoint, the first record, a reopening or a recovery note):
        /// what follows it, up to the next, no signature vouches for yet.
        var lastSignedRecord: Int64 = 0
        /// The checkpoint that closed the log, when it is the latest record: what follows must reopen it.
        var closedBy: (seq: Int64, hash: String)?
        /// Records named by signed `recovered` records.
        var unverified: Int64 = 0

        /// The base64 `signature` field of a record's data (or a saved checkpoint), decoded.
        static func signature(in data: JSONValue) -> Data? {
            data["signature"]?.stringValue.flatMap { Data(base64Encoded: $0) }
        }

        mutating func step(_ record: AuditRecord, publicKey: Curve25519.Signing.PublicKey) throws(WalkError) {
            guard record.seq == seq + 1 else {
                throw WalkError(
                    message:
                        "record \(record.seq) where record \(seq + 1) was expected (records were removed, inserted or reordered)"
                )
            }
            guard record.previous == head else {
                throw WalkError(message: "record \(record.seq) does not follow record \(seq) (the chain is broken)")
            }
            if let closed = closedBy {
                guard record.kind == "reopened", record.data["after"]?.intValue == closed.seq,
                    record.data["head"]?.stringValue == closed.hash,
                    let signature = Self.signature(in: record.data),
                    publicKey.isValidSignature(
                        signature, for: AuditKey.reopenMessage(after: closed.seq, head: closed.hash))
                else {
                    throw WalkError(
                        message:
                            "record \(record.seq) follows record \(closed.seq), the checkpoint that closed the log, without a signed reopening (it was appended by someone else)"
                    )
                }
                closedBy = nil
                lastSignedRecord = record.seq
            }
            if record.seq == 1, record.kind != "checkpoint" || record.data["log"] == nil {
                throw WalkError(message: "record 1 is not the signed record that starts a log Vigil wrote")
            }
            if record.kind == "recovered" {
                guard let from = record.data["from"]?.intValue, let to = record.data["to"]?.intValue,
                    from == lastSignedRecord + 1, to == seq, to >= from, record.data["head"]?.stringValue == head,
                    let signature = Self.signature(in: record.data),
                    publicKey.isValidSignature(
                        signature, for: AuditKey.recoveredMessage(from: from, to: to, head: head))
                else {
                    throw WalkError(
                        message:
                            "record \(record.seq) is a recovery note the key does not verify or that names other records"
                    )
                }
                unverified += to - from + 1
                lastSignedRecord = record.seq
            }
            if record.kind == "checkpoint", let log = record.data["log"]?.stringValue {
                // A log's first record: its random id, signed.
                guard record.seq == 1, record.data["records"]?.intValue == 0,
                    record.data["head"]?.stringValue == AuditRecord.genesis,
                    let signature = Self.signature(in: record.data),
                    publicKey.isValidSignature(signature, for: AuditKey.createdMessage(log: log))
                else {
                    throw WalkError(
                        message: "record \(record.seq) claims to start a log, with a signature the key does not verify")
                }
                lastCheckpointRecord = record.seq
                lastSignedRecord = record.seq
            } else if record.kind == "checkpoint" {
                guard let covered = record.data["records"]?.intValue,
                    let coveredHead = record.data["head"]?.stringValue,
                    let signature = Self.signature(in: record.data)
                else { throw WalkError(message: "checkpoint \(record.seq) is incomplete") }
                guard covered == seq else {
                    throw WalkError(
                        message: "checkpoint \(record.seq) covers record \(covered), not the \(seq) before it")
                }
                guard coveredHead == head else {
                    throw WalkError(
                        message:
                            "checkpoint \(record.seq) signed another chain up to record \(covered) than the one here: a record at or before \(covered) was changed, and the chain rewritten after it"
                    )
                }
                let final = record.data["final"] == .bool(true)
                let message =
                    final
                    ? AuditKey.finalMessage(records: covered, head: coveredHead)
                    : AuditKey.checkpointMessage(records: covered, head: coveredHead)
                guard publicKey.isValidSignature(signature, for: message) else {
                    throw WalkError(
                        message:
                            "checkpoint \(record.seq) has a signature the key does not verify (forged or another key)")
                }
                checkpoints += 1
                lastCheckpoint = covered
                lastCheckpointRecord = record.seq
                lastSignedRecord = record.seq
                if final { closedBy = (record.seq, record.hash) }
            }
            seq = record.seq
            head = record.hash
        }
    }

    // MARK: - Saved checkpoints

    struct Sidecar {
        var records: Int64
        var head: String
        /// The checkpoint record it was saved from (a new log's: its signed first record).
        var checkpoint: Int64
        var checkpointHash: String
    }

    /// The saved checkpoint at `path`, or nil if there is no such file.
    static func readSidecar(
        _ path: String, publicKey: Curve25519.Signing.PublicKey
    ) throws(AuditVerificationError)
        -> Sidecar?
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            guard !FileManager.default.fileExists(atPath: path) else {
                throw AuditVerificationError(line: nil, description: "\(path): cannot read the saved checkpoint")
            }
            return nil
        }
        guard let json = try? JSONParser.parse(data), let records = json["records"]?.intValue,
            let head = json["head"]?.stringValue, let checkpoint = json["checkpoint"]?.intValue,
            let checkpointHash = json["checkpoint_hash"]?.stringValue,
            let signature = Walk.signature(in: json)
        else { throw AuditVerificationError(line: nil, description: "\(path): not a saved checkpoint") }
        let message = AuditKey.savedMessage(
            records: records, head: head, checkpoint: checkpoint, checkpointHash: checkpointHash)
        guard publicKey.isValidSignature(signature, for: message) else {
            // Signed by another key than the one given: a wrong key, not a tampered log, when the file names it.
            let given = AuditKey.keyID(publicKey)
            if let named = json["key_id"]?.stringValue, named != given {
                throw AuditVerificationError(
                    line: nil,
                    description:
                        "\(path): the saved checkpoint says it is signed by key \(named), not by the key given (\(given)), and the signature does not verify with the key given: if the key given is this log's, the log was signed by another key (forged, or another Vigil's); otherwise verify with the key that signed it (its public key in a file named *.pub)"
                )
            }
            throw AuditVerificationError(
                line: nil, description: "\(path): the saved checkpoint's signature does not verify")
        }
        guard checkpoint == records + 1 else {
            throw AuditVerificationError(line: nil, description: "\(path): not a saved checkpoint")
        }
        return Sidecar(records: records, head: head, checkpoint: checkpoint, checkpointHash: checkpointHash)
    }
}
