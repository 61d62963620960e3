import Crypto
import Dispatch
import Foundation
import Synchronization
import VigilCore

#if canImport(Glibc)
import Glibc
private let systemClose = Glibc.close
private let systemWrite = Glibc.write
private func syncData(_ fd: Int32) -> Int32 { fdatasync(fd) }
#elseif canImport(Darwin)
import Darwin
private let systemClose = Darwin.close
private let systemWrite = Darwin.write
private func syncData(_ fd: Int32) -> Int32 { fcntl(fd, F_FULLFSYNC) }
#endif

/// What an acknowledged append returns: the record's position and hash.
public struct AuditReceipt: Sendable, Hashable {
    public var seq: Int64
    public var hash: String
}

/// The tamper-evident audit log: an append-only file of hash-chained records (`AuditRecord`), with a
/// checkpoint signed by Ed25519 every `checkpointEvery` records and when the log is closed.
///
/// Appends are group-committed: callers queue records, one writer thread writes everything queued,
/// syncs the file once (`fdatasync`), and only then acknowledges each record. An acknowledged record is
/// therefore on disk and survives the process being killed. The latest checkpoint is also kept beside
/// the log (`PATH.checkpoint`), so that cutting records off the end of the log is detected too.
public final class AuditLog: Sendable {
    public let path: String
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    private struct Pending {
        var kind: String
        var data: JSONValue
        var continuation: CheckedContinuation<AuditReceipt, any Error>
    }

    private struct Queue {
        var pending: [Pending] = []
        var closing = false
        var closed = false
        var failure: AuditLogError?
    }

    /// Opens (creating if needed) the log at `path`. A final line left incomplete by a crash was never
    /// acknowledged and is cut off; the chain continues from the last complete record.
    public init(
        path: String, key: AuditKey, clock: any WallClock = SystemWallClock(), checkpointEvery: Int = 1000,
        sync: Bool = true
    ) throws(AuditLogError) {
        self.path = path
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AuditLogError("\(path): cannot open the audit log (\(Self.errnoText()))") }
        let tail: (seq: Int64, hash: String, sinceCheckpoint: Int64)
        do {
            tail = try Self.recover(descriptor: descriptor, path: path)
        } catch {
            _ = systemClose(descriptor)
            throw error
        }
        let writer = Writer(
            descriptor: descriptor, path: path, key: key, clock: clock, checkpointEvery: Int64(max(1, checkpointEvery)),
            sync: sync, seq: tail.seq, head: tail.hash, sinceCheckpoint: tail.sinceCheckpoint)
        let thread = Thread { [self] in self.run(writer) }
        thread.name = "vigil-audit-writer"
        thread.start()
    }

    /// Appends a record and returns once it is durable.
    @discardableResult
    public func append(kind: String, data: JSONValue) async throws -> AuditReceipt {
        try await withCheckedThrowingContinuation { continuation in
            let refused: AuditLogError? = queue.withLock { queue in
                if let failure = queue.failure { return failure }
                if queue.closing { return AuditLogError("\(path): the audit log is closed") }
                queue.pending.append(Pending(kind: kind, data: data, continuation: continuation))
                return nil
            }
            if let refused { continuation.resume(throwing: refused) } else { wake.signal() }
        }
    }

    /// Writes a final checkpoint and closes the file. Appends after this fail.
    public func close() {
        let first = queue.withLock { queue -> Bool in
            defer { queue.closing = true }
            return !queue.closing
        }
        guard first else { return }
        wake.signal()
        finished.wait()
    }

    // MARK: - The writer thread

    /// State only the writer thread touches.
    private final class Writer: @unchecked Sendable {
        let descriptor: Int32
        let path: String
        let key: AuditKey
        let clock: any WallClock
        let checkpointEvery: Int64
        let sync: Bool
        var seq: Int64
        var head: String
        var sinceCheckpoint: Int64

        init(
            descriptor: Int32, path: String, key: AuditKey, clock: any WallClock, checkpointEvery: Int64, sync: Bool,
            seq: Int64, head: String, sinceCheckpoint: Int64
        ) {
            self.descriptor = descriptor
            self.path = path
            self.key = key
            self.clock = clock
            self.checkpointEvery = checkpointEvery
            self.sync = sync
            self.seq = seq
            self.head = head
            self.sinceCheckpoint = sinceCheckpoint
        }

        /// Appends a record to `buffer`, advancing the chain.
        func add(kind: String, data: JSONValue, to buffer: inout [UInt8]) -> AuditReceipt {
            seq += 1
            let (record, line) = AuditRecord.make(seq: seq, time: clock.now(), kind: kind, data: data, previous: head)
            buffer.append(contentsOf: line)
            buffer.append(0x0A)
            head = record.hash
            sinceCheckpoint += 1
            return AuditReceipt(seq: seq, hash: record.hash)
        }

        /// A signed checkpoint over everything so far, as a record of its own; returns the sidecar text.
        func checkpoint(to buffer: inout [UInt8]) -> JSONValue {
            let covered = seq
            let signature =
                (try? key.privateKey.signature(
                    for: AuditKey.checkpointMessage(records: covered, head: head)))?.base64EncodedString() ?? ""
            let data: JSONValue = [
                "records": .int(covered), "head": .string(head), "key_id": .string(key.keyID),
                "signature": .string(signature),
            ]
            _ = add(kind: "checkpoint", data: data, to: &buffer)
            sinceCheckpoint = 0
            return data
        }

        func write(_ buffer: [UInt8]) throws(AuditLogError) {
            var offset = 0
            while offset < buffer.count {
                let written = buffer.withUnsafeBytes {
                    systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw AuditLogError("\(path): write failed (\(AuditLog.errnoText()))")
                }
                offset += written
            }
            if sync && syncData(descriptor) != 0 {
                throw AuditLogError("\(path): sync failed (\(AuditLog.errnoText()))")
            }
        }

        /// Replaces `PATH.checkpoint` atomically with the latest checkpoint.
        func saveSidecar(_ checkpoint: JSONValue) throws(AuditLogError) {
            var object = checkpoint.objectValue ?? [:]
            object["public_key"] = .string(key.publicKey.rawRepresentation.base64EncodedString())
            let text = JSONValue.object(object).serialized() + "\n"
            let temporary = path + ".checkpoint.tmp"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw AuditLogError("\(temporary): cannot write (\(AuditLog.errnoText()))") }
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            let synced = !sync || fsync(fd) == 0
            _ = systemClose(fd)
            guard written == bytes.count, synced, rename(temporary, path + ".checkpoint") == 0 else {
                throw AuditLogError("\(path).checkpoint: cannot replace (\(AuditLog.errnoText()))")
            }
        }
    }

    private func run(_ writer: Writer) {
        while true {
            wake.wait()
            let (batch, closing) = queue.withLock { queue -> ([Pending], Bool) in
                defer { queue.pending.removeAll(keepingCapacity: true) }
                return (queue.pending, queue.closing)
            }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(batch.count * 320)
            var receipts: [AuditReceipt] = []
            receipts.reserveCapacity(batch.count)
            var sidecar: JSONValue?
            for item in batch {
                receipts.append(writer.add(kind: item.kind, data: item.data, to: &buffer))
                if writer.sinceCheckpoint >= writer.checkpointEvery { sidecar = writer.checkpoint(to: &buffer) }
            }
            if closing && writer.sinceCheckpoint > 0 { sidecar = writer.checkpoint(to: &buffer) }
            do {
                if !buffer.isEmpty { try writer.write(buffer) }
                if let sidecar { try writer.saveSidecar(sidecar) }
                for (item, receipt) in zip(batch, receipts) { item.continuation.resume(returning: receipt) }
            } catch {
                // Nothing of this batch is acknowledged, and nothing more is accepted: the chain on disk
                // may now end in a partial line, which the next open cuts off.
                queue.withLock { $0.failure = error }
                for item in batch { item.continuation.resume(throwing: error) }
            }
            if closing {
                let rest = queue.withLock { queue -> [Pending] in
                    defer { queue.pending.removeAll() }
                    return queue.pending
                }
                for item in rest {
                    item.continuation.resume(throwing: AuditLogError("\(path): the audit log is closed"))
                }
                _ = systemClose(writer.descriptor)
                finished.signal()
                return
            }
        }
    }

    // MARK: - Opening an existing log

    /// Cuts off an incomplete last line and finds the chain's end.
    private static func recover(
        descriptor: Int32, path: String
    ) throws(AuditLogError) -> (
        seq: Int64, hash: String, sinceCheckpoint: Int64
    ) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditLogError("\(path): cannot read the audit log")
        }
        var bytes = [UInt8](data)
        if let last = bytes.last, last != 0x0A {
            let keep = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
            guard ftruncate(descriptor, off_t(keep)) == 0 else {
                throw AuditLogError("\(path): cannot cut off an incomplete record (\(errnoText()))")
            }
            bytes.removeSubrange(keep...)
        }
        guard !bytes.isEmpty else { return (0, AuditRecord.genesis, 0) }
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
        let last: AuditRecord
        do {
            last = try AuditRecord.parse(lines.last!)
        } catch {
            throw AuditLogError("\(path): the last record \(error); run `vigil audit verify \(path)`")
        }
        var since: Int64 = 0
        for line in lines.reversed() {
            if line.starts(with: Array(#"{"seq":"#.utf8)), (try? AuditRecord.parse(line))?.kind == "checkpoint" {
                break
            }
            since += 1
        }
        return (last.seq, last.hash, since)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

public struct AuditLogError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
