import VigilCore

/// What is known about an address's network: the prefix, operator, kind and place.
public struct NetworkInfo: Sendable, Hashable {
    public var cidr: String
    public var asn: Int
    public var org: String
    /// office, residential, mobile, hosting, vpn, cloud, tor.
    public var kind: String
    public var city: String
    /// ISO 3166 alpha-2.
    public var country: String

    public init(cidr: String, asn: Int, org: String, kind: String, city: String, country: String) {
        self.cidr = cidr
        self.asn = asn
        self.org = org
        self.kind = kind
        self.city = city
        self.country = country
    }

    public var document: JSONValue {
        [
            "cidr": .string(cidr), "asn": .int(Int64(asn)), "org": .string(org), "kind": .string(kind),
            "city": .string(city), "country": .string(country),
        ]
    }
}

/// Looks up an address's network (a GeoIP/ASN database in a deployment; the lab's network table here).
public protocol NetworkIntelligence: Sendable {
    func network(for ip: String) -> NetworkInfo?
}

/// Knows nothing: every address is unknown.
public struct NoNetworkIntelligence: NetworkIntelligence {
    public init() {}
    public func network(for ip: String) -> NetworkInfo? { nil }
}
