import ArgumentParser
import VigilMCP

/// `--tls-cert`, `--tls-key` and `--tls-client-ca`: TLS for an HTTP server of Vigil's (`vigil serve`, `vigil mcp
/// --http`), mutual with a client CA.
struct TLSOptions: ParsableArguments {
    @Option(
        name: .customLong("tls-cert"),
        help: ArgumentHelp(
            "Serve HTTPS with this certificate (PEM: the server's, then any intermediates); needs --tls-key.",
            valueName: "path"))
    var certificate: String?

    @Option(
        name: .customLong("tls-key"),
        help: ArgumentHelp("The certificate's private key (PEM, unencrypted).", valueName: "path"))
    var key: String?

    @Option(
        name: .customLong("tls-client-ca"),
        help: ArgumentHelp(
            "Mutual TLS: let in only clients that show a certificate issued by a CA in this PEM file (tokens are still asked for); needs --tls-cert.",
            valueName: "path"))
    var clientCA: String?

    func validate() throws {
        if (certificate == nil) != (key == nil) {
            throw ValidationError(
                certificate == nil
                    ? "--tls-key needs --tls-cert (the certificate it belongs to)"
                    : "--tls-cert needs --tls-key (its private key)")
        }
        if clientCA != nil && certificate == nil {
            throw ValidationError(
                "--tls-client-ca needs --tls-cert and --tls-key (client certificates are asked for in TLS)")
        }
    }

    /// The certificate and key, read and checked; nil without them. Exit 66 for a file that cannot be read, 78 for
    /// one that is not what it should be (or a key that is not the certificate's).
    func load() throws(CLIError) -> ServerTLS? {
        guard let certificate, let key else { return nil }
        let tls: ServerTLS
        do {
            tls = try ServerTLS.load(certificate: certificate, key: key, clientCA: clientCA)
        } catch {
            switch error.kind {
            case .unreadable: throw .noInput(error.description)
            case .invalid: throw .config(error.description)
            }
        }
        if tls.keyIsWorldReadable {
            Console.warning("the TLS key \(key) can be read by every user of this machine (chmod 600 \(key))")
        }
        return tls
    }
}
