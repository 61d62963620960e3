import VigilCore
import VigilLab
import VigilSIEM

/// The cloud port over the lab's AWS accounts; activity comes from its CloudTrail.
struct LabCloud: CloudPlatform {
    let world: LabWorld

    static let denyAllPolicy = "arn:aws:iam::aws:policy/AWSDenyAll"

    func account(id: String) async throws -> JSONObject {
        guard let a = world.enterprise.account(id: id) ?? world.enterprise.accounts.first(where: { $0.alias == id })
        else { throw PlatformError.notFound("account", id) }
        return [
            "account": [
                "id": .string(a.id), "alias": .string(a.alias), "environment": .string(a.environment.rawValue),
                "owner": .string(a.owner), "criticality": .string(a.criticality),
                "regions": .array(a.regions.map(JSONValue.string)), "users": .int(Int64(a.users.count)),
                "roles": .int(Int64(a.roles.count)), "resources": .int(Int64(a.resources.count)),
            ]
        ]
    }

    enum Found {
        case user(IAMUser, CloudAccount)
        case role(IAMRole, CloudAccount)
    }

    func find(_ principal: String, account: String?) throws(PlatformError) -> Found {
        // Assumed-role ARNs name the role: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
        var name = principal
        var accountID = account
        if principal.hasPrefix("arn:aws:") {
            let parts = principal.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 6 else { throw .invalidArgument("principal", "'\(principal)' is not an IAM ARN") }
            accountID = String(parts[4])
            let resource = parts[5...].joined(separator: ":").split(separator: "/")
            guard resource.count >= 2 else {
                throw .invalidArgument("principal", "'\(principal)' names no user or role")
            }
            name = String(resource[resource[0] == "assumed-role" ? 1 : resource.count - 1])
        }
        for a in world.enterprise.accounts where accountID == nil || a.id == accountID {
            if let user = a.user(named: name) { return .user(user, a) }
            if let role = a.role(named: name) { return .role(role, a) }
        }
        throw .notFound("principal", principal)
    }

    func principal(_ principal: String, account: String?) async throws -> JSONObject {
        let denied = await world.state.denyAll
        let keyStatus = await world.state.keyStatus
        switch try find(principal, account: account) {
        case .user(let u, let a):
            var policies = u.policies
            if denied.contains(u.arn) { policies.append(Self.denyAllPolicy) }
            return [
                "principal": [
                    "type": "user", "name": .string(u.name), "arn": .string(u.arn), "account_id": .string(a.id),
                    "principal_id": .string(u.principalID), "created": .string(u.created.description),
                    "policies": .array(policies.map(JSONValue.string)),
                    "access_keys": .array(
                        u.accessKeys.map { key in
                            [
                                "id": .string(key.id), "status": .string(keyStatus[key.id] ?? key.status),
                                "created": .string(key.created.description),
                                "last_used": key.lastUsed.map { .string($0.description) } ?? .null,
                                "last_used_service": key.lastUsedService.map(JSONValue.string) ?? .null,
                                "last_used_region": key.lastUsedRegion.map(JSONValue.string) ?? .null,
                            ]
                        }),
                    "console_access": .bool(u.consoleAccess), "mfa_enabled": .bool(u.mfaEnabled), "trusted_by": [],
                    "owner": .string(u.owner), "automation": automation(for: u.arn), "description": .null,
                ]
            ]
        case .role(let r, let a):
            var policies = r.policies
            if denied.contains(r.arn) { policies.append(Self.denyAllPolicy) }
            return [
                "principal": [
                    "type": "role", "name": .string(r.name), "arn": .string(r.arn), "account_id": .string(a.id),
                    "principal_id": .string(r.principalID), "created": .string(r.created.description),
                    "policies": .array(policies.map(JSONValue.string)), "access_keys": [], "console_access": .null,
                    "mfa_enabled": .null, "trusted_by": .array(r.trustedBy.map(JSONValue.string)), "owner": .null,
                    "automation": automation(for: r.arn), "description": .string(r.description),
                ]
            ]
        }
    }

    func automation(for arn: String) -> JSONValue {
        world.enterprise.automation.first { $0.roleARN == arn }.map { .string("\($0.name) (\($0.kind.rawValue))") }
            ?? .null
    }

    func findResource(_ resource: String) throws(PlatformError) -> (CloudResource, CloudAccount) {
        for a in world.enterprise.accounts {
            if let r = a.resources.first(where: { $0.arn == resource || $0.name == resource }) { return (r, a) }
        }
        throw .notFound("resource", resource)
    }

    func resource(_ resource: String) async throws -> JSONObject {
        let (r, a) = try findResource(resource)
        let isolated = await world.state.isolatedInstances.contains(r.arn)
        return [
            "resource": [
                "arn": .string(r.arn), "type": .string(r.type), "name": .string(r.name), "region": .string(r.region),
                "account_id": .string(a.id),
                "tags": .object(JSONObject(r.tags.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                "internet_facing": .bool(r.internetFacing), "isolated": .bool(isolated),
            ]
        ]
    }

    /// The actor values CloudTrail records for a principal: its ARN, and for a role its assumed-role sessions.
    func actors(_ principal: String) throws -> [String] {
        switch try find(principal, account: nil) {
        case .user(let u, _): return [u.arn]
        case .role(let r, _):
            let prefix = r.arn.replacingOccurrences(of: ":iam::", with: ":sts::").replacingOccurrences(
                of: ":role/", with: ":assumed-role/")
            let matches = try world.store.counts(
                by: "actor", EventQuery(filters: [.init(field: "log_type", value: LogType.cloudTrail.rawValue)]),
                top: 100_000
            ).compactMap(\.value).filter { $0.hasPrefix(prefix + "/") }
            return [r.arn] + matches
        }
    }

    func principalActivity(_ principal: String, window: TimeWindow) async throws -> JSONObject {
        let actors = principal.contains(":assumed-role/") ? [principal] : try actors(principal)
        var total = 0
        var errors = 0
        var first: Timestamp?
        var last: Timestamp?
        var byAction: [String?: Int] = [:]
        var bySource: [String?: Int] = [:]
        var byRegion: [String?: Int] = [:]
        for actor in actors {
            let query = EventQuery(filters: [.init(field: "actor", value: actor)], from: window.from, to: window.to)
            let sighting = try world.store.sighting(query)
            guard sighting.count > 0 else { continue }
            total += sighting.count
            first = [first, sighting.first].compactMap { $0 }.min()
            last = [last, sighting.last].compactMap { $0 }.max()
            for (v, n) in try world.store.counts(by: "action", query, top: 1000) { byAction[v, default: 0] += n }
            for (v, n) in try world.store.counts(by: "source_ip", query, top: 1000) { bySource[v, default: 0] += n }
            for (v, n) in try world.store.counts(by: "region", query, top: 1000) { byRegion[v, default: 0] += n }
            for (v, n) in try world.store.counts(by: "outcome", query, top: 100) {
                // CloudTrail records "Success" or the error code (ConsoleLogin: "Failure").
                if let v, v.lowercased() != "success" { errors += n }
            }
        }
        func top(_ counts: [String?: Int]) -> JSONValue {
            .array(
                counts.sorted { ($1.value, $0.key ?? "") < ($0.value, $1.key ?? "") }.prefix(25).map {
                    ["value": $0.key.map(JSONValue.string) ?? .null, "count": .int(Int64($0.value))]
                })
        }
        return [
            "principal": .string(principal), "total": .int(Int64(total)),
            "first_seen": first.map { .string($0.description) } ?? .null,
            "last_seen": last.map { .string($0.description) } ?? .null, "by_action": top(byAction),
            "by_source_ip": top(bySource), "by_region": top(byRegion), "errors": .int(Int64(errors)),
        ]
    }

    func checkIPBaseline(entity: String, ip: String) async throws -> JSONObject {
        guard ip.split(separator: ".").count == 4 || ip.contains(":") else {
            throw PlatformError.invalidArgument("ip", "'\(ip)' is not an IP address")
        }
        let network = LabNetworkIntelligence(world).network(for: ip)
        guard let baseline = world.baseline(for: entity) else {
            return [
                "entity": .string(entity), "ip": .string(ip), "network": network?.document ?? .null,
                "has_baseline": false, "known_ip": false, "known_asn": false, "known_country": false,
                "verdict": "no_baseline",
            ]
        }
        let learned = await world.state.learned(entity)
        let knownIP = baseline.ips.contains(ip) || learned.contains(ip)
        let knownASN = network.map { baseline.asns.contains($0.asn) } ?? false
        let knownCountry = network.map { baseline.countries.contains($0.country) } ?? false
        let verdict =
            knownIP ? "usual" : knownASN ? "new_ip_known_network" : knownCountry ? "new_network" : "new_country"
        return [
            "entity": .string(entity), "ip": .string(ip), "network": network?.document ?? .null, "has_baseline": true,
            "known_ip": .bool(knownIP), "known_asn": .bool(knownASN), "known_country": .bool(knownCountry),
            "verdict": .string(verdict),
        ]
    }

    func learnIPBaseline(entity: String, ip: String, reason: String) async throws -> JSONObject {
        guard ip.split(separator: ".").count == 4 || ip.contains(":") else {
            throw PlatformError.invalidArgument("ip", "'\(ip)' is not an IP address")
        }
        guard world.baseline(for: entity) != nil else { throw PlatformError.notFound("baseline", entity) }
        let added = await world.state.learn(ip, for: entity)
        return ["entity": .string(entity), "ip": .string(ip), "added": .bool(added), "reason": .string(reason)]
    }

    func deactivateAccessKey(id: String) async throws -> JSONObject {
        for a in world.enterprise.accounts {
            for u in a.users {
                guard let key = u.accessKeys.first(where: { $0.id == id }) else { continue }
                let previous = await world.state.setKeyStatus(id, "Inactive") ?? key.status
                return [
                    "access_key_id": .string(id), "user": .string(u.arn), "status": "Inactive",
                    "previous_status": .string(previous), "changed": .bool(previous != "Inactive"),
                ]
            }
        }
        throw PlatformError.notFound("access key", id)
    }

    func attachDenyAllPolicy(principal: String) async throws -> JSONObject {
        let arn =
            switch try find(principal, account: nil) {
            case .user(let u, _): u.arn
            case .role(let r, _): r.arn
            }
        let changed = await world.state.attachDenyAll(arn)
        return ["principal": .string(arn), "policy": .string(Self.denyAllPolicy), "changed": .bool(changed)]
    }

    func isolateInstance(_ instance: String) async throws -> JSONObject {
        let (r, _) = try findResource(instance)
        guard r.type == "AWS::EC2::Instance" else {
            throw PlatformError.invalidArgument("instance", "'\(instance)' is a \(r.type), not an EC2 instance")
        }
        let changed = await world.state.isolateInstance(r.arn)
        return [
            "instance": .string(r.arn), "isolated": true, "changed": .bool(changed),
            "security_group": "sg-vigil-quarantine",
        ]
    }

    func snapshotVolume(_ resource: String) async throws -> JSONObject {
        let (r, _) = try findResource(resource)
        guard ["AWS::EC2::Instance", "AWS::EC2::Volume", "AWS::RDS::DBInstance"].contains(r.type) else {
            throw PlatformError.invalidArgument(
                "resource", "'\(resource)' is a \(r.type); only instances, volumes and databases have snapshots")
        }
        return await world.state.snapshot(r.arn)
    }
}

extension LabState {
    func setKeyStatus(_ id: String, _ status: String) -> String? {
        defer { keyStatus[id] = status }
        return keyStatus[id]
    }
    func attachDenyAll(_ arn: String) -> Bool { denyAll.insert(arn).inserted }
    func learn(_ ip: String, for entity: String) -> Bool { learnedIPs[entity, default: []].insert(ip).inserted }
    func learned(_ entity: String) -> Set<String> { learnedIPs[entity] ?? [] }
    func isolateInstance(_ arn: String) -> Bool { isolatedInstances.insert(arn).inserted }
    func snapshot(_ arn: String) -> JSONObject {
        let id = "snap-vigil\(String(nextNumber() + 100_000))"
        let created = clock.now().description
        snapshots.append(["snapshot_id": .string(id), "source": .string(arn), "created": .string(created)])
        return ["snapshot_id": .string(id), "source": .string(arn), "created": .string(created)]
    }
}
