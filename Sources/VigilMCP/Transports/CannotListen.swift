import Foundation
import NIOCore

/// The address an HTTP server of Vigil's (`vigil mcp --http`, `vigil serve`) cannot listen on: in use, not this
/// host's, or a port that needs privileges.
public struct CannotListen: Error, CustomStringConvertible {
    public var address: String
    public var reason: String
    public var description: String { "cannot listen on \(address): \(reason)" }

    public init(address: String, reason: String) {
        self.address = address
        self.reason = reason
    }

    /// `error`, thrown while starting to serve on `host:port`, as a failure to listen there when it is one; nil for
    /// any other error.
    public static func from(_ error: any Error, host: String, port: Int) -> CannotListen? {
        switch error {
        case let error as IOError where [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(error.errnoCode):
            CannotListen(address: "\(host):\(port)", reason: String(cString: strerror(error.errnoCode)))
        case let error as SocketAddressError.UnknownHost:
            CannotListen(address: "\(host):\(port)", reason: "\(error)")
        default:
            nil
        }
    }
}
