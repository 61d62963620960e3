import VigilCore

/// Where an address sits on the internet: its network, operator and place.
public struct NetworkLocation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case office, residential, mobile, hosting, vpn, cloud, tor
    }

    /// An IPv4 prefix in CIDR notation.
    public var cidr: String
    public var asn: Int
    public var asOrg: String
    public var isp: String
    public var domain: String
    public var kind: Kind
    public var city: String
    public var state: String?
    public var country: String
    public var countryCode: String
    public var postalCode: String?
    public var latitude: Double
    public var longitude: Double

    enum CodingKeys: String, CodingKey {
        case cidr, asn, isp, domain, kind, city, state, country, latitude, longitude
        case asOrg = "as_org"
        case countryCode = "country_code"
        case postalCode = "postal_code"
    }

    /// The `n`-th host address of the prefix (wrapping inside it, skipping network and broadcast).
    public func address(_ n: Int) -> String {
        let parts = cidr.split(separator: "/")
        let octets = parts[0].split(separator: ".").compactMap { UInt32($0) }
        let bits = UInt32(parts.count > 1 ? Int(parts[1]) ?? 24 : 24)
        let base = octets.reduce(0) { $0 << 8 | $1 }
        let size = bits >= 31 ? 1 : (UInt32(1) << (32 - bits)) - 2
        let host = base + 1 + UInt32(n % Int(size))
        return "\(host >> 24).\(host >> 16 & 255).\(host >> 8 & 255).\(host & 255)"
    }

    /// Whether `ip` lies inside this prefix.
    public func contains(_ ip: String) -> Bool {
        guard let value = Self.ipv4(ip) else { return false }
        let parts = cidr.split(separator: "/")
        guard let base = Self.ipv4(String(parts[0])) else { return false }
        let bits = UInt32(parts.count > 1 ? Int(parts[1]) ?? 32 : 32)
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
        return value & mask == base & mask
    }

    static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".")
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let v = UInt32(octet), v < 256 else { return nil }
            value = value << 8 | v
        }
        return value
    }
}
