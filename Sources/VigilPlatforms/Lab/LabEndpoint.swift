import VigilCore
import VigilLab
import VigilSIEM

/// The endpoint port over the lab's managed devices; process history comes from its EDR log.
struct LabEndpoint: EndpointPlatform {
    let world: LabWorld

    func find(_ device: String) throws(PlatformError) -> Device {
        if let found = world.enterprise.device(id: device)
            ?? world.enterprise.devices.first(where: {
                $0.hostname.caseInsensitiveCompare(device) == .orderedSame
            })
        {
            return found
        }
        throw .notFound("device", device)
    }

    func document(_ d: Device, isolated: Set<String>) -> JSONValue {
        let platform =
            switch d.platform {
            case .windows: "windows"
            case .mac: "mac"
            case .linux: "linux"
            }
        return [
            "id": .string(d.id), "hostname": .string(d.hostname), "platform": .string(platform),
            "os_version": .string(d.osVersion), "kind": .string(d.kind),
            "owner": d.owner.map(JSONValue.string) ?? .null,
            "serial_number": .string(d.serialNumber), "enrolled": .string(d.enrolled.description),
            "local_ip": .string(d.localIP), "agent_version": .string(d.agentVersion),
            "isolated": .bool(d.isolated || isolated.contains(d.id)), "software_count": .int(Int64(d.software.count)),
        ]
    }

    func device(_ device: String) async throws -> JSONObject {
        let d = try find(device)
        return ["device": document(d, isolated: await world.state.isolatedDevices)]
    }

    func devices(ownedBy login: String) async throws -> JSONObject {
        let p = try world.person(login)
        let isolated = await world.state.isolatedDevices
        return [
            "login": .string(p.login),
            "devices": .array(world.enterprise.devices(ownedBy: p.login).map { document($0, isolated: isolated) }),
        ]
    }

    func installedSoftware(device: String, page: PageRequest) async throws -> JSONObject {
        let d = try find(device)
        let software: [JSONValue] = d.software.map {
            ["name": .string($0.name), "vendor": .string($0.vendor), "version": .string($0.version)]
        }
        var result: JSONObject = ["device": .string(d.id)]
        for (key, value) in try Page.make(software, key: "software", noun: "packages", request: page) {
            result[key] = value
        }
        return result
    }

    func recentProcesses(device: String, window: TimeWindow, page: PageRequest) async throws -> JSONObject {
        let d = try find(device)
        var processes: [JSONValue] = []
        var cursor: String?
        repeat {
            let found = try world.store.search(
                EventQuery(
                    filters: [.init(field: "host", value: d.id)], from: window.from, to: window.to,
                    limit: EventQuery.maximumLimit, cursor: cursor))
            for event in found.events {
                let r = event.record
                var process = JSONObject()
                process["time"] = event.time.map { .string($0.description) } ?? .null
                process["event"] = r["event_simpleName"] ?? .string(event.action ?? "unknown")
                process["image"] = r["ImageFileName"] ?? .null
                process["command_line"] = r["CommandLine"] ?? .null
                let user: JSONValue? = r["UserName"] ?? r["UserSid"] ?? r["UID"]
                process["user"] = user ?? .null
                process["sha256"] = r["SHA256HashData"] ?? .null
                let remote: JSONValue? = r["RemoteAddressIP4"] ?? r["DomainName"]
                process["remote_address"] = remote ?? .null
                processes.append(.object(process))
            }
            cursor = found.nextCursor
        } while cursor != nil
        var result: JSONObject = ["device": .string(d.id)]
        for (key, value) in try Page.make(processes.reversed(), key: "processes", noun: "events", request: page) {
            result[key] = value
        }
        return result
    }

    func isolate(device: String) async throws -> JSONObject {
        let d = try find(device)
        let changed = await world.state.isolateDevice(d.id) && !d.isolated
        return ["device": .string(d.id), "hostname": .string(d.hostname), "isolated": true, "changed": .bool(changed)]
    }
}

extension LabState {
    func isolateDevice(_ id: String) -> Bool { isolatedDevices.insert(id).inserted }
}
