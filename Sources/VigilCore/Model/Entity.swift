/// Something an alert is about: a person, an address, a machine, a cloud account or principal, a resource.
public struct Entity: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case user
        case ip
        case host
        case cloudAccount = "cloud_account"
        case cloudPrincipal = "cloud_principal"
        case resource
    }

    public var kind: Kind
    /// The stable identifier: a login (`ana.silva@meridian.example`), an address, a host name, an
    /// account number, an ARN, a resource id.
    public var id: String
    /// A human-readable name where one is known.
    public var name: String?

    public init(kind: Kind, id: String, name: String? = nil) {
        self.kind = kind
        self.id = id
        self.name = name
    }

    public static func user(_ id: String) -> Entity { Entity(kind: .user, id: id) }
    public static func ip(_ id: String) -> Entity { Entity(kind: .ip, id: id) }
    public static func host(_ id: String) -> Entity { Entity(kind: .host, id: id) }
    public static func cloudAccount(_ id: String) -> Entity { Entity(kind: .cloudAccount, id: id) }
    public static func cloudPrincipal(_ id: String) -> Entity { Entity(kind: .cloudPrincipal, id: id) }
    public static func resource(_ id: String) -> Entity { Entity(kind: .resource, id: id) }

    public var description: String { "\(kind.rawValue):\(id)" }
}
