import VigilCore

/// The collaboration port (Slack-like): people, channels, messages and approvals.
public protocol CollaborationPlatform: Sendable {
    /// `{"person": CollaborationDocuments.person}`.
    func lookupPerson(login: String) async throws -> JSONObject
    /// `{"channel", "ts", "text"}`.
    func postMessage(channel: String, text: String) async throws -> JSONObject
    /// `{"approval": CollaborationDocuments.approval}`.
    func requestApproval(action: String, reason: String, approvers: String) async throws -> JSONObject
    /// `{"approval": CollaborationDocuments.approval}`.
    func approval(id: String) async throws -> JSONObject
}

public enum CollaborationDocuments {
    public static let person = JSONSchema.object(properties: [
        .field("login", .string(), "Login."),
        .field("name", .string(), "Display name."),
        .field("email", .string(), "E-mail."),
        .field("phone", .string(), "Phone."),
        .field("chat_handle", .string(), "Chat handle."),
        .field("title", .string(), "Job title."),
        .field("department", .string(), "Department."),
        .field("utc_offset_hours", .integer(), "Time zone."),
        .field(
            "manager",
            .nullable(
                .object(properties: [
                    .field("login", .string(), "Manager's login."),
                    .field("name", .string(), "Manager's name."),
                    .field("chat_handle", .string(), "Manager's chat handle."),
                ])), "The person's manager."),
        .field(
            "on_call",
            .array(
                .object(properties: [
                    .field("team", .string(), "Team."),
                    .field("channel", .string(), "Its channel."),
                    .field("now", .boolean, "Whether the person is on call this week."),
                    .field("current", .string(), "Who is on call this week."),
                ])), "Rotations the person belongs to."),
    ])

    public static let approval = JSONSchema.object(properties: [
        .field("id", .string(), "Approval id."),
        .field("status", .oneOf(["pending", "approved", "denied", "expired"]), "Status."),
        .field("action", .string(), "What is to be approved."),
        .field("reason", .string(), "Why."),
        .field("approvers", .string(), "Channel or person asked."),
        .field("requested", .dateTime, "When it was asked."),
        .field("expires", .dateTime, "When an unanswered request expires."),
        .field("decided_by", .nullable(.string()), "Who decided."),
        .field("decided_at", .nullable(.dateTime), "When."),
    ])
}
