import VigilCore

/// Builds endpoint events in CrowdStrike Falcon Data Replicator (FDR) form: flat records keyed by
/// `event_simpleName`, with `aid`/`cid`, epoch-millisecond `timestamp` strings and process context.
struct EDRRecord {
    var time: Timestamp
    var device: Device
    var customerID: String
    var publicIP: String

    private func base(_ simpleName: String, _ rng: inout SeededGenerator) -> JSONObject {
        [
            "event_simpleName": .string(simpleName),
            "name": .string(simpleName + (simpleName == "ProcessRollup2" ? "V19" : "V5")),
            "aid": .string(device.id),
            "aip": .string(publicIP),
            "cid": .string(customerID),
            "event_platform": .string(device.platform.rawValue),
            "timestamp": .string(String(time.millisecondsSinceEpoch)),
            "id": .string(rng.uuid()),
            "ConfigBuild": "1007.3.0018806.1",
            "ConfigStateHash": .string(String(rng.int(in: 100_000_000...4_000_000_000))),
            "Entitlements": "15",
        ]
    }

    /// Epoch seconds with milliseconds, as FDR writes `ProcessStartTime` and `ContextTimeStamp`.
    private var epochSeconds: String {
        let (seconds, millis) = (time.millisecondsSinceEpoch / 1000, time.millisecondsSinceEpoch % 1000)
        return "\(seconds)." + String(millis + 1000).dropFirst()
    }

    /// The user's security identifier: a stable SID per device on Windows, a UID elsewhere.
    private func userIdentity(_ user: String) -> (key: String, value: String) {
        if device.platform == .windows {
            if user == "SYSTEM" { return ("UserSid", "S-1-5-18") }
            let a = UInt32(device.id.prefix(8), radix: 16) ?? 0
            let b = UInt32(device.id.dropFirst(8).prefix(8), radix: 16) ?? 0
            let c = UInt32(device.id.dropFirst(16).prefix(8), radix: 16) ?? 0
            return ("UserSid", "S-1-5-21-\(a)-\(b)-\(c)-1001")
        }
        return ("UID", user == "root" ? "0" : "501")
    }

    /// A process start (`ProcessRollup2`).
    func process(
        image: String, commandLine: String, parent: String, user: String, sha256: String, processID: String,
        parentProcessID: String, _ rng: inout SeededGenerator
    ) -> JSONValue {
        var r = base("ProcessRollup2", &rng)
        r["ImageFileName"] = .string(image)
        r["CommandLine"] = .string(commandLine)
        r["ParentBaseFileName"] = .string(parent)
        let identity = userIdentity(user)
        r[identity.key] = .string(identity.value)
        r["SHA256HashData"] = .string(sha256)
        r["MD5HashData"] = .string(rng.hex(32))
        r["TargetProcessId"] = .string(processID)
        r["ParentProcessId"] = .string(parentProcessID)
        r["RawProcessId"] = .string(String(rng.int(in: 1000...30_000)))
        r["ProcessStartTime"] = .string(epochSeconds)
        r["IntegrityLevel"] = "8192"
        r["TreeId"] = .string(rng.digits(10))
        return .object(r)
    }

    /// A DNS lookup by a process (`DnsRequest`).
    func dns(domain: String, contextProcessID: String, _ rng: inout SeededGenerator) -> JSONValue {
        var r = base("DnsRequest", &rng)
        r["DomainName"] = .string(domain)
        r["RequestType"] = "1"
        r["ContextProcessId"] = .string(contextProcessID)
        r["ContextTimeStamp"] = .string(epochSeconds)
        return .object(r)
    }

    /// An outbound IPv4 connection (`NetworkConnectIP4`).
    func connect(remoteIP: String, remotePort: Int, contextProcessID: String, _ rng: inout SeededGenerator) -> JSONValue
    {
        var r = base("NetworkConnectIP4", &rng)
        r["RemoteAddressIP4"] = .string(remoteIP)
        r["RemotePort"] = .string(String(remotePort))
        r["LocalAddressIP4"] = .string(device.localIP)
        r["LocalPort"] = .string(String(rng.int(in: 49_152...65_000)))
        r["Protocol"] = "6"
        r["ConnectionDirection"] = "0"
        r["ContextProcessId"] = .string(contextProcessID)
        return .object(r)
    }
}
