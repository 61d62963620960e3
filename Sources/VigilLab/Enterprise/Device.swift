import VigilCore

/// A managed endpoint: laptop, workstation or server, with its agent and installed software.
public struct Device: Sendable, Hashable, Codable {
    public enum Platform: String, Sendable, Hashable, Codable {
        case windows = "Win"
        case mac = "Mac"
        case linux = "Lin"
    }

    /// Endpoint agent id (32 hex digits, like CrowdStrike's `aid`).
    public var id: String
    public var hostname: String
    public var platform: Platform
    public var osVersion: String
    public var kind: String
    /// The owner's login; `nil` for servers.
    public var owner: String?
    public var serialNumber: String
    public var enrolled: Timestamp
    public var localIP: String
    public var agentVersion: String
    public var software: [Software]
    public var isolated: Bool

    enum CodingKeys: String, CodingKey {
        case id, hostname, platform, kind, owner, enrolled, software, isolated
        case osVersion = "os_version"
        case serialNumber = "serial_number"
        case localIP = "local_ip"
        case agentVersion = "agent_version"
    }
}

/// An installed package.
public struct Software: Sendable, Hashable, Codable {
    public var name: String
    public var vendor: String
    public var version: String
}
