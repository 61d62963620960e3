import Foundation
import VigilCore
import VigilGuard

// Audit-log append throughput with group commit, durable (fdatasync before each acknowledgement).
//
//   swift run -c release vigil-bench-audit [records] [concurrent appenders]     (default 100000, 64)
//
// `vigil-bench-audit durability LOG KEY` appends until killed and prints "ack SEQ" after each
// acknowledged record; the tests kill it with SIGKILL and check every acknowledged record is in the log.
//
// `vigil-bench-audit write LOG KEY RECORDS` appends RECORDS records like the benchmark's (without fsync, to
// build a large log quickly) to LOG, creating it and KEY if needed, and closes it: a log to run
// `vigil audit verify` and `vigil audit export` on under `/usr/bin/time -v`.

func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = Array(CommandLine.arguments.dropFirst())

// A record shaped like a tool call's "after" record.
let sample: JSONValue = [
    "agent": "tier1", "tier": 1, "alert_id": "6f1c0c1e-3f0b-4a57-9d5e-1d1b2f3a4c5d", "server": "vigil-identity",
    "tool": "get_user", "tool_hash": .string(String(repeating: "ab", count: 32)),
    "arguments": ["login": "ana.silva@meridian.example"], "decision": "allow", "rule": "tier1-read",
    "scan": ["injection": false, "score": 0.02], "result_digest": .string(String(repeating: "cd", count: 32)),
    "result_bytes": 1834, "duration_ms": 3, "outcome": "ok",
]

if arguments.first == "write", arguments.count == 4, let count = Int(arguments[3]), count > 0 {
    let (key, _) = try AuditKey.loadOrCreate(path: arguments[2])
    let log = try AuditLog(path: arguments[1], key: key, sync: false)
    let appended = await withTaskGroup(of: Int.self) { group in
        for worker in 0..<8 {
            group.addTask {
                var done = 0
                for _ in stride(from: worker, to: count, by: 8) {
                    guard (try? await log.append(kind: "tool_call.after", data: sample)) != nil else { break }
                    done += 1
                }
                return done
            }
        }
        var total = 0
        for await done in group { total += done }
        return total
    }
    log.close()
    let size = (try FileManager.default.attributesOfItem(atPath: arguments[1])[.size] as? Int) ?? 0
    emit(String(format: "%@: %d records appended, %.1f MB", arguments[1], appended, Double(size) / 1e6))
    exit(appended == count ? 0 : 1)
}
if arguments.first == "durability", arguments.count == 3 {
    let (key, _) = try AuditKey.loadOrCreate(path: arguments[2])
    let log = try AuditLog(path: arguments[1], key: key, checkpointEvery: 50)
    await withTaskGroup(of: Void.self) { group in
        for worker in 0..<8 {
            group.addTask {
                var n = 0
                while true {
                    n += 1
                    guard
                        let receipt = try? await log.append(
                            kind: "tool_call.after", data: ["worker": .int(Int64(worker)), "n": .int(Int64(n))])
                    else { return }
                    emit("ack \(receipt.seq)")
                }
            }
        }
    }
    exit(0)
}

let records = arguments.first.flatMap(Int.init) ?? 100_000
let concurrency = arguments.dropFirst().first.flatMap(Int.init) ?? 64
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-audit-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let (key, _) = try AuditKey.loadOrCreate(path: directory.appendingPathComponent("audit.key").path)
let path = directory.appendingPathComponent("audit.log").path
let log = try AuditLog(path: path, key: key)

let start = ContinuousClock.now
await withTaskGroup(of: Void.self) { group in
    for worker in 0..<concurrency {
        group.addTask {
            var n = worker
            while n < records {
                _ = try? await log.append(kind: "tool_call.after", data: sample)
                n += concurrency
            }
        }
    }
}
let elapsed = ContinuousClock.now - start
log.close()
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
emit("audit append: \(records) records, \(concurrency) concurrent appenders, fdatasync before every acknowledgement")
emit(
    String(
        format: "  %.0f records/s (%.2f s), %.1f MB, %.0f bytes per record", Double(records) / seconds, seconds,
        Double(size) / 1e6, Double(size) / Double(records)))
let verifyStart = ContinuousClock.now
let report = try AuditVerifier.verify(path: path, publicKey: key.publicKey)
let verifyElapsed = ContinuousClock.now - verifyStart
let verifySeconds = Double(verifyElapsed.components.seconds) + Double(verifyElapsed.components.attoseconds) / 1e18
emit(
    String(
        format: "  verify: %lld records, %d checkpoints in %.2f s (%.0f records/s)", report.records, report.checkpoints,
        verifySeconds, Double(report.records) / verifySeconds))
