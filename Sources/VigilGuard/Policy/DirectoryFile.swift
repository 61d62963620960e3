import Foundation
import VigilCore
import Yams

/// Why a directory file (`guard.directory`) was refused: the key path, the line, what was wrong.
public struct DirectoryFileError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

extension StaticGroupDirectory {
    /// The directory the policy's `member_of` and `in_account` conditions ask, from a file an organisation exports
    /// from its identity provider and cloud organisation (`guard.directory`), instead of the lab's:
    ///
    ///     groups:                     # each group and the logins in it
    ///       executives: [ceo@corp.example, cfo@corp.example]
    ///       break-glass: [root.admin@corp.example]
    ///     accounts:                   # each AWS account id and the names that place something in it
    ///       "264705010919": [security-prod, svc-siem-ingest, "arn:aws:iam::264705010919:role/Admin"]
    ///
    /// Every key is checked, and refused with its path and line: an unknown key, a group with no login, a login or
    /// name that is empty, an account id that is not 12 digits.
    public static func parse(yaml text: String) throws(DirectoryFileError) -> StaticGroupDirectory {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw DirectoryFileError("not valid YAML: \(YAMLErrorText.describe(error))")
        }
        guard let root else { throw DirectoryFileError("the directory is empty (it lists groups, accounts or both)") }
        return try DirectoryReader().directory(root)
    }
}

private struct DirectoryReader: YAMLReading {
    func failure(_ message: String) -> DirectoryFileError { DirectoryFileError(message) }

    func directory(_ root: Node) throws(DirectoryFileError) -> StaticGroupDirectory {
        var groupsByUser: [String: Set<String>] = [:]
        var accounts: [String: Set<String>] = [:]
        for (key, value) in try mapping(root, "") {
            switch key {
            case "groups":
                for (group, members) in try mapping(value, key) {
                    let path = "groups.\(group)"
                    guard !group.trimmingCharacters(in: .whitespaces).isEmpty else {
                        throw error(path, members, "a group needs a name")
                    }
                    let logins = try names(members, path)
                    guard !logins.isEmpty else {
                        throw error(path, members, "a group with no login says nothing (leave it out)")
                    }
                    for login in logins { groupsByUser[login, default: []].insert(group) }
                }
            case "accounts":
                for (account, names) in try mapping(value, key) {
                    let path = "accounts.\(account)"
                    guard account.count == 12, account.allSatisfy(\.isASCII), account.allSatisfy(\.isNumber) else {
                        throw error(path, names, "'\(account)' is not an AWS account id (12 digits; quote it)")
                    }
                    // The id itself places what names it (an ARN holds it), whatever else is listed.
                    accounts[account, default: []].insert(account)
                    for name in try self.names(names, path) { accounts[name, default: []].insert(account) }
                }
            default: throw unknown(key, value)
            }
        }
        return StaticGroupDirectory(groupsByUser, accounts: accounts)
    }

    private func names(_ node: Node, _ path: String) throws(DirectoryFileError) -> [String] {
        var result: [String] = []
        for item in try sequence(node, path) {
            let text = try scalar(item, path).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { throw error(path, item, "must not be empty") }
            result.append(text)
        }
        return result
    }
}
