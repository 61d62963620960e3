import Foundation
import Synchronization
import VigilCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Alerts read as they are needed, so a stream of any length runs in bounded memory: JSON Lines are
/// read line by line; a JSON array or a single (pretty-printed) object is read whole. Bad records are
/// reported on stderr with their line and counted; duplicates (same source and id) are skipped.
///
/// A run that stops before the input ends (`stopRequested`) can keep what it read and did not triage: `remainder`
/// gives it back as written, so that nothing taken from a pipe is lost.
final class AlertStream: Sequence, IteratorProtocol {
    private let name: String
    /// Once it says so, nothing more is read: a read waiting for input gives up within 100 ms, and `next()` returns
    /// nil. Set before the first read.
    var stopRequested: (@Sendable () -> Bool)?
    /// Whether `remainder` will be asked for: a whole document's bytes are then kept beside its alerts.
    var keepsRemainder = false
    /// True while a `read(2)` or a `poll` that may wait is under way (not while a document is decoded).
    private let waiting = Atomic<Bool>(false)
    /// Held while `next()` runs (on the reader's thread), so that `remainder` waits for a read under way.
    private let busy = NSLock()
    /// Whether the input is a regular file (named, or stdin redirected from one): what was not triaged is still
    /// there, from a line on.
    let isRegularFile: Bool
    /// An alert handed out: its text as read (JSON Lines) or its place among `buffered`, and its line.
    private struct HandedOut {
        var text: [UInt8]?
        var buffered: Int?
        var line: Int
    }
    /// The alerts handed out and not yet `confirm`ed as triaged, in order; the first is alert number `confirmed`.
    /// (With `keepsRemainder` only; the triage loop confirms as it emits, so this holds what is under way.)
    private let unconfirmed = Mutex<(confirmed: Int, alerts: [HandedOut])>((0, []))
    /// A whole document (an array, or an object over several lines): its bytes, kept for `remainder` (with
    /// `keepsRemainder`, or when reading stopped inside it).
    private var document: [UInt8] = []
    /// Reading stopped inside a whole document: `document` is its beginning, not decoded.
    private var documentCut = false
    /// Reading stopped at `stopRequested` (not at the end of the input).
    private(set) var stoppedReading = false
    /// Read with `read(2)` into a buffer of our own, not through a stdio `FILE`: a read waiting for input holds no
    /// stdio lock, so `fflush(nil)` (at exit, say) cannot wait for it.
    private let descriptor: Int32
    private let owned: Bool
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Where the search for the next newline resumes (what is before it has none): a long line is scanned once.
    private var scanned = 0
    private var atEnd = false
    private let decoder = AlertDecoder()
    /// Alerts of a whole-document input (an array), handed out from `nextBuffered`.
    private var buffered: [DecodedAlert] = []
    private var nextBuffered = 0
    private var line = 0
    private var seen: Set<AlertKey> = []
    private var started = false
    private(set) var problems = 0
    private(set) var count = 0

    init(path: String) throws(CLIError) {
        name = path
        if path == "-" {
            try InputFile.requireStandardInput()
            descriptor = STDIN_FILENO
            owned = false
            // A regular file read from its start: line numbers are the file's (not so for stdin left part-way through
            // a file by whatever read it before).
            var status = stat()
            isRegularFile =
                fstat(STDIN_FILENO, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
                && lseek(STDIN_FILENO, 0, SEEK_CUR) == 0
            return
        }
        try InputFile.requireReadable(path)
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw .noInput("\(path): cannot be read (check permissions)") }
        descriptor = opened
        owned = true
        var status = stat()
        isRegularFile = fstat(opened, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    // A read still waiting for input when triage stops keeps the stream alive (its reader holds it), so this never
    // closes a descriptor a read is using.
    deinit { if owned { _ = close(descriptor) } }

    func next() -> Alert? {
        busy.lock()
        defer { busy.unlock() }
        while true {
            if nextBuffered < buffered.count {
                nextBuffered += 1
                if let alert = accept(buffered[nextBuffered - 1].alert) {
                    handedOut(HandedOut(text: nil, buffered: nextBuffered - 1, line: 0))
                    return alert
                }
                continue  // a repeat, reported and skipped
            }
            if stopRequested?() == true {
                stoppedReading = true
                return nil
            }
            guard let text = readLine() else { return nil }
            let trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            if trimmed.isEmpty || trimmed == "\n" { continue }
            if !started {
                started = true
                // An array, or an object over several lines: read the rest and decode it whole.
                let first = trimmed.trimmingCharacters(in: .whitespacesAndNewlines)
                if first.hasPrefix("[") || (first.hasPrefix("{") && (try? JSONParser.parse(first)) == nil) {
                    var bytes = Array(text.utf8)
                    while let more = readLine() { bytes += more.utf8 }
                    // Stopped before the document was whole: it is kept as read (for `remainder`), not decoded.
                    if stoppedReading {
                        document = bytes
                        documentCut = true
                        return nil
                    }
                    if keepsRemainder { document = bytes }
                    let result = decoder.decode(bytes)
                    for issue in result.errors { report(TerminalText.inert("\(issue)")) }
                    // Warnings too (a repeated alert, an unknown field), the first 20: `vigil alerts validate` lists all.
                    for issue in result.warnings.prefix(20) {
                        Console.note("\(name): \(TerminalText.inert("\(issue)"))")
                    }
                    if result.warnings.count > 20 {
                        Console.note(
                            "\(name): … and \(result.warnings.count - 20) more warnings (`vigil alerts validate` lists them)"
                        )
                    }
                    buffered = result.alerts
                    nextBuffered = 0
                    continue
                }
            }
            do {
                let value = try JSONParser.parse(text)
                var warnings: [IntakeIssue] = []
                let (_, alert) = try decoder.decode(record: value, warnings: &warnings)
                if let accepted = accept(alert) {
                    handedOut(HandedOut(text: Array(text.utf8), buffered: nil, line: line))
                    return accepted
                }
                continue  // a repeat, reported and skipped
            } catch let error as JSONParseError {
                report("line \(line): not JSON (\(TerminalText.inert(error.message)))")
            } catch {
                report("line \(line): \(TerminalText.inert("\(error)"))")
            }
        }
    }

    private func handedOut(_ alert: HandedOut) {
        guard keepsRemainder else { return }
        unconfirmed.withLock { $0.alerts.append(alert) }
    }

    /// The first `triaged` alerts handed out were triaged: what `remainder` keeps starts after them.
    func confirm(triaged: Int) {
        guard keepsRemainder else { return }
        unconfirmed.withLock { state in
            let drop = Swift.min(Swift.max(0, triaged - state.confirmed), state.alerts.count)
            state.alerts.removeFirst(drop)
            state.confirmed += drop
        }
    }

    private func accept(_ alert: Alert) -> Alert? {
        guard seen.insert(alert.key).inserted else {
            Console.note("\(name): alert '\(TerminalText.inert("\(alert.key)"))' appears twice; the repeat is ignored")
            return nil
        }
        count += 1
        return alert
    }

    private func report(_ message: String) {
        problems += 1
        Console.note("\(name): \(message)")
    }

    /// The next line with its newline (the last one may lack it), or nil at the end of the input (or a read error,
    /// which ends it as well).
    private func readLine() -> String? {
        while true {
            if let newline = pending[Swift.max(pendingStart, scanned)...].firstIndex(of: 0x0A) {
                let text = String(decoding: pending[pendingStart...newline], as: UTF8.self)
                pendingStart = newline + 1
                scanned = pendingStart
                line += 1
                return text
            }
            scanned = pending.count
            if atEnd {
                guard pendingStart < pending.count else { return nil }
                let text = String(decoding: pending[pendingStart...], as: UTF8.self)
                pendingStart = pending.count
                line += 1
                return text
            }
            // Keep what is left of the buffer, then read more behind it.
            if pendingStart > 0 {
                pending.removeSubrange(0..<pendingStart)
                scanned -= pendingStart
                pendingStart = 0
            }
            // With a stop to watch, nothing is read once it is asked for: the input is read only when it has
            // something (or has ended), and the wait looks at the stop every 100 ms.
            if let stopRequested, !waitForInput(stopRequested) {
                stoppedReading = true
                return nil
            }
            let old = pending.count
            pending.append(contentsOf: repeatElement(0, count: 65_536))
            var n: Int
            while true {
                waiting.store(true, ordering: .releasing)
                n = pending.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + old, 65_536) }
                waiting.store(false, ordering: .releasing)
                if n >= 0 || errno == EINTR {
                    if n >= 0 { break }
                    continue
                }
                // A non-blocking input (stdin handed over that way): wait until it has something.
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    if let stopRequested {
                        if !waitForInput(stopRequested) {
                            pending.removeSubrange(old...)
                            stoppedReading = true
                            return nil
                        }
                    } else {
                        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                        _ = poll(&ready, 1, -1)
                    }
                    continue
                }
                report(
                    "read failed after line \(line) (\(String(cString: strerror(errno)))); the rest of the input was not read"
                )
                break
            }
            pending.removeSubrange((old + Swift.max(n, 0))...)
            if n <= 0 { atEnd = true }
        }
    }

    /// Reads the rest of a line cut in two by the last read, a byte at a time, until its newline, the end of the
    /// input, or `limit`.
    private func finishLine(within limit: Duration) {
        guard !atEnd, pendingStart < pending.count, pending.last != 0x0A else { return }
        let deadline = ContinuousClock.now + limit
        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        while pending.last != 0x0A {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            let milliseconds = Int32(
                clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            let waited = poll(&ready, 1, milliseconds)
            if waited < 0 && errno == EINTR { continue }
            guard waited > 0 else { return }
            let n = Foundation.read(descriptor, &byte, 1)
            if n == 1 {
                pending.append(byte)
            } else if n == 0 {
                atEnd = true
                return
            } else if errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK {
                return
            }
        }
    }

    /// Waits until the input has something to read (or has ended, or failed, or cannot be watched: `poll` answers
    /// POLLNVAL or an error, and the read then waits as it would have): true; false once `stop` says so.
    private func waitForInput(_ stop: () -> Bool) -> Bool {
        var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        waiting.store(true, ordering: .releasing)
        defer { waiting.store(false, ordering: .releasing) }
        while !stop() {
            let n = poll(&ready, 1, 100)
            if n > 0 || (n < 0 && errno != EINTR) { return true }
        }
        return false
    }

    /// What was read and not triaged, once reading has stopped, as written: the alerts handed out after the first
    /// `triaged` (the one read as the run stopped, or those under way when it failed), the alerts of a whole document not yet handed out
    /// (one JSON object a line), a document read in part, and what was read after the last line handed out. A line
    /// the last read cut in two is read to its end first, a byte at a time (so nothing after it is taken), for up to
    /// `finishing`; one whose end does not come by then stays cut (`cut`). Waits for a read under way (at most 100
    /// ms once `stopRequested` says so). `firstLine` is the input's line the remainder starts on, nil in a whole
    /// document.
    func remainder(triaged: Int, finishing: Duration = .seconds(1)) -> Remainder? {
        // A read under way gives up within 100 ms of the stop; one that does not (a device `poll` cannot watch, a
        // reader sharing stdin that took the data first) is not waited for long: nil, nothing known. A document being
        // decoded is waited for: that always ends.
        while !busy.lock(before: Date(timeIntervalSinceNow: 2)) {
            if waiting.load(ordering: .acquiring) { return nil }
        }
        defer { busy.unlock() }
        // What is left of a regular file is still in it: only the line to go on from is needed.
        if !isRegularFile { finishLine(within: finishing) }
        confirm(triaged: triaged)
        // Handed out and not triaged: the alert read as the run stopped, or those under way when it failed.
        let untriaged = unconfirmed.withLock { $0.alerts }
        var bytes: [UInt8] = []
        var firstLine: Int? = line + 1
        if !buffered.isEmpty {
            // A whole document: its alerts not yet handed out (a repeat of an earlier one is skipped, as `next` would
            // skip it), each written from its record.
            var left = Set(buffered[nextBuffered...].filter { !seen.contains($0.alert.key) }.map(\.position))
            for alert in untriaged { if let index = alert.buffered { left.insert(buffered[index].position) } }
            if !left.isEmpty {
                for record in InputRecords.split(document) where left.contains(record.position) {
                    guard case .success(let value) = record.value else { continue }
                    value.write(to: &bytes)
                    bytes.append(0x0A)
                }
            }
            firstLine = nil
        } else if documentCut {
            bytes += document  // a document read in part
            firstLine = nil
        } else if let first = untriaged.first {
            for alert in untriaged { bytes += alert.text ?? [] }
            firstLine = first.line
        }
        bytes += pending[Swift.min(pendingStart, pending.count)...]
        // Only white space: nothing.
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { bytes = [] }
        // A regular file whose every byte was read has ended, though no read has said so yet (what is left in the
        // buffer, if anything, is in `bytes`).
        var ended = atEnd
        if isRegularFile, !ended {
            var status = stat()
            ended = fstat(descriptor, &status) == 0 && lseek(descriptor, 0, SEEK_CUR) >= status.st_size
        }
        return Remainder(
            bytes: bytes, firstLine: firstLine, cut: !bytes.isEmpty && bytes.last != 0x0A && !atEnd,
            inputEnded: ended, documentCut: documentCut)
    }

    /// What `remainder` gives back.
    struct Remainder {
        /// What was read and not triaged, as written; empty when that is nothing but white space.
        var bytes: [UInt8]
        /// The input's line `bytes` start on (JSON Lines), nil in a whole document.
        var firstLine: Int?
        /// The last line of `bytes` was cut where reading stopped.
        var cut: Bool
        /// The whole input was read (nothing comes after `bytes`).
        var inputEnded: Bool
        /// `bytes` are the beginning of a whole document (an array) whose reading stopped: not JSON on their own.
        var documentCut: Bool
    }
}
