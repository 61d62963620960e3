import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import VigilCore

/// TLS for an HTTP server of Vigil's (`vigil serve`, `vigil mcp --http`): a certificate chain and its private key,
/// both PEM files, read and checked when the server starts, so that a wrong file is named before anything listens.
/// TLS 1.2 at least, with ECDHE and AES-GCM or ChaCha20-Poly1305. With a client CA (mutual TLS), every client must
/// present a certificate that CA issued before a byte of HTTP is read; tokens are still asked for on top.
public struct ServerTLS: Sendable {
    public let certificatePath: String
    public let keyPath: String
    /// The PEM file of the certificate authorities whose client certificates are let in, when clients must show one.
    public let clientCAPath: String?
    let configuration: TLSConfiguration

    /// Why the files cannot serve: which file, and what is wrong with it.
    public struct Problem: Error, CustomStringConvertible {
        public enum Kind: Sendable { case unreadable, invalid }
        public var kind: Kind
        public var description: String
    }

    /// Reads and checks `certificate` (the server's certificate first, then any intermediates) and `key`; with
    /// `clientCA`, a PEM file of one or more CA certificates, clients must show a certificate one of them issued.
    public static func load(certificate: String, key: String, clientCA: String? = nil) throws(Problem) -> ServerTLS {
        let chain = try certificates(certificate, "certificate")
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(bytes: read(key, "key"), format: .pem)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(
                kind: .invalid,
                description: "the key \(key) is not an unencrypted PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        // TLS 1.2 with forward secrecy and an AEAD cipher only (TLS 1.3's suites are all such).
        configuration.cipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20"
        if let clientCA {
            let authorities = try certificates(clientCA, "client CA")
            // A client's certificate is required and checked against these authorities alone (not the system's);
            // a client has no host name to check. Their names are sent, so that a client can pick its certificate.
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(authorities)
            configuration.sendCANameList = true
        }
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            // Both files were read above: what BoringSSL refuses here is a key that is not the certificate's.
            throw Problem(
                kind: .invalid,
                description: "the key \(key) does not belong to the certificate \(certificate) (\(error))")
        }
        return ServerTLS(
            certificatePath: certificate, keyPath: key, clientCAPath: clientCA, configuration: configuration)
    }

    /// What the start-up line adds to the address: who may connect, when clients must show a certificate.
    public var clientsNote: String {
        clientCAPath.map { " (clients with a certificate issued by a CA in \($0) only)" } ?? ""
    }

    /// Whether the key file can be read by every user of this machine.
    public var keyIsWorldReadable: Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: keyPath),
            let mode = attributes[.posixPermissions] as? NSNumber
        else { return false }
        return mode.intValue & 0o004 != 0
    }

    /// The server's channels: HTTP/1.1 inside TLS.
    public func serverBuilder() throws -> HTTPServerBuilder { try .tls(.http1(), tlsConfiguration: configuration) }

    /// The PEM certificates in `path` (the `what` of the messages): at least one.
    static func certificates(_ path: String, _ what: String) throws(Problem) -> [NIOSSLCertificate] {
        let found: [NIOSSLCertificate]
        do {
            found = try NIOSSLCertificate.fromPEMBytes(read(path, what))
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(kind: .invalid, description: "the \(what) \(path) holds no PEM certificate (\(error))")
        }
        guard !found.isEmpty else {
            throw Problem(kind: .invalid, description: "the \(what) \(path) holds no PEM certificate")
        }
        return found
    }

    static func read(_ path: String, _ what: String) throws(Problem) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Problem(kind: .unreadable, description: "the TLS \(what) \(path) does not exist")
        }
        guard !isDirectory.boolValue else {
            throw Problem(kind: .unreadable, description: "the TLS \(what) \(path) is a directory, not a PEM file")
        }
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw Problem(
                kind: .unreadable, description: "cannot read the TLS \(what) \(path): \(SystemErrorText.reason(error))")
        }
    }
}
