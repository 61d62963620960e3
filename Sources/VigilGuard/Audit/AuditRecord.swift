import Crypto
import Foundation
import VigilCore

/// One record of the audit log, as written: a JSON object on one line,
///
///     {"seq":17,"time":"…","kind":"tool_result","data":{…},"prev":"<hash of record 16>","hash":"<hash>"}
///
/// `hash` is the SHA-256 (hex) of the line's exact bytes up to, not including, `,"hash":`, closed with
/// `}`. Each record names the previous record's hash, so changing, removing, inserting or reordering
/// records breaks the chain; no JSON canonicalization is needed because the bytes themselves are hashed.
public struct AuditRecord: Sendable, Hashable {
    public var seq: Int64
    public var time: Timestamp
    public var kind: String
    public var data: JSONValue
    public var previous: String
    public var hash: String

    /// The hash of the record before the first.
    public static let genesis = String(repeating: "0", count: 64)

    /// Builds record `seq` after `previous` and its line (without the newline).
    static func make(
        seq: Int64, time: Timestamp, kind: String, data: JSONValue, previous: String
    ) -> (
        AuditRecord, [UInt8]
    ) {
        var body: [UInt8] = []
        body.reserveCapacity(256)
        let head: JSONValue = [
            "seq": .int(seq), "time": .string(time.description), "kind": .string(kind), "data": data,
            "prev": .string(previous),
        ]
        head.write(to: &body)
        let hash = hexDigest(body)
        var line = body
        line.removeLast()  // the closing brace
        line.append(contentsOf: Array(#","hash":""#.utf8))
        line.append(contentsOf: Array(hash.utf8))
        line.append(contentsOf: Array(#""}"#.utf8))
        return (AuditRecord(seq: seq, time: time, kind: kind, data: data, previous: previous, hash: hash), line)
    }

    /// Reads a line back; says what is wrong with it otherwise.
    public static func parse(_ line: some Collection<UInt8>) throws(AuditFormatError) -> AuditRecord {
        let bytes = Array(line)
        let suffixLength = #","hash":""#.utf8.count + 64 + 2
        guard bytes.count > suffixLength, bytes.last == UInt8(ascii: "}") else {
            throw AuditFormatError("is not an audit record (no hash at its end)")
        }
        let cut = bytes.count - suffixLength
        guard bytes[cut..<(cut + 9)].elementsEqual(Array(#","hash":""#.utf8)) else {
            throw AuditFormatError("is not an audit record (no hash at its end)")
        }
        let stated = String(decoding: bytes[(cut + 9)..<(bytes.count - 2)], as: UTF8.self)
        let body = Array(bytes[..<cut]) + [UInt8(ascii: "}")]
        guard hexDigest(body) == stated else { throw AuditFormatError("hash does not match its contents") }
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw AuditFormatError("is not valid JSON: \(error)")
        }
        guard let seq = json["seq"]?.intValue, let timeText = json["time"]?.stringValue,
            let time = Timestamp(rfc3339: timeText), let kind = json["kind"]?.stringValue, let data = json["data"],
            let previous = json["prev"]?.stringValue
        else { throw AuditFormatError("lacks seq, time, kind, data or prev") }
        return AuditRecord(seq: seq, time: time, kind: kind, data: data, previous: previous, hash: stated)
    }

    /// SHA-256 of a text, in hex.
    public static func digest(_ text: String) -> String { hexDigest(Array(text.utf8)) }

    public static func hexDigest(_ bytes: some DataProtocol) -> String { Hex.encode(SHA256.hash(data: bytes)) }

    /// The record as `vigil audit export` writes it.
    public var exported: JSONValue {
        [
            "seq": .int(seq), "time": .string(time.description), "kind": .string(kind), "data": data,
            "hash": .string(hash),
        ]
    }
}

/// Why a line is not a valid audit record.
public struct AuditFormatError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
