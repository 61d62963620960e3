import ArgumentParser
import Foundation
import Logging
import VigilCore
import VigilServer

/// `vigil guard approver-token NAME`: a new token for one approver of the approvals API, and the lines of
/// `guard.approvers` that let it in.
struct GuardApproverTokenCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "approver-token",
        abstract: "Make an approver's token for the approvals API (vigil serve), and the vigil.yaml lines for it.",
        discussion: """
            Prints the new token alone on stdout (give it to the approver; it is not shown again) and, on stderr, \
            the entry to add under guard.approvers in vigil.yaml: the name and the token's SHA-256. Vigil keeps \
            only the digest. To replace a token, replace the approver's token_sha256. With an integrity manifest, \
            seal again after changing vigil.yaml. See docs/security.md ("The approvals API").
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The approver's name, recorded as who decides (e.g. alice@example.com).") var name: String

    func validate() throws {
        if let problem = VigilConfiguration.Guardrails.Approver.problem(withName: name) {
            throw ValidationError("'\(name)' is not an approver's name: expected \(problem)")
        }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        let token = APIAuthenticator.newToken()
        let digest = APIAuthenticator.digest(ofToken: token)
        let listed = configuration.guardrails.approvers.contains { $0.name == name }
        let advice =
            listed
            ? "\(name) is already in guard.approvers: replace their token_sha256 with this one, which retires the old token:"
            : "add to vigil.yaml, under guard.approvers:"
        // The name was checked: one line, no control or format characters; it is written as it will be read.
        FileHandle.standardError.write(
            Data(
                """
                A new token for \(name) is on stdout: give it to them alone; it is not shown again.
                Then \(advice)

                    - name: \(Self.yamlString(name))
                      token_sha256: \(digest)

                and restart vigil serve (with an integrity manifest, run vigil integrity seal first).

                """.utf8))
        print(token)
    }

    /// `name` as a YAML scalar: double-quoted, with `"` and `\` escaped (a name has no control characters).
    static func yamlString(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
