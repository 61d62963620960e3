import VigilCore
import VigilLab
import VigilSIEM

/// The identity port over the lab's directory; sessions and changes come from its Okta System Log.
struct LabIdentity: IdentityPlatform {
    let world: LabWorld

    func user(login: String) async throws -> JSONObject {
        let p = try world.person(login)
        let status = await world.state.userStatus[p.login] ?? p.status.rawValue
        let hours = "\(Self.twoDigits(p.workStartHour)):00–\(Self.twoDigits(p.workEndHour)):00"
        return [
            "user": [
                "id": .string(p.id), "login": .string(p.login), "name": .string(p.displayName),
                "department": .string(p.department), "title": .string(p.title),
                "manager": p.manager.map(JSONValue.string) ?? .null, "office": .string(p.office),
                "status": .string(status), "created": .string(p.created.description),
                "frequent_traveller": .bool(p.frequentTraveller), "utc_offset_hours": .int(Int64(p.utcOffsetHours)),
                "working_hours": .string(hours),
            ]
        ]
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    func mfaFactors(login: String) async throws -> JSONObject {
        let p = try world.person(login)
        let reset = await world.state.factorsReset.contains(p.login)
        let factors: [JSONValue] =
            reset
            ? []
            : p.mfaFactors.map {
                [
                    "id": .string($0.id), "type": .string($0.type), "provider": .string($0.provider),
                    "status": .string($0.status), "enrolled": .string($0.enrolled.description),
                    "device": $0.deviceName.map(JSONValue.string) ?? .null,
                ]
            }
        return ["login": .string(p.login), "factors": .array(factors)]
    }

    func sessions(login: String, page: PageRequest) async throws -> JSONObject {
        let p = try world.person(login)
        var result = try Page.make(try await allSessions(p), key: "sessions", noun: "sessions", request: page)
        result["login"] = .string(p.login)
        return result
    }

    /// Every session of a user, newest first, from the user's session starts in the log.
    func allSessions(_ p: Person) async throws -> [JSONValue] {
        let revokedBefore = await world.state.revokedSessionsBefore[p.login]
        let intelligence = LabNetworkIntelligence(world)
        var sessions: [JSONValue] = []
        var cursor: String?
        repeat {
            let found = try world.store.search(
                EventQuery(
                    filters: [
                        .init(field: "actor", value: p.login), .init(field: "action", value: "user.session.start"),
                    ],
                    limit: EventQuery.maximumLimit, cursor: cursor))
            for event in found.events {
                let id =
                    event.record.value(at: "authenticationContext.externalSessionId")?.stringValue
                    ?? "event-\(event.id)"
                let started = event.time ?? world.enterprise.epoch
                let active = (revokedBefore.map { started >= $0 } ?? true) && event.outcome != "FAILURE"
                sessions.append([
                    "id": .string(id), "started": .string(started.description),
                    "source_ip": event.sourceIP.map(JSONValue.string) ?? .null,
                    "user_agent": event.record.value(at: "client.userAgent.rawUserAgent") ?? .null,
                    "country": event.sourceIP.flatMap(intelligence.network(for:)).map { .string($0.country) } ?? .null,
                    "active": .bool(active),
                ])
            }
            cursor = found.nextCursor
        } while cursor != nil
        return sessions.reversed()
    }

    static func changeType(_ eventType: String) -> String? {
        switch eventType {
        case "user.mfa.factor.activate", "system.mfa.factor.activate": "new_factor"
        case "user.mfa.factor.deactivate", "user.mfa.factor.reset_all": "factor_removed"
        case "device.enrollment.create", "device.user.add": "new_device"
        case "user.account.reset_password", "user.account.update_password", "user.credential.forgot_password":
            "password_reset"
        case _ where eventType.hasPrefix("group.user_membership."): "group_change"
        case _ where eventType.hasPrefix("user.lifecycle."): "status_change"
        case "user.account.privilege.grant", "user.account.privilege.revoke": "other"
        default: nil
        }
    }

    func recentChanges(login: String, window: TimeWindow, page: PageRequest) async throws -> JSONObject {
        let p = try world.person(login)
        // Changes may be made by the user or by an administrator on them: search the log for the login.
        var changes: [JSONValue] = []
        var cursor: String?
        repeat {
            let found = try world.store.search(
                EventQuery(
                    filters: [.init(field: "log_type", value: LogType.oktaSystemLog.rawValue)], text: p.login,
                    from: window.from, to: window.to, limit: EventQuery.maximumLimit, cursor: cursor))
            for event in found.events {
                guard let action = event.action, let type = Self.changeType(action) else { continue }
                let subject = event.actor == p.login || event.targets.contains(p.login)
                guard subject else { continue }
                changes.append([
                    "time": .string((event.time ?? world.enterprise.epoch).description), "type": .string(type),
                    "event_type": .string(action), "actor": event.actor.map(JSONValue.string) ?? .null,
                    "source_ip": event.sourceIP.map(JSONValue.string) ?? .null,
                    "detail": event.record["displayMessage"] ?? .string(action),
                ])
            }
            cursor = found.nextCursor
        } while cursor != nil
        var result = try Page.make(changes.reversed(), key: "changes", noun: "changes", request: page)
        result["login"] = .string(p.login)
        return result
    }

    func groups(login: String) async throws -> JSONObject {
        let p = try world.person(login)
        return ["login": .string(p.login), "groups": .array(p.groups.map(JSONValue.string))]
    }

    func suspendUser(login: String, reason: String) async throws -> JSONObject {
        let p = try world.person(login)
        let previous = await world.state.setUserStatus(p.login, "SUSPENDED") ?? p.status.rawValue
        return [
            "login": .string(p.login), "status": "SUSPENDED", "previous_status": .string(previous),
            "changed": .bool(previous != "SUSPENDED"),
        ]
    }

    func revokeSessions(login: String) async throws -> JSONObject {
        let p = try world.person(login)
        let active =
            try await sessions(login: login, page: PageRequest(limit: 1000))["sessions"]?.arrayValue?
            .filter { $0["active"] == .bool(true) }.count ?? 0
        await world.state.revokeSessions(p.login)
        return ["login": .string(p.login), "revoked": .int(Int64(active))]
    }

    func resetMFA(login: String) async throws -> JSONObject {
        let p = try world.person(login)
        let removed = await world.state.resetFactors(p.login) ? p.mfaFactors.count : 0
        return ["login": .string(p.login), "factors_removed": .int(Int64(removed))]
    }
}

extension LabState {
    /// Sets a status; returns the one set before (nil: the directory's own).
    func setUserStatus(_ login: String, _ status: String) -> String? {
        defer { userStatus[login] = status }
        return userStatus[login]
    }
    func revokeSessions(_ login: String) { revokedSessionsBefore[login] = Timestamp(millisecondsSinceEpoch: .max) }
    func resetFactors(_ login: String) -> Bool { factorsReset.insert(login).inserted }
}
