import VigilCore

/// The cloud port (AWS): accounts, IAM principals, resources, and containment on them.
public protocol CloudPlatform: Sendable {
    /// `{"account": CloudDocuments.account}`.
    func account(id: String) async throws -> JSONObject
    /// `{"principal": CloudDocuments.principal}`; `principal` is an ARN, or a user or role name with `account`.
    func principal(_ principal: String, account: String?) async throws -> JSONObject
    /// `{"resource": CloudDocuments.resource}` by ARN or name.
    func resource(_ resource: String) async throws -> JSONObject
    /// `CloudDocuments.activity`.
    func principalActivity(_ principal: String, window: TimeWindow) async throws -> JSONObject
    /// `CloudDocuments.ipBaseline`: is this address usual for this user or principal?
    func checkIPBaseline(entity: String, ip: String) async throws -> JSONObject
    /// Adds `ip` to the entity's baseline (after a false positive it explained):
    /// `{"entity", "ip", "added", "reason"}`.
    func learnIPBaseline(entity: String, ip: String, reason: String) async throws -> JSONObject
    /// `{"access_key_id", "user", "status", "previous_status", "changed"}`.
    func deactivateAccessKey(id: String) async throws -> JSONObject
    /// `{"principal", "policy", "changed"}`.
    func attachDenyAllPolicy(principal: String) async throws -> JSONObject
    /// `{"instance", "isolated", "changed", "security_group"}`.
    func isolateInstance(_ instance: String) async throws -> JSONObject
    /// `{"snapshot_id", "source", "created"}`.
    func snapshotVolume(_ resource: String) async throws -> JSONObject
}

public enum CloudDocuments {
    public static let account = JSONSchema.object(properties: [
        .field("id", .string(), "Twelve-digit account id."),
        .field("alias", .string(), "Account alias."),
        .field("environment", .oneOf(["production", "staging", "development", "security", "shared"]), "Environment."),
        .field("owner", .string(), "Owning team."),
        .field("criticality", .oneOf(["critical", "high", "medium", "low"]), "Business criticality."),
        .field("regions", .array(.string()), "Regions the account normally uses."),
        .field("users", .integer(minimum: 0), "IAM users."),
        .field("roles", .integer(minimum: 0), "IAM roles."),
        .field("resources", .integer(minimum: 0), "Tracked resources."),
    ])

    static let accessKey = JSONSchema.object(properties: [
        .field("id", .string(), "Access key id."),
        .field("status", .string(), "Active or Inactive."),
        .field("created", .dateTime, "When it was created."),
        .field("last_used", .nullable(.dateTime), "When it was last used."),
        .field("last_used_service", .nullable(.string()), "Service it was last used with."),
        .field("last_used_region", .nullable(.string()), "Region it was last used in."),
    ])

    public static let principal = JSONSchema.object(properties: [
        .field("type", .oneOf(["user", "role"]), "IAM user or role."),
        .field("name", .string(), "Name."),
        .field("arn", .string(), "ARN."),
        .field("account_id", .string(), "Account."),
        .field("principal_id", .string(), "AIDA…/AROA… id."),
        .field("created", .dateTime, "When it was created."),
        .field("policies", .array(.string()), "Attached policies."),
        .field("access_keys", .array(accessKey), "Access keys (users only)."),
        .field("console_access", .nullable(.boolean), "Whether the user has a console password."),
        .field("mfa_enabled", .nullable(.boolean), "Whether the user has MFA."),
        .field("trusted_by", .array(.string()), "Who may assume the role (roles only)."),
        .field("owner", .nullable(.string()), "The person or automation that owns it."),
        .field("automation", .nullable(.string()), "The automation that uses it (Terraform, CI, …), if any."),
        .field("description", .nullable(.string()), "Role description."),
    ])

    public static let resource = JSONSchema.object(properties: [
        .field("arn", .string(), "ARN."),
        .field("type", .string(), "Resource type."),
        .field("name", .string(), "Name."),
        .field("region", .string(), "Region."),
        .field("account_id", .string(), "Account."),
        .field("tags", .map(.string()), "Tags."),
        .field("internet_facing", .boolean, "Whether it is reachable from the internet."),
        .field("isolated", .boolean, "Whether containment isolated it."),
    ])

    public static let activity = JSONSchema.object(properties: [
        .field("principal", .string(), "The principal."),
        .field("total", .integer(minimum: 0), "API calls in the window."),
        .field("first_seen", .nullable(.dateTime), "Earliest call."),
        .field("last_seen", .nullable(.dateTime), "Latest call."),
        .field("by_action", .array(SIEMDocuments.counted), "Calls by API action."),
        .field("by_source_ip", .array(SIEMDocuments.counted), "Calls by source address."),
        .field("by_region", .array(SIEMDocuments.counted), "Calls by region."),
        .field("errors", .integer(minimum: 0), "Calls that failed."),
    ])

    public static let network = JSONSchema.object(properties: [
        .field("cidr", .string(), "The prefix the address is in."),
        .field("asn", .integer(), "Autonomous system number."),
        .field("org", .string(), "Its operator."),
        .field("kind", .string(), "office, residential, mobile, hosting, vpn, cloud or tor."),
        .field("city", .string(), "City."),
        .field("country", .string(), "ISO country code."),
    ])

    public static let ipBaseline = JSONSchema.object(properties: [
        .field("entity", .string(), "The user or principal."),
        .field("ip", .string(), "The address checked."),
        .field("network", .nullable(network), "What is known about the address."),
        .field("has_baseline", .boolean, "Whether a baseline exists for the entity."),
        .field("known_ip", .boolean, "The address is in the baseline."),
        .field("known_asn", .boolean, "The address's network is in the baseline."),
        .field("known_country", .boolean, "The address's country is in the baseline."),
        .field(
            "verdict", .oneOf(["usual", "new_ip_known_network", "new_network", "new_country", "no_baseline"]),
            "Summary."),
    ])
}
