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
    /// What the log's latest signed checkpoint says of the integrity manifest the writers before ran with: the
    /// manifest file's SHA-256, `none` (they ran unsealed), or nil (no checkpoint says: an older log, a new one).
    /// Each checkpoint carries it forward (`recordIntegrity` changes it), so that a manifest deleted between two
    /// runs is noticed: nothing signed can say "unsealed" but a writer that was told so.
    public let integrityAtOpen: String?
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
        /// What each checkpoint says of the integrity manifest (`integrityAtOpen`).
        var integrity: String?
        var closing = false
        var failure: AuditLogError?
    }

    /// Opens (creating if needed) the log at `path`. A final line left incomplete by a crash was never
    /// acknowledged and is cut off; the chain continues from the last complete record. One process writes a
    /// log at a time (an exclusive `flock`, where the file system has locks). A new log starts with a signed
    /// record of its own random id, and a saved checkpoint that pins it, so that every log has one. An existing
    /// log is continued only if its saved checkpoint is there, verifies and names a record the log still holds,
    /// and the chain from there to the end keeps every rule `AuditVerifier` checks (hashes, links, signatures,
    /// nothing after the closing checkpoint but a signed reopening). A closed log is continued with a signed
    /// `reopened` record; a log a crash left, with a signed `recovered` record naming the records after the
    /// writer's last signed one: the key never vouches for records someone else wrote. The existing log is read
    /// `readChunk` bytes at a time, so opening it holds one chunk and the longest line in memory, not the log.
    public init(
        path: String, key: AuditKey, clock: any WallClock = SystemWallClock(), checkpointEvery: Int = 1000,
        sync: Bool = true, readChunk: Int = AuditLineReader.defaultChunk
    ) throws(AuditLogError) {
        self.path = path
        self.sync = sync
        if !FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: path + ".checkpoint") {
            throw AuditLogError(
                "\(path) is missing but its saved checkpoint is there; run `vigil audit verify \(path)` (to start a new log, move \(path).checkpoint away too)"
            )
        }
        // An empty log that was there before this open, with no saved checkpoint, is not a new log: Vigil writes a
        // new log's signed first record as it creates it, so this one was emptied (or a crash came between the two).
        let existedEmpty =
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue == 0
            && !FileManager.default.fileExists(atPath: path + ".checkpoint")
        if existedEmpty {
            throw AuditLogError(
                "\(path) exists but is empty, with no saved checkpoint: a log Vigil wrote always holds its signed first record, so it was emptied (or its writer stopped before writing anything); move it away to start a new log"
            )
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AuditLogError("\(path): cannot open the audit log (\(Self.errnoText()))") }
        if let code = Self.lock(descriptor) {
            let text = Self.errnoText(code)
            // A file system without locks (some network mounts) cannot say; one writer is then the operator's care.
            if code != ENOLCK && code != EOPNOTSUPP {
                _ = systemClose(descriptor)
                throw AuditLogError(
                    code == EWOULDBLOCK
                        ? "\(path): the audit log is already open for writing (in this process or another); one writer at a time continues a chain"
                        : "\(path): cannot lock the audit log (\(text))", isBusy: code == EWOULDBLOCK)
            }
        }
        Self.removeStaleTemporaries(path)
        let tail: Tail
        do {
            tail = try Self.recover(descriptor: descriptor, path: path, key: key, chunk: readChunk)
        } catch {
            _ = systemClose(descriptor)
            throw error
        }
        integrityAtOpen = tail.integrity
        state = Mutex(
            State(
                descriptor: descriptor, key: key, clock: clock, checkpointEvery: Int64(max(1, checkpointEvery)),
                seq: tail.seq, head: tail.hash, sinceCheckpoint: tail.sinceCheckpoint, integrity: tail.integrity))
        // What opening writes before anything else: a new log's first record (its random id, signed) and the
        // saved checkpoint that pins it; the signed reopening of a closed log; or, for a log a crash left, a
        // signed record of the records after its last checkpoint, which no signature covered.
        let opening: (kind: String, data: JSONValue)?
        if tail.seq == 0 {
            let id = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            opening = (
                "checkpoint",
                [
                    "records": 0, "head": .string(AuditRecord.genesis), "log": .string(id),
                    "key_id": .string(key.keyID),
                    "signature": .string(key.signature(of: AuditKey.createdMessage(log: id))),
                ]
            )
        } else if let closed = tail.closedBy {
            opening = (
                "reopened",
                [
                    "after": .int(closed.seq), "head": .string(closed.hash), "key_id": .string(key.keyID),
                    "signature": .string(
                        key.signature(of: AuditKey.reopenMessage(after: closed.seq, head: closed.hash))),
                ]
            )
        } else if tail.seq > tail.lastSigned {
            let from = tail.lastSigned + 1
            opening = (
                "recovered",
                [
                    "from": .int(from), "to": .int(tail.seq), "head": .string(tail.hash), "key_id": .string(key.keyID),
                    "signature": .string(
                        key.signature(of: AuditKey.recoveredMessage(from: from, to: tail.seq, head: tail.hash))),
                ]
            )
        } else {
            opening = nil
        }
        let sync = self.sync
        let failure = state.withLock { state -> AuditLogError? in
            do throws(AuditLogError) {
                if let opening {
                    state.buffer.removeAll(keepingCapacity: true)
                    let receipt = add(kind: opening.kind, data: opening.data, state: &state)
                    if opening.kind == "checkpoint" { state.sinceCheckpoint = 0 }
                    try writeBuffer(state: &state)
                    if sync, syncData(descriptor) != 0 {
                        throw AuditLogError("\(path): sync failed (\(Self.errnoText()))")
                    }
                    if tail.seq == 0 {
                        try Self.saveSidecar(
                            Self.savedCheckpoint(
                                records: 0, head: AuditRecord.genesis, checkpoint: receipt.seq,
                                checkpointHash: receipt.hash, key: key), path: path, sync: sync)
                    }
                } else if tail.needsSidecar {
                    if sync, syncData(descriptor) != 0 {
                        throw AuditLogError("\(path): sync failed (\(Self.errnoText()))")
                    }
                    try Self.saveSidecar(
                        Self.savedCheckpoint(
                            records: 0, head: AuditRecord.genesis, checkpoint: 1, checkpointHash: tail.hash, key: key),
                        path: path, sync: sync)
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            _ = systemClose(descriptor)
            throw failure
        }
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

    /// Takes the log's exclusive lock, waiting up to a second while another holds it; nil when taken, else the
    /// last attempt's `errno`. A writer that has just closed the log may still look like one: a child process
    /// started elsewhere in this process holds a copy of every descriptor until it runs its program
    /// (close-on-exec closes them only then). The wait blocks the calling thread; it happens only when the
    /// lock is held, at open.
    private static func lock(_ descriptor: Int32) -> Int32? {
        var attempts = 0
        while true {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return nil }
            let code = errno
            if code == EINTR { continue }
            attempts += 1
            guard code == EWOULDBLOCK, attempts < 40 else { return code }
            usleep(25_000)
        }
    }

    /// Writes the checkpoint that closes the log (signed as final: only a signed reopening may follow it), waits
    /// for the last sync and closes the file. Appends after this fail.
    public func close() {
        let first = state.withLock { state -> Bool in
            guard !state.closing else { return false }
            state.closing = true
            guard state.failure == nil, state.seq > 0 else { return true }
            state.buffer.removeAll(keepingCapacity: true)
            let last = checkpoint(state: &state, final: true)
            do throws(AuditLogError) {
                try writeBuffer(state: &state)
                state.sidecar = last
            } catch {
                state.failure = error
            }
            return true
        }
        guard first else { return }
        wake.signal()
        finished.wait()
    }

    /// What the checkpoints from now on say of the integrity manifest: its SHA-256, or `none` when running without
    /// one (`integrityAtOpen`).
    public func recordIntegrity(_ value: String) {
        state.withLock { $0.integrity = value }
    }

    // MARK: - Writing, under the lock

    /// Chains a record (and a checkpoint when one is due) and writes it to the file.
    private func write(kind: String, data: JSONValue, state: inout State) throws(AuditLogError) -> AuditReceipt {
        if let failure = state.failure { throw failure }
        if state.closing { throw AuditLogError("\(path): the audit log is closed") }
        state.buffer.removeAll(keepingCapacity: true)
        let receipt = add(kind: kind, data: data, state: &state)
        var checkpoint: JSONValue?
        if state.sinceCheckpoint >= state.checkpointEvery { checkpoint = self.checkpoint(state: &state) }
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

    /// A signed checkpoint over everything so far, as a record of its own (`final`: the one that closes the log,
    /// signed as such); returns what to save beside the log, which pins that record.
    private func checkpoint(state: inout State, final: Bool = false) -> JSONValue {
        let records = state.seq
        let head = state.head
        let message =
            final
            ? AuditKey.finalMessage(records: records, head: head)
            : AuditKey.checkpointMessage(records: records, head: head)
        var data: JSONObject = [
            "records": .int(records), "head": .string(head), "key_id": .string(state.key.keyID),
            "signature": .string(state.key.signature(of: message)),
        ]
        if final { data["final"] = true }
        // Covered by the next checkpoint's signature, or by the saved checkpoint's, like every record.
        if let integrity = state.integrity { data["integrity"] = .string(integrity) }
        let receipt = add(kind: "checkpoint", data: .object(data), state: &state)
        state.sinceCheckpoint = 0
        return Self.savedCheckpoint(
            records: records, head: head, checkpoint: receipt.seq, checkpointHash: receipt.hash, key: state.key)
    }

    /// The saved checkpoint's fields: what the checkpoint covers, the checkpoint record itself, the key's id and
    /// public key, and the signature over them.
    static func savedCheckpoint(
        records: Int64, head: String, checkpoint: Int64, checkpointHash: String, key: AuditKey
    ) -> JSONValue {
        let message = AuditKey.savedMessage(
            records: records, head: head, checkpoint: checkpoint, checkpointHash: checkpointHash)
        return [
            "records": .int(records), "head": .string(head), "checkpoint": .int(checkpoint),
            "checkpoint_hash": .string(checkpointHash), "key_id": .string(key.keyID),
            "signature": .string(key.signature(of: message)),
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
        // A new file of a name no one can have prepared: never through a link or a directory planted there.
        let temporary = path + ".checkpoint.\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AuditLogError("\(temporary): cannot write (\(Self.errnoText()))") }
        // Readable by whoever may read the log (an auditor's group), no one else.
        var status = stat()
        if stat(path, &status) == 0 { _ = fchmod(fd, status.st_mode & 0o640) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
        let synced = !sync || syncData(fd) == 0
        _ = systemClose(fd)
        guard written == bytes.count, synced, rename(temporary, path + ".checkpoint") == 0 else {
            let text = errnoText()
            _ = unlink(temporary)
            throw AuditLogError("\(path).checkpoint: cannot replace (\(text))")
        }
        // The rename is durable only once the directory is synced.
        if sync {
            let directory = open(
                (path as NSString).deletingLastPathComponent.isEmpty
                    ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY | O_CLOEXEC)
            if directory >= 0 {
                _ = syncData(directory)
                _ = systemClose(directory)
            }
        }
    }

    /// Removes the saved checkpoint's temporary files that a crash left (called with the log locked).
    private static func removeStaleTemporaries(_ path: String) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".checkpoint."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            _ = unlink((directory as NSString).appendingPathComponent(name))
        }
    }

    // MARK: - Opening an existing log

    /// Where an existing log ends, as far as continuing it is concerned.
    private struct Tail {
        var seq: Int64
        var hash: String
        var sinceCheckpoint: Int64
        /// The checkpoint that closed the log, when it is the last record: the writer reopens it.
        var closedBy: (seq: Int64, hash: String)?
        /// A new log whose first record was written but not its saved checkpoint (a crash in between).
        var needsSidecar = false
        /// The latest record the writer signed; what follows it a crash left unproven.
        var lastSigned: Int64 = 0
        /// What the latest checkpoint said of the integrity manifest.
        var integrity: String?
    }

    /// Checks the saved checkpoint against the log and walks the chain from the record it names to the end with
    /// the verifier's rules, then cuts off an incomplete last line (only once the log is known to be continued:
    /// a refused log is left as it was). The log is read once, a chunk at a time; what is wrong with it is
    /// reported in the order of the checks below, not in the order the lines were read.
    private static func recover(
        descriptor: Int32, path: String, key: AuditKey, chunk: Int
    ) throws(AuditLogError) -> Tail {
        let saved: AuditVerifier.Sidecar?
        do {
            saved = try AuditVerifier.readSidecar(path + ".checkpoint", publicKey: key.publicKey)
        } catch {
            throw AuditLogError("\(error.description); run `vigil audit verify \(path)`")
        }
        func refuse(_ problem: String) -> AuditLogError {
            AuditLogError("\(path): \(problem); run `vigil audit verify \(path)`")
        }
        // In a log Vigil wrote, record N is line N: the saved checkpoint names record N and the checkpoint
        // record N + 1 it was saved from, and the chain is walked from there.
        let named = saved.map { Int($0.records) - 1 } ?? -1
        var lines = 0
        var blanks = 0
        var firstBlank: Int?
        var first: [UInt8]?
        var namedRecord: Result<AuditRecord, AuditFormatError>?
        var checkpointRecord: Result<AuditRecord, AuditFormatError>?
        var walk = AuditVerifier.Walk(seq: saved?.records ?? 0, head: saved?.head ?? AuditRecord.genesis)
        var walkProblem: String?
        var integrity: String?
        var pendingIntegrity: String??
        let read = AuditLineReader.forEachLine(descriptor: descriptor, chunk: chunk) { line in
            let index = lines
            lines += 1
            if line.isEmpty {
                blanks += 1
                if firstBlank == nil { firstBlank = index }
            }
            guard saved != nil else {
                if index == 0 { first = Array(line) }
                return
            }
            if index == named { namedRecord = Result { () throws(AuditFormatError) in try AuditRecord.parse(line) } }
            guard index > named, walkProblem == nil else { return }
            let record: AuditRecord
            do throws(AuditFormatError) {
                record = try AuditRecord.parse(line)
            } catch {
                if index == named + 1 { checkpointRecord = .failure(error) }
                walkProblem = "record \(walk.seq + 1) \(error)"
                return
            }
            if index == named + 1 { checkpointRecord = .success(record) }
            do throws(AuditVerifier.WalkError) {
                try walk.step(record, publicKey: key.publicKey)
                if record.kind == "checkpoint" {
                    // A checkpoint's own record is vouched for by the next checkpoint's signature, or by the saved
                    // checkpoint's when it is the one that was saved; the last one after that, by nothing.
                    if let pending = pendingIntegrity { integrity = pending }
                    let value = record.data["integrity"]?.stringValue
                    if index == named + 1 {
                        integrity = value
                        pendingIntegrity = nil
                    } else {
                        pendingIntegrity = .some(value)
                    }
                }
            } catch {
                walkProblem = error.message
            }
        }
        let extent: AuditLineReader.Extent
        switch read {
        case .success(let value): extent = value
        case .failure(let error): throw AuditLogError("\(path): cannot read the audit log (\(error))")
        }
        func cutIncompleteLine() throws(AuditLogError) {
            guard extent.total > extent.complete else { return }
            guard ftruncate(descriptor, off_t(extent.complete)) == 0 else {
                throw AuditLogError("\(path): cannot cut off an incomplete record (\(errnoText()))")
            }
        }
        guard lines > 0 else {
            if saved != nil {
                throw refuse("the log is empty but its saved checkpoint names its records (they were cut off)")
            }
            try cutIncompleteLine()
            return Tail(seq: 0, hash: AuditRecord.genesis, sinceCheckpoint: 0)
        }
        // A blank line is a line, and not a record.
        if let firstBlank {
            throw blanks == lines
                ? AuditLogError("\(path): holds blank lines and no record; it is not an audit log Vigil wrote")
                : refuse("line \(firstBlank + 1) is blank")
        }
        guard let saved else {
            // A crash between a new log's first record and its saved checkpoint: that record, signed, alone.
            if lines == 1, let line = first, let record = try? AuditRecord.parse(line) {
                var walk = AuditVerifier.Walk(seq: 0, head: AuditRecord.genesis)
                if record.kind == "checkpoint", record.data["log"] != nil,
                    (try? walk.step(record, publicKey: key.publicKey)) != nil
                {
                    try cutIncompleteLine()
                    return Tail(seq: 1, hash: record.hash, sinceCheckpoint: 0, needsSidecar: true, lastSigned: 1)
                }
            }
            throw AuditLogError(
                "\(path).checkpoint is missing, so nothing signed vouches for the log's records; run `vigil audit verify \(path)`, and move the log away to start a new one"
            )
        }
        guard lines > saved.records, let checkpointRecord else {
            throw refuse(
                "the log has \(lines) records but its saved checkpoint covers \(saved.records) and the checkpoint after them"
            )
        }
        let checkpoint: AuditRecord
        switch checkpointRecord {
        case .success(let record): checkpoint = record
        case .failure(let error): throw refuse("a record its saved checkpoint names \(error)")
        }
        if let namedRecord {
            switch namedRecord {
            case .success(let record):
                guard record.seq == saved.records, record.hash == saved.head else {
                    throw refuse("record \(saved.records) differs from the one its saved checkpoint signed")
                }
            case .failure(let error): throw refuse("a record its saved checkpoint names \(error)")
            }
        }
        guard checkpoint.seq == saved.checkpoint, checkpoint.hash == saved.checkpointHash else {
            throw refuse("record \(saved.checkpoint) is not the checkpoint its saved checkpoint was saved from")
        }
        if let walkProblem { throw refuse(walkProblem) }
        try cutIncompleteLine()
        return Tail(
            seq: walk.seq, hash: walk.head, sinceCheckpoint: walk.seq - walk.lastCheckpointRecord,
            closedBy: walk.closedBy, lastSigned: walk.lastSignedRecord,
            // What no signature covers yet may only make the check stricter: a claim to have run sealed is taken.
            integrity: pendingIntegrity.flatMap { $0 }.flatMap { $0 == "none" ? nil : $0 } ?? integrity)
    }

    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}

public struct AuditLogError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// Another writer holds the log (a running Vigil).
    public var isBusy = false
    init(_ description: String, isBusy: Bool = false) {
        self.description = description
        self.isBusy = isBusy
    }
}
