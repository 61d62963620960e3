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
