import Foundation
import VigilCore

#if canImport(Glibc)
import Glibc
#endif

// Tool-call round trips over stdio and Streamable HTTP: Vigil's vulnerability server against the same
// tool on the official Python MCP SDK server, both driven by the same minimal JSON-RPC client below
// (blocking pipes and a blocking HTTP/1.1 keep-alive socket; one call in flight at a time).
//
//   swift run -c release vigil-bench-mcp [CALLS]        (default 5000 calls per run)

signal(SIGPIPE, SIG_IGN)
let calls = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5000 : 5000
let products = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let vigil = products.appendingPathComponent("vigil").path
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let pythonServer = root.appendingPathComponent("scripts/bench-python-mcp-server.py").path
let token = "bench-token"

let initialize =
    #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#
let initialized = #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
func call(_ id: Int) -> String {
    #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"get_cve","arguments":{"cve_id":"CVE-2021-44228"}}}"#
}

/// A JSON-RPC peer: sends one message, returns the answer to it.
protocol Peer {
    mutating func notify(_ message: String) throws
    mutating func request(_ message: String) throws -> String
    func close()
}

/// Prints a line at once (the figures must not wait in a buffer).
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

struct BenchError: Error, CustomStringConvertible {
    var description: String
}

/// Newline-delimited JSON-RPC over a child's stdin/stdout.
struct StdioPeer: Peer {
    let process: Process
    let input: Int32
    let output: Int32
    var buffer: [UInt8] = []

    init(_ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let toChild = Pipe()
        let fromChild = Pipe()
        process.standardInput = toChild
        process.standardOutput = fromChild
        process.standardError = FileHandle.nullDevice
        try process.run()
        input = toChild.fileHandleForWriting.fileDescriptor
        output = fromChild.fileHandleForReading.fileDescriptor
    }

    mutating func notify(_ message: String) throws { try write(message) }

    func write(_ message: String) throws {
        let bytes = Array((message + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(input, $0.baseAddress! + offset, bytes.count - offset) }
            guard n > 0 else { throw BenchError(description: "write failed") }
            offset += n
        }
    }

    mutating func readLine() throws -> String {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let n = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchError(description: "server closed its output") }
            buffer += chunk[..<n]
        }
    }

    mutating func request(_ message: String) throws -> String {
        try write(message)
        while true {
            let line = try readLine()
            if line.contains(#""id""#) { return line }  // skip notifications (logs)
        }
    }

    func close() {
        Glibc.close(input)
        process.terminate()
        process.waitUntilExit()
    }
}

/// MCP Streamable HTTP over one keep-alive HTTP/1.1 connection; reads JSON or SSE answers, chunked or not.
struct HTTPPeer: Peer {
    let socket: Int32
    let port: Int
    let path: String
    let authorization: String?
    var session: String?
    var buffer: [UInt8] = []

    init(port: Int, path: String, authorization: String?) throws {
        self.port = port
        self.path = path
        self.authorization = authorization
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else { throw BenchError(description: "cannot connect to port \(port)") }
    }

    mutating func notify(_ message: String) throws { _ = try exchange(message) }
    mutating func request(_ message: String) throws -> String { try exchange(message) }

    mutating func exchange(_ body: String) throws -> String {
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
        head += "Accept: application/json, text/event-stream\r\nContent-Length: \(body.utf8.count)\r\n"
        if let authorization { head += "Authorization: \(authorization)\r\n" }
        if let session { head += "Mcp-Session-Id: \(session)\r\nMCP-Protocol-Version: 2025-06-18\r\n" }
        let bytes = Array((head + "\r\n" + body).utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + offset, bytes.count - offset, 0) }
            guard n > 0 else { throw BenchError(description: "send failed") }
            offset += n
        }
        let headers = try readUntil([13, 10, 13, 10])
        let lines = String(decoding: headers, as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count > 1 else {
            throw BenchError(description: "no HTTP status")
        }
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            if let colon = line.firstIndex(of: ":") {
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
        }
        if let id = fields["mcp-session-id"] { session = id }
        var payload: [UInt8] = []
        if fields["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let sizeLine = try readUntil([13, 10])
                let size =
                    Int(String(decoding: sizeLine.dropLast(2), as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
                if size == 0 {
                    _ = try readUntil([13, 10])
                    break
                }
                payload += try readExactly(size)
                _ = try readExactly(2)
            }
        } else if let length = fields["content-length"].flatMap(Int.init) {
            payload = try readExactly(length)
        }
        guard (200..<300).contains(status) else {
            throw BenchError(description: "HTTP \(status): \(String(decoding: payload, as: UTF8.self))")
        }
        let text = String(decoding: payload, as: UTF8.self)
        if fields["content-type"]?.hasPrefix("text/event-stream") == true {
            // The last non-empty data line carries the answer.
            let data = text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("data:") }.map {
                $0.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let last = data.last(where: { !$0.isEmpty }) else {
                throw BenchError(description: "no data in the event stream: \(text.prefix(300))")
            }
            return last
        }
        return text
    }

    mutating func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw BenchError(description: "connection closed") }
        buffer += chunk[..<n]
    }

    mutating func readUntil(_ marker: [UInt8]) throws -> [UInt8] {
        var searchFrom = 0
        while true {
            if buffer.count >= marker.count {
                for i in searchFrom...(buffer.count - marker.count)
                where buffer[i..<(i + marker.count)].elementsEqual(marker) {
                    let result = Array(buffer[..<(i + marker.count)])
                    buffer.removeSubrange(..<(i + marker.count))
                    return result
                }
                searchFrom = max(0, buffer.count - marker.count + 1)
            }
            try fill()
        }
    }

    mutating func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        let result = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return result
    }

    func close() { Glibc.close(socket) }
}

struct Figures {
    var perSecond: Double
    var p50: Double
    var p99: Double
    var p999: Double
    var bytes: Int
}

func measure(_ peer: inout some Peer) throws -> Figures {
    _ = try peer.request(initialize)
    try peer.notify(initialized)
    var bytes = 0
    for id in 1...200 { bytes = try peer.request(call(id)).utf8.count }  // warm-up
    var latencies: [Double] = []
    latencies.reserveCapacity(calls)
    let start = ContinuousClock.now
    for id in 0..<calls {
        let begin = ContinuousClock.now
        let answer = try peer.request(call(1000 + id))
        latencies.append(
            Double((ContinuousClock.now - begin).components.attoseconds) / 1e12 + Double(
                (ContinuousClock.now - begin).components.seconds) * 1e6)
        guard answer.contains("Log4Shell") else {
            throw BenchError(description: "unexpected answer: \(answer.prefix(200))")
        }
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    latencies.sort()
    func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
    return Figures(
        perSecond: Double(calls) / seconds, p50: percentile(0.5), p99: percentile(0.99), p999: percentile(0.999),
        bytes: bytes)
}

func waitForPort(_ process: Process, _ pipe: Pipe?, fixed: Int?) throws -> Int {
    if let fixed {
        for _ in 0..<200 {
            if let peer = try? HTTPPeer(port: fixed, path: "/", authorization: nil) {
                peer.close()
                return fixed
            }
            usleep(50_000)
        }
        throw BenchError(description: "server on port \(fixed) did not start")
    }
    var text = ""
    while let pipe {
        let data = pipe.fileHandleForReading.availableData
        if data.isEmpty { break }
        text += String(decoding: data, as: UTF8.self)
        if let range = text.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
            return Int(text[range].split(separator: ":")[1])!
        }
    }
    throw BenchError(description: "server did not say where it listens: \(text)")
}

func freePort() -> Int { 20_000 + Int(getpid() % 20_000) }

// The payload both servers return: Vigil's own answer.
var probe = try StdioPeer([vigil, "mcp", "vulnerability", "--log-level", "error"])
_ = try probe.request(initialize)
try probe.notify(initialized)
let answer = try probe.request(call(1))
probe.close()
let structured = try JSONParser.parse(answer)["result"]?["structuredContent"] ?? .null
let payloadFile = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-cve.json")
try structured.serialized().write(to: payloadFile, atomically: true, encoding: .utf8)

emit("MCP tool-call round trips: get_cve, \(calls) calls per run after 200 warm-up calls, one in flight")
emit("server          transport   calls/s   p50 µs   p99 µs  p99.9 µs  response bytes")
func report(_ name: String, _ transport: String, _ f: Figures) {
    func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    emit(
        name.padding(toLength: 16, withPad: " ", startingAt: 0)
            + transport.padding(toLength: 10, withPad: " ", startingAt: 0)
            + pad(String(format: "%.0f", f.perSecond), 9) + pad(String(format: "%.0f", f.p50), 9)
            + pad(String(format: "%.0f", f.p99), 9) + pad(String(format: "%.0f", f.p999), 10) + pad("\(f.bytes)", 16))
}

var results: [String: Figures] = [:]

var vigilStdio = try StdioPeer([vigil, "mcp", "vulnerability", "--log-level", "error"])
results["vigil stdio"] = try measure(&vigilStdio)
vigilStdio.close()
report("vigil (Swift)", "stdio", results["vigil stdio"]!)

var pythonStdio = try StdioPeer(["python3", pythonServer, payloadFile.path])
results["python stdio"] = try measure(&pythonStdio)
pythonStdio.close()
report("python MCP SDK", "stdio", results["python stdio"]!)

let vigilHTTP = Process()
vigilHTTP.executableURL = URL(fileURLWithPath: vigil)
vigilHTTP.arguments = ["mcp", "vulnerability", "--http", "127.0.0.1:0", "--log-level", "notice"]
vigilHTTP.environment = ProcessInfo.processInfo.environment.merging(["VIGIL_MCP_TOKEN": token]) { $1 }
let vigilErr = Pipe()
vigilHTTP.standardError = vigilErr
try vigilHTTP.run()
let vigilPort = try waitForPort(vigilHTTP, vigilErr, fixed: nil)
var vigilPeer = try HTTPPeer(port: vigilPort, path: "/mcp", authorization: "Bearer \(token)")
results["vigil http"] = try measure(&vigilPeer)
vigilPeer.close()
vigilHTTP.terminate()
vigilHTTP.waitUntilExit()
report("vigil (Swift)", "http", results["vigil http"]!)

let pythonHTTP = Process()
pythonHTTP.executableURL = URL(fileURLWithPath: "/usr/bin/env")
let port = freePort()
pythonHTTP.arguments = ["python3", pythonServer, payloadFile.path, "--http", "\(port)"]
pythonHTTP.standardError = FileHandle.nullDevice
pythonHTTP.standardOutput = FileHandle.nullDevice
try pythonHTTP.run()
_ = try waitForPort(pythonHTTP, nil, fixed: port)
var pythonPeer = try HTTPPeer(port: port, path: "/mcp", authorization: nil)
results["python http"] = try measure(&pythonPeer)
pythonPeer.close()
pythonHTTP.terminate()
pythonHTTP.waitUntilExit()
report("python MCP SDK", "http", results["python http"]!)

let stdioRatio = results["vigil stdio"]!.perSecond / results["python stdio"]!.perSecond
let httpRatio = results["vigil http"]!.perSecond / results["python http"]!.perSecond
emit(String(format: "throughput ratio vigil/python: stdio %.1f×, http %.1f×", stdioRatio, httpRatio))
