import VigilCore

/// The identity port (an Okta-like directory). Logins are e-mail-shaped (`ana.silva@meridian.example`).
public protocol IdentityPlatform: Sendable {
    /// `{"user": IdentityDocuments.user}`.
    func user(login: String) async throws -> JSONObject
    /// `{"login", "factors": [IdentityDocuments.factor]}`.
    func mfaFactors(login: String) async throws -> JSONObject
    /// A page of `IdentityDocuments.session` under `sessions`.
    func sessions(login: String, page: PageRequest) async throws -> JSONObject
    /// A page of `IdentityDocuments.change` under `changes`.
    func recentChanges(login: String, window: TimeWindow, page: PageRequest) async throws -> JSONObject
    /// `{"login", "groups": [String]}`.
    func groups(login: String) async throws -> JSONObject
    /// `IdentityDocuments.statusChange`.
    func suspendUser(login: String, reason: String) async throws -> JSONObject
    /// `{"login", "revoked"}`.
    func revokeSessions(login: String) async throws -> JSONObject
    /// `{"login", "factors_removed"}`.
    func resetMFA(login: String) async throws -> JSONObject
}

public enum IdentityDocuments {
    public static let user = JSONSchema.object(properties: [
        .field("id", .string(), "Directory id."),
        .field("login", .string(), "Login (e-mail)."),
        .field("name", .string(), "Display name."),
        .field("department", .string(), "Department."),
        .field("title", .string(), "Job title."),
        .field("manager", .nullable(.string()), "The manager's login."),
        .field("office", .string(), "Office."),
        .field("status", .string(), "ACTIVE, SUSPENDED, DEPROVISIONED, …"),
        .field("created", .dateTime, "When the account was created."),
        .field("frequent_traveller", .boolean, "Whether logins from abroad are usual for this person."),
        .field("utc_offset_hours", .integer(), "The person's usual time zone."),
        .field("working_hours", .string(), "Usual working hours, local time."),
    ])

    public static let factor = JSONSchema.object(properties: [
        .field("id", .string(), "Factor id."),
        .field("type", .string(), "push, token:software:totp, webauthn, sms, …"),
        .field("provider", .string(), "OKTA, GOOGLE, FIDO, …"),
        .field("status", .string(), "ACTIVE or another status."),
        .field("enrolled", .dateTime, "When it was enrolled."),
        .field("device", .nullable(.string()), "The device it lives on."),
    ])

    public static let session = JSONSchema.object(properties: [
        .field("id", .string(), "Session id."),
        .field("started", .dateTime, "When it started."),
        .field("source_ip", .nullable(.string()), "Address it started from."),
        .field("user_agent", .nullable(.string()), "Client."),
        .field("country", .nullable(.string()), "Country of the address."),
        .field("active", .boolean, "Whether it is still active."),
    ])

    public static let change = JSONSchema.object(properties: [
        .field("time", .dateTime, "When."),
        .field(
            "type",
            .oneOf([
                "new_factor", "factor_removed", "new_device", "password_reset", "group_change", "status_change",
                "other",
            ]),
            "Kind of change."),
        .field("event_type", .string(), "The directory's event type."),
        .field("actor", .nullable(.string()), "Who made it."),
        .field("source_ip", .nullable(.string()), "From where."),
        .field("detail", .string(), "What changed."),
    ])

    public static let statusChange = JSONSchema.object(properties: [
        .field("login", .string(), "The user."),
        .field("status", .string(), "Status now."),
        .field("previous_status", .string(), "Status before."),
        .field("changed", .boolean, "False when the user already had that status."),
    ])
}
