import VigilCore
import VigilPlatforms

/// The seven platforms Vigil serves over MCP.
public enum PlatformKind: String, Sendable, Hashable, CaseIterable {
    case siem, identity, cloud, ticketing, collaboration, vulnerability, endpoint
}

/// One MCP server: a platform's tools and the instructions that tell a client what it is for.
public struct PlatformServer: Sendable {
    public var kind: PlatformKind
    public var title: String
    public var instructions: String
    public var tools: [ToolDefinition]

    /// The server's MCP name: `vigil-siem`, `vigil-identity`, …
    public var name: String { "vigil-\(kind.rawValue)" }

    /// The tools visible under `scopes`.
    public func tools(in scopes: Set<ToolScope>) -> [ToolDefinition] { tools.filter { scopes.contains($0.scope) } }

    /// The server for `kind` over its port in `platforms`.
    public static func make(_ kind: PlatformKind, platforms: Platforms) -> PlatformServer {
        switch kind {
        case .siem: siem(platforms.siem)
        case .identity: identity(platforms.identity)
        case .cloud: cloud(platforms.cloud)
        case .ticketing: ticketing(platforms.ticketing)
        case .collaboration: collaboration(platforms.collaboration)
        case .vulnerability: vulnerability(platforms.vulnerability)
        case .endpoint: endpoint(platforms.endpoint)
        }
    }

    /// The output members of `{"<key>": <schema>}`.
    static func wrapped(_ key: String, _ schema: JSONSchema, _ description: String) -> [JSONSchema.Property] {
        [.field(key, schema, description)]
    }

    /// The members of an object schema.
    static func members(_ schema: JSONSchema) -> [JSONSchema.Property] {
        if case .object(let properties, _) = schema { return properties }
        return []
    }
}
