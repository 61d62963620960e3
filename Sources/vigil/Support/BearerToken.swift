import Foundation
import VigilCore

/// The bearer token an HTTP server of Vigil's requires (`vigil mcp --http`, `vigil serve`): the value of an
/// environment variable, or, when it is unset or blank, a random one, printed on stderr for the clients.
enum BearerToken {
    static func resolve(variable: String) throws(CLIError) -> String {
        if let given = ProcessInfo.processInfo.environment[variable],
            !given.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            // A token a client can send as written: no spaces around it, none inside.
            guard !given.contains(where: { $0.isWhitespace }) else {
                throw CLIError.config(
                    "\(variable) holds whitespace; a bearer token is one word (or leave it unset for a random one)")
            }
            return given
        }
        let token = (UUID().uuidString + UUID().uuidString).lowercased().replacingOccurrences(of: "-", with: "")
        Console.note("\(variable) is not set (or blank); clients must send this bearer token: \(token)")
        return token
    }
}
