import Foundation

/// A certificate for 127.0.0.1 and localhost and its key, made with the openssl command (`.ci/run` installs it), for
/// tests of Vigil's servers over TLS.
public struct SelfSignedCertificate: Sendable {
    public var certificate: URL
    public var key: URL

    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// Makes one in `directory` (`cert.pem`, `key.pem`, the key readable by its owner alone).
    public static func make(in directory: URL, name: String = "127.0.0.1") async throws -> SelfSignedCertificate {
        let made = SelfSignedCertificate(
            certificate: directory.appendingPathComponent("\(name)-cert.pem"),
            key: directory.appendingPathComponent("\(name)-key.pem"))
        let result = try await CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", made.key.path, "-out", made.certificate.path, "-days", "1", "-subj", "/CN=\(name)",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ])
        guard result.status == 0 else {
            throw Failed(description: "openssl req failed (\(result.status)): \(result.stderr)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: made.key.path)
        return made
    }
}

/// A certificate authority for tests of mutual TLS (`--tls-client-ca`), made with the openssl command: its
/// certificate and key, and client certificates it issues.
public struct TestCertificateAuthority: Sendable {
    public var certificate: URL
    public var key: URL

    /// Makes one in `directory` (`NAME-ca.pem`, `NAME-ca-key.pem`).
    public static func make(in directory: URL, name: String = "test") async throws -> TestCertificateAuthority {
        let made = TestCertificateAuthority(
            certificate: directory.appendingPathComponent("\(name)-ca.pem"),
            key: directory.appendingPathComponent("\(name)-ca-key.pem"))
        try await openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", made.key.path,
            "-out", made.certificate.path, "-days", "1", "-subj", "/CN=\(name) CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        return made
    }

    /// A client certificate for `name` that this authority issued, and its key (`NAME-client.pem`,
    /// `NAME-client-key.pem`, the key readable by its owner alone).
    public func issueClient(_ name: String, in directory: URL) async throws -> SelfSignedCertificate {
        let issued = SelfSignedCertificate(
            certificate: directory.appendingPathComponent("\(name)-client.pem"),
            key: directory.appendingPathComponent("\(name)-client-key.pem"))
        try await Self.openssl(
            "req", "-x509", "-CA", certificate.path, "-CAkey", key.path, "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", issued.key.path, "-out", issued.certificate.path, "-days",
            "1", "-subj", "/CN=\(name)", "-addext", "basicConstraints=critical,CA:FALSE",
            "-addext", "extendedKeyUsage=clientAuth")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: issued.key.path)
        return issued
    }

    static func openssl(_ arguments: String...) async throws {
        let result = try await CommandRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments)
        guard result.status == 0 else {
            let command = arguments.prefix(2).joined(separator: " ")
            throw SelfSignedCertificate.Failed(
                description: "openssl \(command) failed (\(result.status)): \(result.stderr)")
        }
    }
}
