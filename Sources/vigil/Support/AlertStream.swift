import Foundation
import VigilCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Alerts read as they are needed, so a stream of any length runs in bounded memory: JSON Lines are
/// read line by line; a JSON array or a single (pretty-printed) object is read whole. Bad records are
/// reported on stderr with their line and counted; duplicates (same source and id) are skipped.
final class AlertStream: Sequence, IteratorProtocol {
    private let name: String
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
    private var buffered: [Alert] = []
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
            return
        }
        try InputFile.requireReadable(path)
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw .noInput("\(path): cannot be read (check permissions)") }
        descriptor = opened
        owned = true
    }

    // A read still waiting for input when triage stops keeps the stream alive (its reader holds it), so this never
    // closes a descriptor a read is using.
    deinit { if owned { _ = close(descriptor) } }

    func next() -> Alert? {
        while true {
            if nextBuffered < buffered.count {
                nextBuffered += 1
                if let alert = accept(buffered[nextBuffered - 1]) { return alert }
                continue  // a repeat, reported and skipped
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
                    buffered = result.alerts.map(\.alert)
                    nextBuffered = 0
                    continue
                }
            }
            do {
                let value = try JSONParser.parse(text)
                var warnings: [IntakeIssue] = []
                let (_, alert) = try decoder.decode(record: value, warnings: &warnings)
                if let accepted = accept(alert) { return accepted }
                continue  // a repeat, reported and skipped
            } catch let error as JSONParseError {
                report("line \(line): not JSON (\(TerminalText.inert(error.message)))")
            } catch {
                report("line \(line): \(TerminalText.inert("\(error)"))")
            }
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
            let old = pending.count
            pending.append(contentsOf: repeatElement(0, count: 65_536))
            var n: Int
            while true {
                n = pending.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + old, 65_536) }
                if n >= 0 || errno == EINTR {
                    if n >= 0 { break }
                    continue
                }
                // A non-blocking input (stdin handed over that way): wait until it has something.
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&ready, 1, -1)
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
}
