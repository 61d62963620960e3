import Crypto
import Foundation
import VigilCore

/// What a verification proved.
public struct AuditVerification: Sendable, Hashable {
    public var records: Int64
    public var checkpoints: Int
    /// The records the last checkpoint covers.
    public var lastCheckpoint: Int64?
    /// Records after the last checkpoint record (or all of them, with none): chained, but no signature covers
    /// them yet, so someone who rewrites them with fresh hashes is not detected. A closed log has none.
    public var unsigned: Int64
    /// A final line a crash left incomplete: never acknowledged, not part of the log.
    public var incompleteTail: Bool
}

/// The first thing wrong with a log.
public struct AuditVerificationError: Error, Sendable, CustomStringConvertible {
    public var line: Int?
    public var description: String
}

/// Proves an audit log: every record's hash, the chain from the first record to the last, every
/// checkpoint's signature and what it covers, and the checkpoint kept beside the log (`PATH.checkpoint`,
/// which every log Vigil writes has from its first open), plus any copies of a checkpoint kept elsewhere.
public enum AuditVerifier {
    /// `copies`: checkpoint files saved away from the log (copies of `PATH.checkpoint` taken earlier). The log
    /// must still hold the records each one signed: rolling the log and its saved checkpoint back together to
    /// an earlier signed state is detected only against such a copy.
    public static func verify(
        path: String, publicKey: Curve25519.Signing.PublicKey, copies: [String] = []
    ) throws(AuditVerificationError)
        -> AuditVerification
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditVerificationError(line: nil, description: "\(path): cannot read the audit log")
        }
        var saved: [(file: String, checkpoint: Sidecar)] = []
        if let sidecar = try readSidecar(path + ".checkpoint", publicKey: publicKey) {
            saved.append((path + ".checkpoint", sidecar))
        }
        let hasSidecar = !saved.isEmpty
        for copy in copies {
            guard let checkpoint = try readSidecar(copy, publicKey: publicKey) else {
                throw AuditVerificationError(line: nil, description: "\(copy): cannot read the checkpoint")
            }
            saved.append((copy, checkpoint))
        }
        var bytes = [UInt8](data)
        var incomplete = false
        if let last = bytes.last, last != 0x0A {
            incomplete = true
            bytes.removeSubrange(((bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0)...)
        }
        var seq: Int64 = 0
        var head = AuditRecord.genesis
        var checkpoints = 0
        var lastCheckpoint: Int64?
        var lastCheckpointRecord: Int64 = 0
        // Which saved checkpoints the log was found to hold: one covering no records holds for any log.
        var matched = saved.map { $0.checkpoint.records == 0 }
        for (file, checkpoint) in saved where checkpoint.records == 0 && checkpoint.head != AuditRecord.genesis {
            throw AuditVerificationError(line: nil, description: "\(file): a checkpoint of no records with a head")
        }
        var lineNumber = 0
        if bytes.last == 0x0A { bytes.removeLast() }
        for line in bytes.isEmpty ? [] : bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            func fail(_ message: String) -> AuditVerificationError {
                AuditVerificationError(line: lineNumber, description: "line \(lineNumber): \(message)")
            }
            let record: AuditRecord
            do {
                record = try AuditRecord.parse(line)
            } catch {
                throw fail("record \(seq + 1) \(error) (modified)")
            }
            guard record.seq == seq + 1 else {
                throw fail(
                    "record \(record.seq) where record \(seq + 1) was expected (records were removed, inserted or reordered)"
                )
            }
            guard record.previous == head else {
                throw fail("record \(record.seq) does not follow record \(seq) (the chain is broken)")
            }
            if record.kind == "checkpoint" {
                guard let covered = record.data["records"]?.intValue,
                    let coveredHead = record.data["head"]?.stringValue,
                    let signature = record.data["signature"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
                else { throw fail("checkpoint \(record.seq) is incomplete") }
                guard covered == seq, coveredHead == head else {
                    throw fail("checkpoint \(record.seq) covers record \(covered), not the \(seq) before it")
                }
                guard
                    publicKey.isValidSignature(
                        signature, for: AuditKey.checkpointMessage(records: covered, head: coveredHead))
                else {
                    throw fail(
                        "checkpoint \(record.seq) has a signature the key does not verify (forged or another key)")
                }
                checkpoints += 1
                lastCheckpoint = covered
                lastCheckpointRecord = record.seq
            }
            seq = record.seq
            head = record.hash
            for (i, (file, checkpoint)) in saved.enumerated() where checkpoint.records == seq {
                guard checkpoint.head == head else {
                    throw fail("record \(seq) differs from the one \(file) signed")
                }
                matched[i] = true
            }
        }
        if bytes.isEmpty { seq = 0 }
        if seq > 0, !hasSidecar {
            throw AuditVerificationError(
                line: nil,
                description:
                    "\(path).checkpoint is missing: nothing signed says how long the log was (it was deleted, or the log was not written by Vigil)"
            )
        }
        for (i, (file, checkpoint)) in saved.enumerated() where !matched[i] {
            throw AuditVerificationError(
                line: nil,
                description:
                    "the log ends at record \(seq) but \(file) covers \(checkpoint.records) records (records were cut off the end)"
            )
        }
        // Beside the log, a closed log's checkpoint also says where it ended (a copy kept elsewhere may be older).
        if hasSidecar, let end = saved[0].checkpoint.closedAt, end != seq {
            throw AuditVerificationError(
                line: nil,
                description: end < seq
                    ? "\(seq - end) records follow record \(end), where the log was closed (they were appended by someone else)"
                    : "the log ends at record \(seq) but was closed at record \(end) (records were cut off the end)")
        }
        return AuditVerification(
            records: seq, checkpoints: checkpoints, lastCheckpoint: lastCheckpoint,
            unsigned: seq - lastCheckpointRecord, incompleteTail: incomplete)
    }

    struct Sidecar {
        var records: Int64
        var head: String
        /// The record the log ended at when its writer closed it (signed), or nil while it is open.
        var closedAt: Int64?
    }

    static func readSidecar(
        _ path: String, publicKey: Curve25519.Signing.PublicKey
    ) throws(AuditVerificationError)
        -> Sidecar?
    {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditVerificationError(line: nil, description: "\(path): cannot read the saved checkpoint")
        }
        guard let json = try? JSONParser.parse(data), let records = json["records"]?.intValue,
            let head = json["head"]?.stringValue,
            let signature = json["signature"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else { throw AuditVerificationError(line: nil, description: "\(path): not a checkpoint") }
        guard publicKey.isValidSignature(signature, for: AuditKey.checkpointMessage(records: records, head: head))
        else {
            throw AuditVerificationError(
                line: nil, description: "\(path): the saved checkpoint's signature does not verify")
        }
        guard let closedAt = json["closed_at_record"]?.intValue else { return Sidecar(records: records, head: head) }
        guard let closing = json["closed_signature"]?.stringValue.flatMap({ Data(base64Encoded: $0) }),
            publicKey.isValidSignature(
                closing, for: AuditKey.closedMessage(records: records, head: head, end: closedAt))
        else {
            throw AuditVerificationError(
                line: nil, description: "\(path): the saved checkpoint's closing signature does not verify")
        }
        return Sidecar(records: records, head: head, closedAt: closedAt)
    }
}
