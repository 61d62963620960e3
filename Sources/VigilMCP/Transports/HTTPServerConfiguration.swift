import Foundation
import VigilCore

/// How `vigil mcp SERVER --http HOST:PORT` serves.
public struct HTTPServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; the bound one is reported on start.
    public var port: Int
    /// The MCP endpoint's path.
    public var path: String
    /// Clients must send `Authorization: Bearer <token>`.
    public var bearerToken: String
    /// At most this many sessions at once; the least recently used idle one is closed to make room.
    public var maximumSessions: Int
    /// A session unused this long is closed.
    public var idleSeconds: Int
    /// Largest request body accepted.
    public var maximumBodyBytes: Int
    /// HTTPS with this certificate and key; nil: plain HTTP.
    public var tls: ServerTLS?
    /// Slows down an address that sends wrong tokens (shared by the sessions of one server).
    public var throttle: WrongTokenThrottle

    public init(
        host: String = "127.0.0.1", port: Int = 8765, path: String = "/mcp", bearerToken: String,
        maximumSessions: Int = 64, idleSeconds: Int = 1800, maximumBodyBytes: Int = 1 << 20, tls: ServerTLS? = nil,
        throttle: WrongTokenThrottle = WrongTokenThrottle()
    ) {
        self.host = host
        self.port = port
        self.path = path
        self.bearerToken = bearerToken
        self.maximumSessions = maximumSessions
        self.idleSeconds = idleSeconds
        self.maximumBodyBytes = maximumBodyBytes
        self.tls = tls
        self.throttle = throttle
    }

    /// Parses `HOST:PORT` (`127.0.0.1:8765`, `[::1]:8765`, `:8765`).
    /// The host is an IPv4 address, an IPv6 address in brackets, or a host name; anything else (`256.1.1.1`,
    /// `127.0.0.1:0` before the port, an unbracketed IPv6 address) is nil.
    public static func parseAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { return nil }
        let written = String(text[..<colon])
        if written.isEmpty { return ("127.0.0.1", port) }
        if written.hasPrefix("[") && written.hasSuffix("]") {
            let host = String(written.dropFirst().dropLast())
            var address = in6_addr()
            return inet_pton(AF_INET6, host, &address) == 1 ? (host, port) : nil
        }
        if written.allSatisfy({ $0.isNumber || $0 == "." }) {
            var address = in_addr()
            return inet_pton(AF_INET, written, &address) == 1 ? (written, port) : nil
        }
        let labels = written.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            written.count <= 253
            && labels.allSatisfy { label in
                (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
        return valid ? (written, port) : nil
    }
}
