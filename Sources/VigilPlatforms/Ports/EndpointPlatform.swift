import VigilCore

/// The endpoint-management port (EDR): devices, software, process history, isolation.
public protocol EndpointPlatform: Sendable {
    /// `{"device": EndpointDocuments.device}` by agent id or host name.
    func device(_ device: String) async throws -> JSONObject
    /// `{"login", "devices": [EndpointDocuments.device]}`.
    func devices(ownedBy login: String) async throws -> JSONObject
    /// A page of `EndpointDocuments.software` under `software`, plus `device`.
    func installedSoftware(device: String, page: PageRequest) async throws -> JSONObject
    /// A page of `EndpointDocuments.process` under `processes`, newest first, plus `device`.
    func recentProcesses(device: String, window: TimeWindow, page: PageRequest) async throws -> JSONObject
    /// `{"device", "hostname", "isolated", "changed"}`.
    func isolate(device: String) async throws -> JSONObject
}

public enum EndpointDocuments {
    public static let device = JSONSchema.object(properties: [
        .field("id", .string(), "Agent id."),
        .field("hostname", .string(), "Host name."),
        .field("platform", .oneOf(["windows", "mac", "linux"]), "Operating system family."),
        .field("os_version", .string(), "Operating system version."),
        .field("kind", .string(), "laptop, workstation, server, …"),
        .field("owner", .nullable(.string()), "Owner's login; null for servers."),
        .field("serial_number", .string(), "Serial number."),
        .field("enrolled", .dateTime, "When the agent was enrolled."),
        .field("local_ip", .string(), "Local address."),
        .field("agent_version", .string(), "Agent version."),
        .field("isolated", .boolean, "Whether the device is network-isolated."),
        .field("software_count", .integer(minimum: 0), "Installed packages."),
    ])

    public static let software = JSONSchema.object(properties: [
        .field("name", .string(), "Package."),
        .field("vendor", .string(), "Vendor."),
        .field("version", .string(), "Version."),
    ])

    public static let process = JSONSchema.object(properties: [
        .field("time", .nullable(.dateTime), "When it started."),
        .field("event", .string(), "EDR event name."),
        .field("image", .nullable(.string()), "Executable path."),
        .field("command_line", .nullable(.string()), "Command line (untrusted text)."),
        .field("user", .nullable(.string()), "User it ran as."),
        .field("sha256", .nullable(.string()), "Image hash."),
        .field("remote_address", .nullable(.string()), "Remote address, for network events."),
    ])
}
