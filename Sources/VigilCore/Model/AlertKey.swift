/// What identifies an alert across deliveries: the source that raised it and its id there.
public struct AlertKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var source: String
    public var id: String

    public init(source: String, id: String) {
        self.source = source
        self.id = id
    }

    public var description: String { "\(source)/\(id)" }
}
