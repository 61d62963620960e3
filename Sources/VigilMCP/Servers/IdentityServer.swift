import VigilCore
import VigilPlatforms

extension PlatformServer {
    static func identity(_ port: any IdentityPlatform) -> PlatformServer {
        PlatformServer(
            kind: .identity, title: "Vigil Identity",
            instructions:
                "The identity provider's directory: who a user is, their MFA factors, sessions and recent account changes. Write tools (suspend, revoke sessions, reset MFA) are containment and are only present when granted.",
            tools: [
                ToolDefinition(
                    name: "get_user", title: "Get user",
                    description:
                        "A user's profile: name, department, title, manager, office, status, creation date, usual hours.",
                    parameters: [.login], output: wrapped("user", IdentityDocuments.user, "The user.")
                ) { try await port.user(login: $0.require("login")) },
                ToolDefinition(
                    name: "get_mfa_factors", title: "Get MFA factors",
                    description: "A user's enrolled MFA factors with type, provider, status and enrolment date.",
                    parameters: [.login],
                    output: [
                        .field("login", .string(), "The user."),
                        .field("factors", .array(IdentityDocuments.factor), "Enrolled factors."),
                    ]
                ) { try await port.mfaFactors(login: $0.require("login")) },
                ToolDefinition(
                    name: "list_sessions", title: "List sessions",
                    description:
                        "A user's sign-in sessions, newest first, with address, client and whether each is still active.",
                    parameters: [.login, .limit(), .cursor],
                    output: [.field("login", .string(), "The user.")]
                        + Page.schema(key: "sessions", item: IdentityDocuments.session, description: "Sessions.")
                ) { try await port.sessions(login: $0.require("login"), page: $0.page()) },
                ToolDefinition(
                    name: "recent_changes", title: "Recent account changes",
                    description:
                        "Changes to a user's account over a window, newest first: new MFA factor, factor removed, new device, password reset, group change, status change.",
                    parameters: [.login] + ToolParameter.window + [.limit(), .cursor],
                    output: [.field("login", .string(), "The user.")]
                        + Page.schema(key: "changes", item: IdentityDocuments.change, description: "Changes.")
                ) {
                    try await port.recentChanges(login: $0.require("login"), window: try $0.window(), page: $0.page())
                },
                ToolDefinition(
                    name: "get_groups", title: "Get groups",
                    description: "The groups a user belongs to.", parameters: [.login],
                    output: [
                        .field("login", .string(), "The user."), .field("groups", .array(.string()), "Group names."),
                    ]
                ) { try await port.groups(login: $0.require("login")) },
                ToolDefinition(
                    name: "suspend_user", title: "Suspend user",
                    description:
                        "Suspends a user: they can no longer sign in until reactivated. Containment; needs approval under policy.",
                    parameters: [.login, .required("reason", .string(maxLength: 2000), "Why, for the audit trail.")],
                    output: members(IdentityDocuments.statusChange), effect: .destructive, targets: ["login"]
                ) { try await port.suspendUser(login: $0.require("login"), reason: $0.require("reason")) },
                ToolDefinition(
                    name: "revoke_sessions", title: "Revoke sessions",
                    description: "Ends all of a user's active sessions; they must sign in again.",
                    parameters: [.login],
                    output: [
                        .field("login", .string(), "The user."),
                        .field("revoked", .integer(minimum: 0), "Sessions ended."),
                    ], effect: .destructive, targets: ["login"]
                ) { try await port.revokeSessions(login: $0.require("login")) },
                ToolDefinition(
                    name: "reset_mfa", title: "Reset MFA",
                    description: "Removes all of a user's MFA factors; they must enrol again at next sign-in.",
                    parameters: [.login],
                    output: [
                        .field("login", .string(), "The user."),
                        .field("factors_removed", .integer(minimum: 0), "Factors removed."),
                    ], effect: .destructive, targets: ["login"]
                ) { try await port.resetMFA(login: $0.require("login")) },
            ])
    }
}
