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
    private let file: UnsafeMutablePointer<FILE>
    private let owned: Bool
    private let decoder = AlertDecoder()
    private var buffered: [Alert] = []
    private var line = 0
    private var seen: Set<AlertKey> = []
    private var started = false
    private(set) var problems = 0
    private(set) var count = 0

    init(path: String) throws(CLIError) {
        name = path
        if path == "-" {
            try InputFile.requireStandardInput()
            guard let input = fdopen(0, "r") else { throw .noInput("stdin cannot be read") }
            file = input
            owned = false
            return
        }
        try InputFile.requireReadable(path)
        guard let opened = fopen(path, "r") else { throw .noInput("\(path): cannot be read (check permissions)") }
        file = opened
        owned = true
    }

    deinit { if owned { fclose(file) } }

    func next() -> Alert? {
        while true {
            if !buffered.isEmpty { return accept(buffered.removeFirst()) }
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
                    for issue in result.errors { report("\(issue)") }
                    buffered = result.alerts.map(\.alert)
                    continue
                }
            }
            do {
                let value = try JSONParser.parse(text)
                var warnings: [IntakeIssue] = []
                let (_, alert) = try decoder.decode(record: value, warnings: &warnings)
                return accept(alert) ?? next()
            } catch let error as JSONParseError {
                report("line \(line): not JSON (\(error.message))")
            } catch {
                report("line \(line): \(error)")
            }
        }
    }

    private func accept(_ alert: Alert) -> Alert? {
        guard seen.insert(alert.key).inserted else {
            Console.note("\(name): alert '\(alert.key)' appears twice; the repeat is ignored")
            return nil
        }
        count += 1
        return alert
    }

    private func report(_ message: String) {
        problems += 1
        Console.note("\(name): \(message)")
    }

    private func readLine() -> String? {
        var pointer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(pointer) }
        let length = getline(&pointer, &capacity, file)
        guard length >= 0, let pointer else { return nil }
        line += 1
        return String(
            decoding: UnsafeRawBufferPointer(start: pointer, count: length).bindMemory(to: UInt8.self), as: UTF8.self)
    }
}
