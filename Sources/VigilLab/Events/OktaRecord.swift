import VigilCore

/// Builds Okta System Log events (`/api/v1/logs`) with the fields real ones carry.
struct OktaRecord {
    struct Client {
        var ip: String
        var network: NetworkLocation
        var userAgent: String
        var os: String
        var browser: String
        var device: String = "Computer"
    }

    var time: Timestamp
    var eventType: String
    var legacyEventType: String?
    var displayMessage: String
    var severity: String = "INFO"
    var actor: JSONValue
    var client: Client
    var outcome: String
    var reason: String? = nil
    var targets: [JSONValue] = []
    var sessionID: String
    var requestURI: String = "/idp/idx/identify"
    var debugData: JSONObject = [:]
    var authenticationStep: Int = 0
    var credentialType: String? = nil

    static func actor(_ person: Person) -> JSONValue {
        [
            "id": .string(person.id), "type": "User", "alternateId": .string(person.login),
            "displayName": .string(person.displayName), "detailEntry": nil,
        ]
    }

    static func systemActor(_ domain: String) -> JSONValue {
        [
            "id": "0oa1okta0system0000", "type": "PublicClientApp", "alternateId": .string(domain),
            "displayName": "Okta System", "detailEntry": nil,
        ]
    }

    static func userTarget(_ person: Person) -> JSONValue {
        [
            "id": .string(person.id), "type": "User", "alternateId": .string(person.login),
            "displayName": .string(person.displayName), "detailEntry": nil,
        ]
    }

    static func client(ip: String, network: NetworkLocation, userAgent: String) -> Client {
        let os: String
        let browser: String
        // The lab's user agents are known strings, so prefixes identify them without a substring search.
        if userAgent.hasPrefix("Mozilla/5.0 (iPhone") || userAgent.hasPrefix("Okta Verify/9.28.0 (iPhone") {
            os = "iOS"
            browser = userAgent.hasPrefix("Okta Verify") ? "UNKNOWN" : "SAFARI"
        } else if userAgent.hasPrefix("Okta Verify") {
            os = "Android"
            browser = "UNKNOWN"
        } else if userAgent.hasPrefix("Mozilla/5.0 (Macintosh") {
            os = "Mac OS X"
            browser = "CHROME"
        } else if userAgent.hasPrefix("Mozilla/5.0 (Windows") {
            os = "Windows 10"
            browser = "CHROME"
        } else if userAgent.hasPrefix("Mozilla/5.0 (X11; Linux") {
            os = "Linux"
            browser = "CHROME"
        } else {
            os = "Unknown"
            browser = "UNKNOWN"
        }
        return Client(
            ip: ip, network: network, userAgent: userAgent, os: os, browser: browser,
            device: os == "iOS" || os == "Android" ? "Mobile" : "Computer")
    }

    func json(_ rng: inout SeededGenerator) -> JSONValue {
        let n = client.network
        let geo: JSONValue = [
            "city": .string(n.city), "state": n.state.map(JSONValue.string) ?? .null, "country": .string(n.country),
            "postalCode": n.postalCode.map(JSONValue.string) ?? .null,
            "geolocation": ["lat": .double(n.latitude), "lon": .double(n.longitude)],
        ]
        var debug = debugData
        debug["requestId"] = .string(rng.alphanumeric(20) + "AAAB" + rng.alphanumeric(3))
        debug["requestUri"] = .string(requestURI)
        debug["url"] = .string(requestURI + "?")
        debug["threatSuspected"] = debug["threatSuspected"] ?? "false"
        return [
            "uuid": .string(rng.uuid()),
            "published": .string(time.rfc3339(fractionalSeconds: true)),
            "eventType": .string(eventType),
            "version": "0",
            "severity": .string(severity),
            "legacyEventType": legacyEventType.map(JSONValue.string) ?? .null,
            "displayMessage": .string(displayMessage),
            "actor": actor,
            "client": [
                "userAgent": [
                    "rawUserAgent": .string(client.userAgent), "os": .string(client.os),
                    "browser": .string(client.browser),
                ],
                "zone": "null",
                "device": .string(client.device),
                "id": nil,
                "ipAddress": .string(client.ip),
                "geographicalContext": geo,
            ],
            "device": nil,
            "authenticationContext": [
                "authenticationProvider": credentialType == nil ? nil : "OKTA_AUTHENTICATION_PROVIDER",
                "credentialProvider": nil,
                "credentialType": credentialType.map(JSONValue.string) ?? .null,
                "issuer": nil,
                "interface": nil,
                "authenticationStep": .int(Int64(authenticationStep)),
                "externalSessionId": .string(sessionID),
            ],
            "displayMessageKey": nil,
            "outcome": ["result": .string(outcome), "reason": reason.map(JSONValue.string) ?? .null],
            "securityContext": [
                "asNumber": .int(Int64(n.asn)), "asOrg": .string(n.asOrg), "isp": .string(n.isp),
                "domain": .string(n.domain), "isProxy": .bool(n.kind == .vpn || n.kind == .tor),
            ],
            "debugContext": ["debugData": .object(debug)],
            "transaction": ["type": "WEB", "id": .string(rng.alphanumeric(27)), "detail": [:]],
            "request": [
                "ipChain": [
                    ["ip": .string(client.ip), "geographicalContext": geo, "version": "V4", "source": nil]
                ]
            ],
            "target": .array(targets),
        ]
    }
}
