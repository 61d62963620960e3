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
/// Appends are group-committed. A caller chains and writes its own record under the log's lock (no
/// thread hand-off), then waits for the syncer thread, which runs one `fdatasync` for everything written
/// since its last one and only then acknowledges those records. An acknowledged record is therefore on
/// disk and survives the process being killed. With `sync: false` (tests, benchmarks) an append returns
/// as soon as its record is written. The latest checkpoint is also kept beside the log
/// (`PATH.checkpoint`), written once the records it covers are synced, so that cutting records off the
/// end of the log is detected too.
public final class AuditLog: Sendable {
    public let path: String
    private let sync: Bool
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    private struct Waiter {
        var receipt: AuditReceipt
        var continuation: CheckedContinuation<AuditReceipt, any Error>
    }

    /// Everything behind the lock: the chain's end, the file, and what waits for the next sync.
    private struct State: ~Copyable {
        let descriptor: Int32
        let key: AuditKey
        let clock: any WallClock
        let checkpointEvery: Int64
        var seq: Int64
        var head: String
        var sinceCheckpoint: Int64
        var buffer: [UInt8] = []
        /// Records written but not yet synced, with their callers.
        var waiting: [Waiter] = []
        /// The newest checkpoint written and not yet saved beside the log.
        var sidecar: JSONValue?
        /// What the latest checkpoint covers: the saved checkpoint's when the log was opened, then each new one's.
        var signed: (records: Int64, head: String)
        var closing = false
        var failure: AuditLogError?
    }

    /// Opens (creating if needed) the log at `path`. A final line left incomplete by a crash was never
    /// acknowledged and is cut off; the chain continues from the last complete record. One process writes a
    /// log at a time (an exclusive `flock`, where the file system has locks). A new log gets a saved checkpoint
    /// of no records at once, so that every log has one; an existing log is continued only if its saved
    /// checkpoint is there, verifies, names a record the log still holds and, if it says the log was closed,
    /// nothing was appended after that: the key never signs records someone else wrote.
    public init(
        path: String, key: AuditKey, clock: any WallClock = SystemWallClock(), checkpointEvery: Int = 1000,
        sync: Bool = true
    ) throws(AuditLogError) {
        self.path = path
        self.sync = sync
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AuditLogError("\(path): cannot open the audit log (\(Self.errnoText()))") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            let text = Self.errnoText()
            // A file system without locks (some network mounts) cannot say; one writer is then the operator's care.
            if code != ENOLCK && code != EOPNOTSUPP {
                _ = systemClose(descriptor)
                throw AuditLogError(
                    code == EWOULDBLOCK
                        ? "\(path): the audit log is already open for writing (in this process or another); one writer at a time continues a chain"
                        : "\(path): cannot lock the audit log (\(text))")
            }
        }
        let tail: (seq: Int64, hash: String, sinceCheckpoint: Int64, signed: (records: Int64, head: String))
        do {
            tail = try Self.recover(descriptor: descriptor, path: path, key: key)
            // The saved checkpoint says the log is open again (a new log's covers no records).
            try Self.saveSidecar(
                .object(Self.checkpointData(records: tail.signed.records, head: tail.signed.head, key: key)),
                path: path, sync: sync)
        } catch {
            _ = systemClose(descriptor)
            throw error
        }
        state = Mutex(
            State(
                descriptor: descriptor, key: key, clock: clock, checkpointEvery: Int64(max(1, checkpointEvery)),
                seq: tail.seq, head: tail.hash, sinceCheckpoint: tail.sinceCheckpoint, signed: tail.signed))
        let thread = Thread { [self] in self.runSyncer(descriptor: descriptor) }
        thread.name = "vigil-audit-sync"
        thread.start()
    }

    /// Appends a record and returns once it is durable (once it is written, with `sync: false`).
    @discardableResult
    public func append(kind: String, data: JSONValue) async throws -> AuditReceipt {
        if !sync {
            return try state.withLock { state throws(AuditLogError) in
                let receipt = try write(kind: kind, data: data, state: &state)
                if state.sidecar != nil { wake.signal() }
                return receipt
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let outcome = state.withLock { state -> Result<Void, AuditLogError> in
                do throws(AuditLogError) {
                    let receipt = try write(kind: kind, data: data, state: &state)
                    state.waiting.append(Waiter(receipt: receipt, continuation: continuation))
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            switch outcome {
            case .success: wake.signal()
            case .failure(let error): continuation.resume(throwing: error)
            }
        }
    }

    /// Writes a final checkpoint, waits for the last sync and closes the file. Appends after this fail. The saved
    /// checkpoint then also signs the record the log ended at, so that records appended afterwards by anyone
    /// but the next writer are detected.
    public func close() {
        let first = state.withLock { state -> Bool in
            guard !state.closing else { return false }
            state.closing = true
            guard state.failure == nil else { return true }
            state.buffer.removeAll(keepingCapacity: true)
            var last = Self.checkpointData(records: state.signed.records, head: state.signed.head, key: state.key)
            if state.sinceCheckpoint > 0 { last = checkpoint(state: &state) }
            do throws(AuditLogError) {
                try writeBuffer(state: &state)
                let records = state.signed.records
                let head = state.signed.head
                let signature = try? state.key.privateKey.signature(
                    for: AuditKey.closedMessage(records: records, head: head, end: state.seq))
                last["closed_at_record"] = .int(state.seq)
                last["closed_signature"] = .string(signature?.base64EncodedString() ?? "")
                state.sidecar = .object(last)
            } catch {
                state.failure = error
            }
            return true
        }
        guard first else { return }
        wake.signal()
        finished.wait()
    }

    // MARK: - Writing, under the lock

    /// Chains a record (and a checkpoint when one is due) and writes it to the file.
    private func write(kind: String, data: JSONValue, state: inout State) throws(AuditLogError) -> AuditReceipt {
        if let failure = state.failure { throw failure }
        if state.closing { throw AuditLogError("\(path): the audit log is closed") }
        state.buffer.removeAll(keepingCapacity: true)
        let receipt = add(kind: kind, data: data, state: &state)
        var checkpoint: JSONValue?
        if state.sinceCheckpoint >= state.checkpointEvery { checkpoint = .object(self.checkpoint(state: &state)) }
        do {
            try writeBuffer(state: &state)
        } catch {
            // Nothing more is accepted: the file may now end in a partial line, which the next open cuts
            // off. Records written before and still waiting for their sync are failed by the syncer.
            state.failure = error
            throw error
        }
        if let checkpoint { state.sidecar = checkpoint }
        return receipt
    }

    /// Appends a record to the state's buffer, advancing the chain.
    private func add(kind: String, data: JSONValue, state: inout State) -> AuditReceipt {
        state.seq += 1
        let (record, line) = AuditRecord.make(
            seq: state.seq, time: state.clock.now(), kind: kind, data: data, previous: state.head)
        state.buffer.append(contentsOf: line)
        state.buffer.append(0x0A)
        state.head = record.hash
        state.sinceCheckpoint += 1
        return AuditReceipt(seq: state.seq, hash: record.hash)
    }

    /// A signed checkpoint over everything so far, as a record of its own; returns the sidecar's data.
    private func checkpoint(state: inout State) -> JSONObject {
        let saved = Self.checkpointData(records: state.seq, head: state.head, key: state.key)
        state.signed = (state.seq, state.head)
        var record = saved
        record["public_key"] = nil
        _ = add(kind: "checkpoint", data: .object(record), state: &state)
        state.sinceCheckpoint = 0
        return saved
    }

    /// A checkpoint's fields: what it covers, the key's id and public key, the signature.
    private static func checkpointData(records: Int64, head: String, key: AuditKey) -> JSONObject {
        let signature =
            (try? key.privateKey.signature(for: AuditKey.checkpointMessage(records: records, head: head)))?
            .base64EncodedString() ?? ""
        return [
            "records": .int(records), "head": .string(head), "key_id": .string(key.keyID),
            "signature": .string(signature),
            "public_key": .string(key.publicKey.rawRepresentation.base64EncodedString()),
        ]
    }

    private func writeBuffer(state: inout State) throws(AuditLogError) {
        let descriptor = state.descriptor
        var offset = 0
        while offset < state.buffer.count {
            let written = state.buffer.withUnsafeBytes {
                systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw AuditLogError("\(path): write failed (\(Self.errnoText()))")
            }
            offset += written
        }
    }

    // MARK: - The syncer thread

    private func runSyncer(descriptor: Int32) {
        while true {
            wake.wait()
            // Everything taken here was written before the sync below starts, so the sync covers it.
            let (waiting, sidecar, closing, failure) = state.withLock { state in
                defer {
                    state.waiting.removeAll(keepingCapacity: true)
                    state.sidecar = nil
                }
                return (state.waiting, state.sidecar, state.closing, state.failure)
            }
            var error = failure
            if error == nil, sync, !waiting.isEmpty || sidecar != nil || closing, syncData(descriptor) != 0 {
                error = AuditLogError("\(path): sync failed (\(Self.errnoText()))")
                state.withLock { $0.failure = error }
            }
            if error == nil, let sidecar {
                do throws(AuditLogError) {
                    try Self.saveSidecar(sidecar, path: path, sync: sync)
                } catch {
                    state.withLock { $0.failure = $0.failure ?? error }
                }
            }
            for waiter in waiting {
                if let error {
                    waiter.continuation.resume(throwing: error)
                } else {
                    waiter.continuation.resume(returning: waiter.receipt)
                }
            }
            if closing {
                // Appends stop at `closing`; anything that slipped in before it was taken above.
                let rest = state.withLock { state in
                    defer { state.waiting.removeAll() }
                    return state.waiting
                }
                for waiter in rest { waiter.continuation.resume(returning: waiter.receipt) }
                _ = systemClose(descriptor)
                finished.signal()
                return
            }
        }
    }

    /// Replaces `PATH.checkpoint` atomically with the latest checkpoint.
    private static func saveSidecar(_ checkpoint: JSONValue, path: String, sync: Bool) throws(AuditLogError) {
        let text = checkpoint.serialized() + "\n"
        let temporary = path + ".checkpoint.tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditLogError("\(temporary): cannot write (\(Self.errnoText()))") }
        // Readable by whoever may read the log (an auditor's group), no one else.
        var status = stat()
        if stat(path, &status) == 0 { _ = fchmod(fd, status.st_mode & 0o640) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
        let synced = !sync || fsync(fd) == 0
        _ = systemClose(fd)
        guard written == bytes.count, synced, rename(temporary, path + ".checkpoint") == 0 else {
            throw AuditLogError("\(path).checkpoint: cannot replace (\(errnoText()))")
        }
    }

    // MARK: - Opening an existing log

    /// Finds the chain's end and checks the saved checkpoint against it, then cuts off an incomplete last line
    /// (only once the log is known to be continued: a refused log is left as it was).
    private static func recover(
        descriptor: Int32, path: String, key: AuditKey
    ) throws(AuditLogError) -> (
        seq: Int64, hash: String, sinceCheckpoint: Int64, signed: (records: Int64, head: String)
    ) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuditLogError("\(path): cannot read the audit log")
        }
        var bytes = [UInt8](data)
        let complete =
            bytes.last.map { $0 == 0x0A ? bytes.count : (bytes.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) } ?? 0
        bytes.removeSubrange(complete...)
        let saved: AuditVerifier.Sidecar?
        do {
            saved = try AuditVerifier.readSidecar(path + ".checkpoint", publicKey: key.publicKey)
        } catch {
            throw AuditLogError("\(error.description); run `vigil audit verify \(path)`")
        }
        func refuse(_ problem: String) -> AuditLogError {
            AuditLogError("\(path): \(problem); run `vigil audit verify \(path)`")
        }
        var result: (seq: Int64, hash: String, sinceCheckpoint: Int64, signed: (records: Int64, head: String)) = (
            0, AuditRecord.genesis, 0, (0, AuditRecord.genesis)
        )
        if bytes.isEmpty {
            if let saved, saved.records > 0 || (saved.closedAt ?? 0) > 0 {
                throw refuse("the log is empty but its saved checkpoint covers \(saved.records) records")
            }
        } else {
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
            guard let lastLine = lines.last else {
                throw AuditLogError("\(path): holds blank lines and no record; it is not an audit log Vigil wrote")
            }
            let last: AuditRecord
            do {
                last = try AuditRecord.parse(lastLine)
            } catch {
                throw refuse("the last record \(error)")
            }
            guard let saved else {
                throw AuditLogError(
                    "\(path).checkpoint is missing, so nothing signed vouches for the log's \(last.seq) records; run `vigil audit verify \(path)`, and move the log away to start a new one"
                )
            }
            guard saved.records <= last.seq else {
                throw refuse(
                    "the log ends at record \(last.seq) but its saved checkpoint covers \(saved.records) records")
            }
            if let end = saved.closedAt, end != last.seq {
                throw refuse(
                    end < last.seq
                        ? "\(last.seq - end) records follow record \(end), where the log was closed (appended by someone else)"
                        : "the log ends at record \(last.seq) but was closed at record \(end)")
            }
            var since: Int64 = 0
            var sinceFound = false
            var savedFound = saved.records == 0
            for line in lines.reversed() where !(sinceFound && savedFound) {
                guard let record = try? AuditRecord.parse(line) else { continue }
                if !sinceFound {
                    if record.kind == "checkpoint" { sinceFound = true } else { since += 1 }
                }
                if record.seq == saved.records {
                    guard record.hash == saved.head else {
                        throw refuse("record \(record.seq) differs from the one its saved checkpoint signed")
                    }
                    savedFound = true
                }
            }
            guard savedFound else { throw refuse("no record \(saved.records), which its saved checkpoint signed") }
            result = (last.seq, last.hash, since, (saved.records, saved.head))
        }
        if complete < data.count {
            guard ftruncate(descriptor, off_t(complete)) == 0 else {
                throw AuditLogError("\(path): cannot cut off an incomplete record (\(errnoText()))")
            }
        }
        return result
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

public struct AuditLogError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
