import VigilCore
import VigilLab

/// The collaboration port over the lab's people, channels and on-call rotations.
struct LabCollaboration: CollaborationPlatform {
    let world: LabWorld

    func lookupPerson(login: String) async throws -> JSONObject {
        let p = try world.person(login)
        let manager: JSONValue =
            p.manager.flatMap(world.enterprise.person(login:)).map {
                ["login": .string($0.login), "name": .string($0.displayName), "chat_handle": .string($0.slackHandle)]
            } ?? .null
        let now = world.state.clock.now()
        let rotations: [JSONValue] = world.enterprise.onCall.filter { $0.members.contains(p.login) }.map { r in
            let current = r.onCall(at: now, epoch: world.enterprise.epoch)
            return [
                "team": .string(r.team), "channel": .string(r.channel), "now": .bool(current == p.login),
                "current": .string(current),
            ]
        }
        return [
            "person": [
                "login": .string(p.login), "name": .string(p.displayName), "email": .string(p.login),
                "phone": .string(p.phone), "chat_handle": .string(p.slackHandle), "title": .string(p.title),
                "department": .string(p.department), "utc_offset_hours": .int(Int64(p.utcOffsetHours)),
                "manager": manager, "on_call": .array(rotations),
            ]
        ]
    }

    func channel(_ name: String) throws(PlatformError) -> ChatChannel {
        func bare(_ text: String) -> Substring { text.hasPrefix("#") ? text.dropFirst() : Substring(text) }
        guard let channel = world.enterprise.channels.first(where: { bare($0.name) == bare(name) || $0.id == name })
        else {
            throw .notFound("channel", name)
        }
        return channel
    }

    func postMessage(channel: String, text: String) async throws -> JSONObject {
        let c = try self.channel(channel)
        let ts = await world.state.post(channel: c.id, text: text)
        return ["channel": .string(c.id), "ts": .string(ts), "text": .string(text)]
    }

    func requestApproval(action: String, reason: String, approvers: String) async throws -> JSONObject {
        if approvers.hasPrefix("#") || world.enterprise.person(login: approvers) == nil {
            _ = try channel(approvers)
        }
        let approval = await world.state.requestApproval(action: action, reason: reason, approvers: approvers)
        return ["approval": .object(approval)]
    }

    func approval(id: String) async throws -> JSONObject {
        guard let approval = await world.state.approval(id) else { throw PlatformError.notFound("approval", id) }
        return ["approval": .object(approval)]
    }
}

extension LabState {
    func post(channel: String, text: String) -> String {
        let now = clock.now()
        let ts = "\(now.millisecondsSinceEpoch / 1000).\(String(1_000_000 + nextNumber()).dropFirst())"
        messages.append(["channel": .string(channel), "ts": .string(ts), "text": .string(text)])
        return ts
    }

    func requestApproval(action: String, reason: String, approvers: String) -> JSONObject {
        let id = "APR-\(1000 + nextNumber())"
        let now = clock.now()
        let approval: JSONObject = [
            "id": .string(id), "status": "pending", "action": .string(action), "reason": .string(reason),
            "approvers": .string(approvers), "requested": .string(now.description),
            "expires": .string(now.adding(seconds: Self.approvalLifetimeSeconds).description), "decided_by": .null,
            "decided_at": .null,
        ]
        approvals[id] = approval
        approvalOrder.append(id)
        return approval
    }

    func approval(_ id: String) -> JSONObject? {
        guard var approval = approvals[id] else { return nil }
        approval["status"] = .string(approvalStatus(approval))
        return approval
    }
}
