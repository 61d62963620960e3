import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilGuard

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify or export the tamper-evident audit log.",
        discussion: """
            The log (audit.path) holds one hash-chained record per line, with checkpoints signed by the key at \
            audit.key. See docs/security.md.
            """,
        subcommands: [AuditVerifyCommand.self, AuditExportCommand.self])
}

struct AuditVerifyCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove the log's chain and signed checkpoints; name the first bad record.",
        discussion: """
            Detects a modified, removed, inserted or reordered record, a chain rewritten without the key, a \
            missing saved checkpoint (PATH.checkpoint), and records cut off the end after a checkpoint. A log \
            rolled back together with its saved checkpoint to an earlier signed state is detected against a copy \
            of a later checkpoint kept elsewhere (--checkpoint). Exit 0 when the log is intact, 1 when it is not.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The log (default: audit.path).", valueName: "path"))
    var path: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The key to verify with: a public key file (*.pub) or the signing key (default: audit.key).",
            valueName: "file"))
    var key: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A copy of PATH.checkpoint saved away from the log; the log must still hold what it signed (repeatable).",
            valueName: "file"))
    var checkpoint: [String] = []

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let log = path ?? configuration.audit.path
        let keyPath = key ?? configuration.audit.key
        guard FileManager.default.fileExists(atPath: log) else { throw .noInput("\(log): no audit log here") }
        for copy in checkpoint where !FileManager.default.fileExists(atPath: copy) {
            throw .noInput("\(copy): no checkpoint here")
        }
        guard FileManager.default.fileExists(atPath: keyPath) else {
            throw .noInput("\(keyPath): no key to verify with (give --key with the public key)")
        }
        let publicKey: Curve25519PublicKey
        do {
            publicKey = try AuditKey.loadPublic(path: keyPath)
        } catch {
            throw .invalidInput(error.description)
        }
        do {
            let report = try AuditVerifier.verify(path: log, publicKey: publicKey, copies: checkpoint)
            var line = "\(log): intact, \(report.records) records, \(report.checkpoints) signed checkpoints"
            if let last = report.lastCheckpoint { line += ", the last covering \(last) records" }
            print(line)
            if report.unverified > 0 {
                Console.note(
                    "\(report.unverified) records a crash left after a checkpoint were continued unproven (see the log's recovered records)"
                )
            }
            if report.unsigned > 0 {
                Console.note(
                    "\(report.unsigned) records after the last checkpoint are chained but not yet signed (the writer has not closed the log or reached audit.checkpoint_every)"
                )
            }
            if report.incompleteTail {
                Console.note(
                    "the last line is incomplete: a write that was never acknowledged (cut off at the next open)")
            }
        } catch {
            print("\(log): NOT intact: \(error.description)")
            throw .invalidInput("audit log verification failed at \(error.line.map { "line \($0)" } ?? "its end")")
        }
    }
}

struct AuditExportCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the log's records as JSON Lines (seq, time, kind, data, hash), after verifying it.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The log (default: audit.path).", valueName: "path"))
    var path: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only records of this kind (tool_call, tool_result, approval_requested, checkpoint).", valueName: "kind"))
    var kind: String?

    @Option(name: .long, help: ArgumentHelp("Only records from this sequence number on.", valueName: "seq"))
    var from: Int64 = 1

    @Option(name: .long, help: ArgumentHelp("The key to verify with (default: audit.key).", valueName: "file"))
    var key: String?

    @Flag(name: .long, help: "Export even if the log does not verify (records up to the first bad one).")
    var unverified = false

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let log = path ?? configuration.audit.path
        guard var data = FileManager.default.contents(atPath: log) else { throw .noInput("\(log): no audit log here") }
        if !unverified {
            do {
                let publicKey = try AuditKey.loadPublic(path: key ?? configuration.audit.key)
                data = try AuditVerifier.read(path: log, publicKey: publicKey).contents  // the bytes verified
            } catch let error as AuditVerificationError {
                throw .invalidInput("\(log) does not verify (\(error.description)); --unverified exports it anyway")
            } catch {
                throw .noInput("\(error)")
            }
        }
        for line in data.split(separator: 0x0A) {
            guard let record = try? AuditRecord.parse(line) else { break }
            guard record.seq >= from, kind.map({ $0 == record.kind }) ?? true else { continue }
            print(record.exported.serialized())
        }
    }
}
