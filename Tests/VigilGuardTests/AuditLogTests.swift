import Foundation
import Synchronization
import Testing
import VigilCore
import VigilTesting

@testable import VigilGuard

@Suite("Audit log")
struct AuditLogTests {
    /// A fresh directory with a key.
    func setUp() throws -> (directory: URL, path: String, key: AuditKey) {
        let directory = try CommandRunner.temporaryDirectory()
        let (key, created) = try AuditKey.loadOrCreate(path: directory.appendingPathComponent("audit.key").path)
        #expect(created)
        return (directory, directory.appendingPathComponent("audit.log").path, key)
    }

    /// Writes `count` records from concurrent appenders and closes the log.
    func write(
        _ count: Int, to path: String, key: AuditKey, every: Int = 10, sync: Bool = true
    ) async throws -> [AuditReceipt] {
        let log = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: every, sync: sync)
        let receipts = try await withThrowingTaskGroup(of: AuditReceipt.self) { group in
            for n in 0..<count {
                group.addTask { try await log.append(kind: "tool_call.after", data: ["n": .int(Int64(n))]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        log.close()
        return receipts
    }

    /// Opens the log (without syncing), appends one note and closes it.
    func note(_ n: Int, to path: String, key: AuditKey) async throws {
        let log = try AuditLog(path: path, key: key, clock: FakeClock(), sync: false)
        try await log.append(kind: "note", data: ["n": .int(Int64(n))])
        log.close()
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func save(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `records` written again with every hash and link recomputed: what anyone can do without the key.
    func rechained(_ records: [AuditRecord]) -> [String] {
        var lines: [String] = []
        var previous = AuditRecord.genesis
        for record in records {
            let (made, line) = AuditRecord.make(
                seq: record.seq, time: record.time, kind: record.kind, data: record.data, previous: previous)
            lines.append(String(decoding: line, as: UTF8.self))
            previous = made.hash
        }
        return lines
    }

    /// Verification fails as described, the same whether the log is read a megabyte or a few bytes at a time.
    func expectFailure(_ path: String, key: AuditKey, containing text: String, line: Int? = nil) {
        for chunk in [AuditLineReader.defaultChunk, 5] {
            do {
                _ = try AuditVerifier.verify(path: path, publicKey: key.publicKey, chunk: chunk) { _ in }
                Issue.record("tampering was not detected (expected '\(text)', chunk \(chunk))")
            } catch {
                #expect(error.description.contains(text), "chunk \(chunk): \(error.description)")
                if let line { #expect(error.line == line, "chunk \(chunk): \(error.description)") }
            }
        }
    }

    @Test func concurrentAppendsFormOneVerifiableChain() async throws {
        let (_, path, key) = try setUp()
        let receipts = try await write(95, to: path, key: key)
        // Every append got its own position; checkpoints take positions of their own in between.
        #expect(Set(receipts.map(\.seq)).count == 95)
        let report = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        #expect(report.checkpoints >= 9)
        #expect(report.records == 1 + 95 + Int64(report.checkpoints))  // the log's signed first record, too
        #expect(!report.incompleteTail)
        // The saved checkpoint covers the whole log (the close wrote a final one).
        let sidecar = try JSONParser.parse(try String(contentsOfFile: path + ".checkpoint", encoding: .utf8))
        #expect(sidecar["records"]?.intValue == report.records - 1)
    }

    /// Without fsync (tests, benchmarks) appends return as soon as they are written; the chain, the
    /// checkpoints and the saved checkpoint are the same.
    @Test func appendsWithoutSyncFormTheSameChain() async throws {
        let (_, path, key) = try setUp()
        let receipts = try await write(37, to: path, key: key, sync: false)
        #expect(Set(receipts.map(\.seq)).count == 37)
        let report = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        #expect(report.checkpoints == 4)  // after 10, 20 and 30 records, and at close
        #expect(report.records == 42)  // with the log's signed first record
        let sidecar = try JSONParser.parse(try String(contentsOfFile: path + ".checkpoint", encoding: .utf8))
        #expect(sidecar["records"]?.intValue == 41)
    }

    @Test func appendsAfterCloseFail() async throws {
        let (_, path, key) = try setUp()
        let log = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 10)
        try await log.append(kind: "note", data: ["n": 1])
        log.close()
        await #expect(throws: AuditLogError.self) { try await log.append(kind: "note", data: ["n": 2]) }
        let report = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        #expect(report.records == 3)  // the log's first record, the record and the closing checkpoint
    }

    @Test func reopeningContinuesTheChain() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(12, to: path, key: key)
        let second = try await write(5, to: path, key: key)
        #expect(second.map(\.seq).min()! > 12)
        let report = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        // The first record, 12, a checkpoint after 10, the closing checkpoint; the reopening, 5, the closing one.
        #expect(report.records == 22 && report.checkpoints == 3 && report.unsigned == 0)
        #expect(try lines(path).count == 22)
    }

    @Test func modificationIsDetected() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(30, to: path, key: key)
        var all = try lines(path)
        all[4] = all[4].replacingOccurrences(of: #""n":"#, with: #""n":1"#)
        try save(all, to: path)
        expectFailure(path, key: key, containing: "hash does not match its contents", line: 5)
    }

    @Test func deletionInsertionAndReorderingAreDetected() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(30, to: path, key: key)
        let original = try lines(path)

        var deleted = original
        deleted.remove(at: 6)
        try save(deleted, to: path)
        expectFailure(path, key: key, containing: "record 8 where record 7 was expected", line: 7)

        var inserted = original
        inserted.insert(original[3], at: 7)
        try save(inserted, to: path)
        expectFailure(path, key: key, containing: "where record 8 was expected", line: 8)

        var reordered = original
        reordered.swapAt(9, 10)
        try save(reordered, to: path)
        expectFailure(path, key: key, containing: "was expected", line: 10)
    }

    @Test func truncationAfterACheckpointIsDetected() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(30, to: path, key: key)
        let original = try lines(path)
        try save(Array(original.prefix(original.count - 5)), to: path)
        expectFailure(path, key: key, containing: "were cut off the end")
        expectFailure(
            path, key: key, containing: "records \(original.count - 4)–\(original.count) are missing")
        // The last record alone, named as one.
        try save(Array(original.prefix(original.count - 1)), to: path)
        expectFailure(path, key: key, containing: "record \(original.count) is missing")
    }

    /// A record changed and every hash after it recomputed (what anyone can do without the key): the first
    /// checkpoint after it signed another chain, and says that a record at or before what it covers was changed.
    @Test func aChangedRecordWithTheChainRecomputedIsNamedAtTheNextCheckpoint() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(25, to: path, key: key)
        var records = try lines(path).map { try AuditRecord.parse(Array($0.utf8)) }
        let changed = try #require(records.firstIndex { $0.kind == "tool_call.after" })
        records[changed].data = ["n": 999]
        try save(rechained(records), to: path)
        let checkpoint = try #require(records.first { $0.kind == "checkpoint" && $0.seq > records[changed].seq })
        expectFailure(
            path, key: key,
            containing:
                "checkpoint \(checkpoint.seq) signed another chain up to record \(checkpoint.seq - 1) than the one here: a record at or before \(checkpoint.seq - 1) was changed"
        )
    }

    @Test func aRewrittenChainWithoutTheKeyIsDetected() async throws {
        let (directory, path, key) = try setUp()
        _ = try await write(25, to: path, key: key)
        // An attacker rewrites every record with valid hashes, but signs with a key of their own.
        let forger = AuditKey()
        let forged = directory.appendingPathComponent("forged.log").path
        let log = try AuditLog(path: forged, key: forger, clock: FakeClock(), checkpointEvery: 10)
        for n in 0..<25 { try await log.append(kind: "tool_call.after", data: ["n": .int(Int64(n)), "forged": true]) }
        log.close()
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.removeItem(atPath: path + ".checkpoint")
        try FileManager.default.copyItem(atPath: forged, toPath: path)
        try FileManager.default.copyItem(atPath: forged + ".checkpoint", toPath: path + ".checkpoint")
        expectFailure(
            path, key: key,
            containing:
                "says it is signed by key \(forger.keyID), not by the key given (\(key.keyID)), and the signature does not verify"
        )
        // A saved checkpoint that names the right key but whose signature is not that key's.
        let text = try String(contentsOfFile: path + ".checkpoint", encoding: .utf8)
            .replacingOccurrences(of: forger.keyID, with: key.keyID)
        try text.write(toFile: path + ".checkpoint", atomically: true, encoding: .utf8)
        expectFailure(path, key: key, containing: "the saved checkpoint's signature does not verify")
    }

    /// What the checkpoints say of the integrity manifest is carried from writer to writer, and only a writer told
    /// otherwise changes it; a log that never said anything says nil.
    @Test func theIntegrityStateIsCarriedByTheCheckpoints() async throws {
        let (_, path, key) = try setUp()
        let first = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 3, sync: false)
        #expect(first.integrityAtOpen == nil)
        first.recordIntegrity("abc123")
        for n in 0..<7 { try await first.append(kind: "note", data: ["n": .int(Int64(n))]) }
        first.close()
        // A writer that says nothing (`vigil guard approve`) carries it on.
        let second = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 3, sync: false)
        #expect(second.integrityAtOpen == "abc123")
        try await second.append(kind: "note", data: [:])
        second.close()
        let third = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 3, sync: false)
        #expect(third.integrityAtOpen == "abc123")
        third.recordIntegrity("none")
        third.close()
        let fourth = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 3, sync: false)
        #expect(fourth.integrityAtOpen == "none")
        fourth.close()
        _ = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        // Changing what the last checkpoint says, the chain recomputed after it (no key needed for that), breaks the
        // saved checkpoint's signature over it: the log is not continued.
        var records = try lines(path).map { try AuditRecord.parse(Array($0.utf8)) }
        let last = try #require(records.lastIndex { $0.kind == "checkpoint" })
        var data = try #require(records[last].data.objectValue)
        #expect(data["integrity"] == "none")
        data["integrity"] = "x"
        records[last].data = .object(data)
        try save(rechained(records), to: path)
        #expect(throws: AuditLogError.self) {
            try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 3, sync: false)
        }
    }

    /// A checkpoint nothing vouches for yet (the saved checkpoint names an earlier one, as after a crash) may make
    /// the check stricter, never laxer: its "none" is not believed over a vouched-for sealing.
    @Test func anUnvouchedCheckpointCannotUnseal() async throws {
        let (_, path, key) = try setUp()
        let sealed = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 100, sync: false)
        sealed.recordIntegrity("abc123")
        try await sealed.append(kind: "note", data: [:])
        sealed.close()
        let pinned = try Data(contentsOf: URL(fileURLWithPath: path + ".checkpoint"))
        let unsealing = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 100, sync: false)
        unsealing.recordIntegrity("none")
        try await unsealing.append(kind: "note", data: [:])
        unsealing.close()
        #expect(try lines(path).last?.contains(#""integrity":"none""#) == true)
        // The saved checkpoint put back to the one before: the last checkpoint's "none" is vouched for by nothing.
        try pinned.write(to: URL(fileURLWithPath: path + ".checkpoint"))
        let reopened = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 100, sync: false)
        #expect(reopened.integrityAtOpen == "abc123")
        reopened.close()
    }

    /// A log emptied, with its saved checkpoint deleted, is not an intact log of nothing.
    @Test func anEmptiedLogIsNotIntact() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(5, to: path, key: key)
        try Data().write(to: URL(fileURLWithPath: path))
        try FileManager.default.removeItem(atPath: path + ".checkpoint")
        expectFailure(path, key: key, containing: "holds no record and has no saved checkpoint")
        // Nor is it continued as a new log, which would start the history, and what it remembers, afresh.
        #expect {
            try AuditLog(path: path, key: key, clock: FakeClock(), sync: false)
        } throws: { error in
            "\(error)".contains("exists but is empty, with no saved checkpoint")
        }
    }

    /// Deleting the saved checkpoint is tampering in itself: a new log has one from its first open, so a log
    /// without one (a chain rewritten with no checkpoints at all, say) proves nothing, and is not continued.
    @Test func aMissingSavedCheckpointIsDetectedAndTheLogIsNotContinued() async throws {
        let (directory, path, key) = try setUp()
        let log = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 10, sync: false)
        #expect(FileManager.default.fileExists(atPath: path + ".checkpoint"))
        for n in 0..<3 { try await log.append(kind: "note", data: ["n": .int(Int64(n))]) }
        // Not closed (a crash before the first checkpoint): intact, with three records no signature covers yet.
        let report = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        #expect(report.records == 4 && report.checkpoints == 0 && report.unsigned == 3)  // after the first record
        log.close()
        #expect(try AuditVerifier.verify(path: path, publicKey: key.publicKey).unsigned == 0)

        // An attacker's chain of fresh hashes with no checkpoint records, the saved checkpoint deleted.
        var forged: [String] = []
        var previous = AuditRecord.genesis
        for n in 1...5 {
            let (record, line) = AuditRecord.make(
                seq: Int64(n), time: FakeClock().now(), kind: "note", data: ["n": .int(Int64(n))], previous: previous)
            forged.append(String(decoding: line, as: UTF8.self))
            previous = record.hash
        }
        try save(forged, to: path)
        try FileManager.default.removeItem(atPath: path + ".checkpoint")
        _ = directory
        expectFailure(path, key: key, containing: "record 1 is not the signed record that starts a log Vigil wrote")
        #expect {
            _ = try AuditLog(path: path, key: key, clock: FakeClock())
        } throws: { error in
            "\(error)".contains("checkpoint is missing, so nothing signed vouches for the log's records")
        }
        #expect(try lines(path).count == 5)  // nothing was appended, nothing signed
    }

    /// An existing log is continued only from a saved checkpoint it still holds: one that covers more records
    /// than the log, or another record than the log's, is refused at open, before the key signs anything more.
    @Test func aLogThatDoesNotHoldItsSavedCheckpointIsNotContinued() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(12, to: path, key: key)
        let original = try lines(path)
        try save(Array(original.prefix(8)), to: path)
        #expect {
            _ = try AuditLog(path: path, key: key, clock: FakeClock())
        } throws: { error in
            "\(error)".contains(
                "the log has 8 records but its saved checkpoint covers 14 and the checkpoint after them")
        }
        try save(original, to: path)
        _ = try await write(1, to: path, key: key)  // the untouched log is continued: reopened, one record, closed
        #expect(try AuditVerifier.verify(path: path, publicKey: key.publicKey).records == 18)
    }

    /// Rolling the log and its saved checkpoint back together to an earlier signed state leaves a log that
    /// proves itself; a copy of the later checkpoint kept elsewhere shows what was cut.
    @Test func aRollbackIsDetectedAgainstACheckpointKeptElsewhere() async throws {
        let (directory, path, key) = try setUp()
        _ = try await write(10, to: path, key: key, every: 100)
        let earlierLog = try lines(path)
        let earlierCheckpoint = try String(contentsOfFile: path + ".checkpoint", encoding: .utf8)
        _ = try await write(10, to: path, key: key, every: 100)
        let kept = directory.appendingPathComponent("kept.checkpoint").path
        try FileManager.default.copyItem(atPath: path + ".checkpoint", toPath: kept)

        try save(earlierLog, to: path)
        try earlierCheckpoint.write(toFile: path + ".checkpoint", atomically: true, encoding: .utf8)
        #expect(try AuditVerifier.verify(path: path, publicKey: key.publicKey).records == 12)
        do {
            _ = try AuditVerifier.verify(path: path, publicKey: key.publicKey, copies: [kept])
            Issue.record("the rollback was not detected")
        } catch {
            #expect(error.description.contains("kept.checkpoint covers 23 records"), "\(error.description)")
        }
    }

    /// Records chained onto a closed log by someone without the key: the closing checkpoint is signed as final
    /// and only the next writer's signed reopening may follow it, so they are detected, and the next writer
    /// refuses to sign them. A writer that reopens the log and closes it again leaves a log that proves itself.
    @Test func recordsAppendedAfterTheLogWasClosedAreDetected() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(10, to: path, key: key, every: 100)
        _ = try await write(2, to: path, key: key, every: 100)
        let closed = try lines(path)
        #expect(closed.count == 16)  // the first record, 10, closing checkpoint, reopening, 2, closing checkpoint
        #expect(try AuditRecord.parse(Array(closed[12].utf8)).kind == "reopened")
        #expect(try AuditVerifier.verify(path: path, publicKey: key.publicKey).unsigned == 0)
        let last = try AuditRecord.parse(Array(closed[15].utf8))
        let (_, forged) = AuditRecord.make(
            seq: 17, time: FakeClock().now(), kind: "tool_call", data: ["tool": "suspend_user"], previous: last.hash)
        try save(closed + [String(decoding: forged, as: UTF8.self)], to: path)
        let expected = "record 17 follows record 16, the checkpoint that closed the log, without a signed reopening"
        expectFailure(path, key: key, containing: expected, line: 17)
        #expect {
            _ = try AuditLog(path: path, key: key, clock: FakeClock())
        } throws: { error in
            "\(error)".contains(expected)
        }
        #expect(try lines(path).count == 17)  // refused: nothing signed, nothing cut
        // Nor can the forger pass the closing checkpoint off as an ordinary one: its signature says final.
        guard case .object(var fields) = last.data else {
            Issue.record("a checkpoint's data is an object")
            return
        }
        #expect(fields["final"] == true)
        fields["final"] = nil
        let (_, rewritten) = AuditRecord.make(
            seq: 16, time: last.time, kind: "checkpoint", data: .object(fields), previous: last.previous)
        try save(Array(closed.prefix(15)) + [String(decoding: rewritten, as: UTF8.self)], to: path)
        expectFailure(path, key: key, containing: "checkpoint 16 has a signature the key does not verify", line: 16)
    }

    /// The closing checkpoint cannot be swapped for an ordinary one built from the saved checkpoint: the saved
    /// checkpoint pins the very record it was saved from (its hash), under a signature of its own kind.
    @Test func theClosingCheckpointCannotBeSwappedForAnOrdinaryOne() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(10, to: path, key: key, every: 100)
        let closed = try lines(path)
        let sidecar = try JSONParser.parse(try String(contentsOfFile: path + ".checkpoint", encoding: .utf8))
        let final = try AuditRecord.parse(Array(closed[11].utf8))
        // An ordinary-looking checkpoint carrying what the saved checkpoint holds, then a forged record.
        let (swapped, swappedLine) = AuditRecord.make(
            seq: 12, time: final.time, kind: "checkpoint",
            data: ["records": 11, "head": sidecar["head"]!, "signature": sidecar["signature"]!],
            previous: final.previous)
        let (_, forged) = AuditRecord.make(
            seq: 13, time: final.time, kind: "tool_call", data: ["tool": "suspend_user"], previous: swapped.hash)
        try save(
            Array(closed.prefix(11)) + [
                String(decoding: swappedLine, as: UTF8.self), String(decoding: forged, as: UTF8.self),
            ],
            to: path)
        expectFailure(path, key: key, containing: "checkpoint 12 has a signature the key does not verify", line: 12)
        #expect(throws: AuditLogError.self) { _ = try AuditLog(path: path, key: key, clock: FakeClock()) }
    }

    /// A crash leaves the saved checkpoint behind the log (it is replaced only after its checkpoint record is
    /// synced) or the log without its closing checkpoint: such a log verifies, and it is continued.
    @Test func aLogLeftByACrashIsContinued() async throws {
        let (directory, path, key) = try setUp()
        let log = try AuditLog(path: path, key: key, clock: FakeClock(), checkpointEvery: 5, sync: false)
        for n in 0..<12 { try await log.append(kind: "note", data: ["n": .int(Int64(n))]) }
        // The state a crash leaves: the log and its saved checkpoint as they are now, copied while it is open.
        let crashed = directory.appendingPathComponent("crashed.log").path
        try FileManager.default.copyItem(atPath: path, toPath: crashed)
        log.close()
        // A saved checkpoint a checkpoint behind (from record 7, not 13): a crash before the syncer replaced it.
        let first = try AuditRecord.parse(Array(try lines(path)[6].utf8))
        let lagging = AuditLog.savedCheckpoint(
            records: 6, head: try AuditRecord.parse(Array(try lines(path)[5].utf8)).hash, checkpoint: 7,
            checkpointHash: first.hash, key: key)
        try (lagging.serialized() + "\n").write(toFile: crashed + ".checkpoint", atomically: true, encoding: .utf8)
        #expect(try AuditVerifier.verify(path: crashed, publicKey: key.publicKey).unsigned == 2)
        let reopened = try AuditLog(path: crashed, key: key, clock: FakeClock(), checkpointEvery: 5, sync: false)
        try await reopened.append(kind: "note", data: ["n": 12])
        // A second crash before the next checkpoint: only the record after the recovery note is unproven.
        let again = directory.appendingPathComponent("again.log").path
        try FileManager.default.copyItem(atPath: crashed, toPath: again)
        try FileManager.default.copyItem(atPath: crashed + ".checkpoint", toPath: again + ".checkpoint")
        reopened.close()
        let twice = try AuditLog(path: again, key: key, clock: FakeClock(), checkpointEvery: 5, sync: false)
        twice.close()
        #expect(try AuditVerifier.verify(path: again, publicKey: key.publicKey).unverified == 3)
        let report = try AuditVerifier.verify(path: crashed, publicKey: key.publicKey)
        // The first record, 12 and 2 checkpoints; the recovery note naming the 2 unsigned, 1, the closing one.
        #expect(report.records == 18 && report.unsigned == 0 && report.unverified == 2)
    }

    /// Every log starts with a signed record of its own random id, which its first saved checkpoint pins: no
    /// other log's (all under the same key) stands in for it, so a log cut to nothing, or to its own start with
    /// another log's first saved checkpoint, is detected (replacing it with the whole of another log is a
    /// rollback: only a copy of its checkpoint kept elsewhere shows that). A crash between that first record and its saved checkpoint is continued.
    @Test func everyLogStartsWithItsOwnSignedRecord() async throws {
        let (directory, path, key) = try setUp()
        let other = directory.appendingPathComponent("other.log").path
        let fresh = try AuditLog(path: other, key: key, clock: FakeClock(), sync: false)
        let otherStart = try String(contentsOfFile: other + ".checkpoint", encoding: .utf8)
        let otherFirst = try lines(other)
        #expect(otherFirst.count == 1 && otherFirst[0].contains(#""log":""#))
        fresh.close()
        _ = try await write(12, to: path, key: key)
        // The log cut to its own first record, with the other log's first saved checkpoint.
        try otherStart.write(toFile: path + ".checkpoint", atomically: true, encoding: .utf8)
        try save(Array(try lines(path).prefix(1)), to: path)
        expectFailure(path, key: key, containing: "record 1 is not the checkpoint that")
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        expectFailure(path, key: key, containing: "the log ends at record 0")
        #expect(throws: AuditLogError.self) { _ = try AuditLog(path: path, key: key, clock: FakeClock()) }

        // A made-up first record, alone, without a saved checkpoint, is neither proven nor continued.
        let (_, madeUp) = AuditRecord.make(
            seq: 1, time: FakeClock().now(), kind: "tool_call", data: ["log": "0", "tool": "suspend_user"],
            previous: AuditRecord.genesis)
        try FileManager.default.removeItem(atPath: path + ".checkpoint")
        try save([String(decoding: madeUp, as: UTF8.self)], to: path)
        expectFailure(path, key: key, containing: "record 1 is not the signed record that starts a log")
        #expect(throws: AuditLogError.self) { _ = try AuditLog(path: path, key: key, clock: FakeClock()) }

        // A new log whose saved checkpoint a crash kept from being written.
        let crashed = directory.appendingPathComponent("crashed.log").path
        try save(otherFirst, to: crashed)
        try await note(1, to: crashed, key: key)
        #expect(try AuditVerifier.verify(path: crashed, publicKey: key.publicKey).records == 3)
    }

    /// A log that is refused is left as it was, an incomplete last line included (it may be evidence).
    @Test func aRefusedLogIsLeftAsItWas() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(3, to: path, key: key)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"seq":5,"time":"2026-11"#.utf8))
        try handle.close()
        try FileManager.default.removeItem(atPath: path + ".checkpoint")
        let before = try #require(FileManager.default.contents(atPath: path))
        #expect(throws: AuditLogError.self) { _ = try AuditLog(path: path, key: key, clock: FakeClock()) }
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + ".checkpoint"))
    }

    /// One process continues a chain at a time: a second writer would fork it.
    @Test func aSecondWriterIsRefused() async throws {
        let (_, path, key) = try setUp()
        let first = try AuditLog(path: path, key: key, clock: FakeClock(), sync: false)
        #expect {
            _ = try AuditLog(path: path, key: key, clock: FakeClock(), sync: false)
        } throws: { error in
            "\(error)".contains("the audit log is already open for writing (in this process or another)")
        }
        try await first.append(kind: "note", data: ["n": 1])
        first.close()
        try await note(2, to: path, key: key)
        #expect(try AuditVerifier.verify(path: path, publicKey: key.publicKey).records == 6)
    }

    /// A lock held for a moment, as a child process being started holds a copy of a writer's descriptor until it
    /// runs its program, is waited for: the next writer opens the log once it is released.
    @Test func aLockReleasedWithinASecondIsWaitedFor() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(2, to: path, key: key)
        let holder = open(path, O_RDWR | O_CLOEXEC)
        #expect(holder >= 0 && flock(holder, LOCK_EX | LOCK_NB) == 0)
        let release = Thread {
            usleep(200_000)
            _ = close(holder)
        }
        release.start()
        try await note(3, to: path, key: key)
        #expect(try AuditVerifier.verify(path: path, publicKey: key.publicKey).records == 7)
    }

    @Test func aFileOfBlankLinesIsNotOpenedAsALog() throws {
        let (_, path, key) = try setUp()
        try "\n\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try AuditLog(path: path, key: key, clock: FakeClock())
        } throws: { error in
            "\(error)".contains("holds blank lines and no record")
        }
        // Nor does it verify: a blank line is not a record, even alone.
        expectFailure(path, key: key, containing: "record 1 is not an audit record", line: 1)
        try "\n".write(toFile: path, atomically: true, encoding: .utf8)
        expectFailure(path, key: key, containing: "record 1 is not an audit record", line: 1)
    }

    @Test func anIncompleteLastLineIsNotARecordAndIsCutOffOnOpen() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(8, to: path, key: key)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"seq":10,"time":"2026-11"#.utf8))
        try handle.close()
        let report = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        #expect(report.incompleteTail)
        _ = try await write(2, to: path, key: key)
        let after = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        #expect(!after.incompleteTail)
        #expect(after.records == report.records + 4)  // the reopening, two records and the closing checkpoint
    }

    /// The readers of the log hold a chunk of it and its longest line, not the file: a line is whole however the
    /// chunks cut it, a blank line is a line, and an unterminated last line is reported, not passed.
    @Test(arguments: [1, 2, 3, 7, 64, AuditLineReader.defaultChunk])
    func linesAreReadWholeWhereverChunksEnd(chunk: Int) throws {
        let (directory, _, _) = try setUp()
        let path = directory.appendingPathComponent("lines").path
        let long = String(repeating: "x", count: 150)
        let text = "first\n\n\(long)\nab\nc\n\n\nlast complete\nunterminated"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let descriptor = open(path, O_RDONLY)
        defer { _ = close(descriptor) }
        var seen: [String] = []
        let extent = try AuditLineReader.forEachLine(descriptor: descriptor, chunk: chunk) { line in
            seen.append(String(decoding: line, as: UTF8.self))
        }.get()
        #expect(seen == ["first", "", long, "ab", "c", "", "", "last complete"])
        #expect(extent.complete == Int64(text.utf8.count - "unterminated".utf8.count))
        #expect(extent.total == Int64(text.utf8.count))
        // An empty file has no lines; one without a newline only an incomplete one.
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        let empty = open(path, O_RDONLY)
        defer { _ = close(empty) }
        var any = false
        #expect(
            try AuditLineReader.forEachLine(descriptor: empty, chunk: chunk) { _ in any = true }.get()
                == AuditLineReader.Extent(complete: 0, total: 0))
        #expect(!any)
    }

    @Test func aLogVerifiesTheSameReadInSmallChunks() async throws {
        let (_, path, key) = try setUp()
        _ = try await write(45, to: path, key: key, every: 7, sync: false)
        var whole: [Int64] = []
        let report = try AuditVerifier.verify(path: path, publicKey: key.publicKey) { whole.append($0.seq) }
        for chunk in [1, 5, 100] {
            var seqs: [Int64] = []
            let small = try AuditVerifier.verify(path: path, publicKey: key.publicKey, chunk: chunk) {
                seqs.append($0.seq)
            }
            #expect(small == report)
            #expect(seqs == whole)
        }
        // Every record, in order, once.
        #expect(whole == Array(1...report.records))
        // A last line a crash cut short is reported, not read, however the chunks fall.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"seq":53,"time":"2026-11"#.utf8))
        try handle.close()
        let cut = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
        #expect(cut.incompleteTail && cut.records == report.records)
        for chunk in [1, 5, 100] {
            #expect(try AuditVerifier.verify(path: path, publicKey: key.publicKey, chunk: chunk) { _ in } == cut)
        }
    }

    /// Opening a log walks it a chunk at a time as well: the same logs are continued, cut or refused whatever
    /// the chunk, with the same reasons.
    @Test func aLogIsOpenedTheSameReadInSmallChunks() async throws {
        let (directory, path, key) = try setUp()
        _ = try await write(20, to: path, key: key, every: 6, sync: false)
        let original = try lines(path)
        let last = original.count - 1  // the closing checkpoint; the saved checkpoint names the record before it
        func changed(_ index: Int, _ from: String, _ to: String) -> [String] {
            original.enumerated().map {
                $0.offset == index ? $0.element.replacingOccurrences(of: from, with: to) : $0.element
            }
        }
        // Each prepared log: its lines, a tail without a newline, and what opening it and verifying it then say.
        // Opening checks the log from the record its saved checkpoint names on: an earlier record changed is
        // left to `verify`.
        let records = original.count + 2  // once reopened and closed again
        let early = try #require(original.indices.first { $0 >= 10 && original[$0].contains(#""n":"#) })
        let cases: [(name: String, lines: [String], tail: String, outcome: String)] = [
            ("intact", original, "", "continued: \(records) records, tail false"),
            ("cut short", original, #"{"seq":99,"time":"#, "continued: \(records) records, tail false"),
            ("blank line", Array(original[..<5]) + [""] + Array(original[5...]), "", "line 6 is blank"),
            // Found after the changed record, reported before it, as the checks are ordered.
            (
                "blank line after a changed record",
                changed(last - 1, #""seq":"#, #""seq": "#) + [""], "", "line \(last + 2) is blank"
            ),
            (
                "named record changed", changed(last - 1, #""seq":"#, #""seq": "#), "",
                "a record its saved checkpoint names"
            ),
            (
                "early record changed", changed(early, #""n":"#, #""n":1"#), "",
                "continued, then line \(early + 1): record \(early + 1) hash"
            ),
            ("appended after closing", original + [original[3]], "", "record 4 where record \(last + 2) was expected"),
            (
                "record removed", original.enumerated().filter { $0.offset != last - 2 }.map(\.element), "",
                "the log has"
            ),
        ]
        for (name, lines, tail, expected) in cases {
            var outcomes: [String] = []
            for chunk in [AuditLineReader.defaultChunk, 3] {
                let copy = directory.appendingPathComponent("\(name)-\(chunk).log").path
                try (lines.joined(separator: "\n") + "\n" + tail).write(toFile: copy, atomically: true, encoding: .utf8)
                try FileManager.default.copyItem(atPath: path + ".checkpoint", toPath: copy + ".checkpoint")
                var outcome: String
                do {
                    let log = try AuditLog(path: copy, key: key, clock: FakeClock(), sync: false, readChunk: chunk)
                    log.close()
                    outcome = "continued"
                    do {
                        let report = try AuditVerifier.verify(path: copy, publicKey: key.publicKey)
                        outcome += ": \(report.records) records, tail \(report.incompleteTail)"
                    } catch {
                        outcome += ", then \(error.description)"
                    }
                } catch {
                    outcome = "\(error)"
                }
                outcomes.append(outcome.replacingOccurrences(of: "-\(chunk).log", with: ".log"))
            }
            #expect(outcomes[0] == outcomes[1], "\(name): \(outcomes)")
            #expect(outcomes[0].contains(expected), "\(name): \(outcomes)")
        }
    }

    @Test func acknowledgedRecordsSurviveKill9() async throws {
        let (directory, path, _) = try setUp()
        let keyPath = directory.appendingPathComponent("audit.key").path
        let process = Process()
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("vigil-bench-audit")
        process.arguments = ["durability", path, keyPath]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var acknowledged: Int64 = 0
        var text = ""
        while acknowledged < 300 {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            acknowledged =
                text.split(separator: "\n").compactMap { Int64($0.split(separator: " ").last ?? "") }.max() ?? 0
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(acknowledged >= 300)
        let report = try AuditVerifier.verify(path: path, publicKey: try AuditKey.load(path: keyPath).publicKey)
        #expect(report.records >= acknowledged)
    }

    /// Processes that start together with no key agree on one: exactly one creates it, every other loads that one,
    /// and nothing is left beside it (each round, 8 threads at once on a fresh path).
    @Test func startsThatRaceForANewKeyAgreeOnOne() throws {
        let directory = try CommandRunner.temporaryDirectory()
        for round in 0..<20 {
            let path = directory.appendingPathComponent("race-\(round).key").path
            let results = Mutex<[(String, Bool)]>([])
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do {
                    let (key, created) = try AuditKey.loadOrCreate(path: path)
                    results.withLock { $0.append((key.keyID, created)) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            let all = results.withLock { $0 }
            #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
            #expect(all.count == 8 && Set(all.map(\.0)).count == 1, "round \(round): \(all)")
            #expect(all.filter(\.1).count == 1, "round \(round): \(all)")
            #expect(try AuditKey.load(path: path).keyID == all.first?.0)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left.allSatisfy { $0.hasSuffix(".key") } && left.count == 20, "\(left)")
    }

    @Test func keysAreCreatedPrivateAndReadBack() throws {
        let directory = try CommandRunner.temporaryDirectory()
        let path = directory.appendingPathComponent("k").path
        let (key, created) = try AuditKey.loadOrCreate(path: path)
        #expect(created)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try AuditKey.loadOrCreate(path: path).0.keyID == key.keyID)
        try key.publicKeyText.write(toFile: path + ".pub", atomically: true, encoding: .utf8)
        #expect(try AuditKey.loadPublic(path: path + ".pub").rawRepresentation == key.publicKey.rawRepresentation)
        try "not a key".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AuditKeyError.self) { try AuditKey.load(path: path) }
    }
}
