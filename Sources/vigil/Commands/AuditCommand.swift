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
        // A log that cannot be read is not a log that was tampered with: it gets no verdict, only the reason.
        try InputFile.requireReadable(log, "audit log", regular: true)
        for copy in checkpoint {
            guard FileManager.default.fileExists(atPath: copy) else { throw .noInput("\(copy): no checkpoint here") }
            try InputFile.requireReadable(copy, "checkpoint copy", regular: true)
        }
        guard FileManager.default.fileExists(atPath: keyPath) else {
            throw .noInput("\(keyPath): no key to verify with (give --key with the public key)")
        }
        try InputFile.requireReadable(keyPath, "key", regular: true)
        let publicKey: Curve25519PublicKey
        do {
            publicKey = try AuditKey.loadPublic(path: keyPath)
        } catch {
            throw .invalidInput(error.description)
        }
        do {
            let report = try AuditVerifier.verify(path: Self.resolved(log), publicKey: publicKey, copies: checkpoint)
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

extension VigilCommand {
    /// The file a log path names, through symbolic links: its saved checkpoint (`PATH.checkpoint`) is beside it.
    static func resolved(_ log: String) -> String { URL(fileURLWithPath: log).resolvingSymlinksInPath().path }
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
            "Only records of this kind (configuration, tool_call, tool_result, verdict, approval_requested, approval_decided, checkpoint, …).",
            valueName: "kind"))
    var kind: String?

    @Option(name: .long, help: ArgumentHelp("Only records from this sequence number on.", valueName: "seq"))
    var from: Int64 = 1

    @Option(name: .long, help: ArgumentHelp("The key to verify with (default: audit.key).", valueName: "file"))
    var key: String?

    @Flag(
        name: .long,
        help: "Export without verifying: the records before the first line that is not one (a blank line included).")
    var unverified = false

    func validate() throws {
        if from < 1 { throw ValidationError("--from \(from) is below 1 (records are numbered from 1)") }
        if let kind, kind.isEmpty { throw ValidationError("--kind is empty") }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let log = path ?? configuration.audit.path
        guard FileManager.default.fileExists(atPath: log) else { throw .noInput("\(log): no audit log here") }
        try InputFile.requireReadable(log, "audit log", regular: true)
        // Kinds are the writers' (the Guard's, the agents', the log's own): an unknown one matches nothing, and
        // the note at the end names the kinds the log holds.
        var kinds: Set<String> = []
        var matched = 0
        let wanted = { (record: AuditRecord) in
            kinds.insert(record.kind)
            let keep = record.seq >= from && (kind.map { $0 == record.kind } ?? true)
            if keep { matched += 1 }
            return keep
        }
        let exported = { (record: AuditRecord) in Array(record.exported.serialized().utf8) + [0x0A] }
        var out = StdoutWriter()
        if unverified {
            // Every record up to the first line that is not one, straight out; the reading stops there.
            struct Stop: Error {}
            let descriptor = open(log, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .noInput("\(log): cannot read (\(String(cString: strerror(errno))))") }
            defer { close(descriptor) }
            let read: Result<AuditLineReader.Extent, AuditLineReader.ReadError>?
            do throws(Stop) {
                read = try AuditLineReader.forEachLine(descriptor: descriptor) { (line) throws(Stop) in
                    guard !out.closed, let record = try? AuditRecord.parse(line) else { throw Stop() }
                    if wanted(record) { out.write(exported(record)) }
                }
            } catch {
                read = nil
            }
            if case .failure(let error) = read { throw .noInput("\(log): cannot read (\(error))") }
        } else {
            // Verified as it is read, and written out only once the whole log is known to verify: the records
            // wait in a temporary file without a name, so nothing of it outlives the process, and memory holds one
            // chunk of the log, not the log.
            let publicKey: Curve25519PublicKey
            do {
                publicKey = try AuditKey.loadPublic(path: key ?? configuration.audit.key)
            } catch {
                throw .noInput("\(error)")
            }
            let staging = try ExportStaging()
            var failure: CLIError?
            do throws(AuditVerificationError) {
                _ = try AuditVerifier.verify(path: Self.resolved(log), publicKey: publicKey) { record in
                    guard failure == nil, wanted(record) else { return }
                    do throws(CLIError) {
                        try staging.append(exported(record))
                    } catch {
                        failure = error
                    }
                }
            } catch {
                throw .invalidInput("\(log) does not verify (\(error.description)); --unverified exports it anyway")
            }
            if let failure { throw failure }
            try staging.copy { bytes in out.write(bytes) }
        }
        out.flush()
        if let failure = out.failure { throw .cannotCreate("cannot write to standard output: \(failure)") }
        if let kind, matched == 0, !kinds.contains(kind) {
            Console.note("no record of kind '\(kind)' in \(log); it holds \(kinds.sorted().joined(separator: ", "))")
        }
    }
}

/// Where `vigil audit export` keeps the records of a log it is verifying: a file in the temporary directory
/// (`TMPDIR`) that has no name (`O_TMPFILE`), so it lives while its descriptor is open and no exit, even
/// kill -9, leaves it behind. It needs as much space as the export (on a tmpfs, memory). Where the file system
/// cannot make such a file, a named one is created and unlinked at once.
private final class ExportStaging {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init() throws(CLIError) {
        let directory = NSTemporaryDirectory()
        #if os(Linux)
        // O_TMPFILE is __O_TMPFILE | O_DIRECTORY; the C macro does not reach Swift.
        let anonymous = open(directory, 0o20_000_000 | O_DIRECTORY | O_RDWR | O_EXCL | O_CLOEXEC, 0o600)
        #else
        let anonymous: Int32 = -1
        #endif
        var descriptor = anonymous
        if descriptor < 0 {
            var template = Array((directory + "/vigil-audit-export-XXXXXX").utf8CString)
            descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard descriptor >= 0 else {
                throw .cannotCreate(
                    "cannot create a temporary file to export through (\(String(cString: strerror(errno))))")
            }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    func append(_ bytes: [UInt8]) throws(CLIError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(CLIError) {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw .cannotCreate("cannot write the temporary file to export through (\(error.localizedDescription))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Passes everything appended, in order, a chunk at a time; `body` returns false to stop.
    func copy(_ body: ([UInt8]) -> Bool) throws(CLIError) {
        try flush()
        do {
            try handle.seek(toOffset: 0)
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty, body([UInt8](chunk)) {}
        } catch {
            throw .cannotCreate("cannot read back the temporary file (\(error.localizedDescription))")
        }
    }
}
