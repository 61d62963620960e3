import VigilCore
import VigilGuard

/// The offline playbook reasoner: no model, no network. It runs the playbook's steps through the
/// host (so through the Guard), establishes its facts from the results, and weighs them: any
/// escalating fact makes the alert an incident; a complete set of benign facts closes it as a false
/// positive; anything else goes to a person. Every claim cites the tool call it rests on.
public struct OfflineReasoner: Sendable {
    public init() {}

    /// What a step did.
    public struct StepRecord: Sendable {
        public var step: String
        public var tool: String
        public var callID: String?
        /// Why it produced nothing to read: skipped (an argument had no value), denied, pending, failed.
        public var problem: String?
    }

    /// A fact and whether it held (nil: unknown, its step produced nothing).
    public struct FactRecord: Sendable {
        public var fact: Playbook.Fact
        public var holds: Bool?
        public var claim: String
        public var callID: String?
    }

    /// The investigation behind a verdict.
    public struct Investigation: Sendable {
        public var playbook: Playbook
        public var steps: [StepRecord]
        public var facts: [FactRecord]
        public var verdict: Verdict
    }

    public func investigate(
        _ alert: Alert, playbook: Playbook, session: GuardSession, host: any ToolHost
    ) async throws -> Investigation {
        var results: [String: (callID: String, content: JSONValue)] = [:]
        var steps: [StepRecord] = []
        let scope = Scope(alert: alert)
        for step in playbook.steps {
            let tool = "\(step.server).\(step.tool)"
            let (arguments, missing) = Self.arguments(of: step, scope: scope, results: results)
            if let missing {
                steps.append(StepRecord(step: step.id, tool: tool, problem: "skipped: no value for '\(missing)'"))
                continue
            }
            let outcome = try await host.call(server: step.server, tool: step.tool, arguments: arguments, in: session)
            let problem = Self.problem(of: outcome)
            if problem == nil, case .completed(let callID, let content, _, _) = outcome {
                results[step.id] = (callID, content)
            }
            steps.append(StepRecord(step: step.id, tool: tool, callID: outcome.callID, problem: problem))
        }

        // Facts about the alert itself cite the SIEM's copy of it, fetched through the Guard like any
        // other evidence; if the SIEM does not hold the alert, they rest on the alert as received.
        var alertCallID = ""
        if playbook.facts.contains(where: { $0.step == "alert" }) {
            let outcome = try await host.call(
                server: "siem", tool: "get_alert", arguments: ["alert_id": .string(alert.id)], in: session)
            if case .completed(let callID, let content, let verdict, false) = outcome, !verdict.injection,
                content["alert"]?["id"] == .string(alert.id)
            {
                alertCallID = callID
                steps.append(StepRecord(step: "alert", tool: "siem.get_alert", callID: callID))
            } else {
                steps.append(
                    StepRecord(
                        step: "alert", tool: "siem.get_alert", callID: outcome.callID,
                        problem: "the SIEM does not hold this alert; facts about it rest on the alert as received"))
            }
        }

        var facts: [FactRecord] = []
        for fact in playbook.facts {
            // `step: alert` reads the alert itself (its entities, context and first and last raw events).
            let source = fact.step == "alert" ? (callID: alertCallID, content: scope.root) : results[fact.step]
            guard let result = source else {
                facts.append(FactRecord(fact: fact, holds: nil, claim: fact.id))
                continue
            }
            let values = fact.path.values(in: result.content)
            let holds = fact.test.holds(for: values)
            let first = values.first { $0 != .null }
            let claim =
                fact.claim.fill { path in
                    path.split?.head == "value" ? (first ?? .string("—")) : scope.resolve(path, results: results)
                }?.stringValue ?? fact.claim.description
            facts.append(
                FactRecord(fact: fact, holds: holds, claim: claim, callID: result.callID.isEmpty ? nil : result.callID))
        }
        var verdict = weigh(alert, playbook, facts, steps, session)
        if verdict.disposition == .closed, !playbook.onClose.isEmpty {
            let (records, actions) = try await afterClose(playbook, scope: scope, results: results, session: session, host: host)
            steps += records
            verdict.actions += actions
        }
        return Investigation(playbook: playbook, steps: steps, facts: facts, verdict: verdict)
    }

    /// The playbook's `on_close` calls (e.g. learning the address into the entity's baseline), made
    /// through the Guard where the tier is offered the tool; each is recorded on the verdict as an
    /// action taken (or failed). A tool the tier is not offered (its server's writes not granted) is
    /// left alone.
    private func afterClose(
        _ playbook: Playbook, scope: Scope, results: [String: (callID: String, content: JSONValue)],
        session: GuardSession, host: any ToolHost
    ) async throws -> ([StepRecord], [ProposedAction]) {
        let offered = Set(host.tools(forTier: session.tier).map(\.qualifiedName))
        var records: [StepRecord] = []
        var actions: [ProposedAction] = []
        for step in playbook.onClose where offered.contains("\(step.server).\(step.tool)") {
            let (arguments, missing) = Self.arguments(of: step, scope: scope, results: results)
            guard missing == nil else { continue }
            let outcome = try await host.call(server: step.server, tool: step.tool, arguments: arguments, in: session)
            let problem = Self.problem(of: outcome)
            records.append(
                StepRecord(
                    step: "on_close.\(step.id)", tool: "\(step.server).\(step.tool)", callID: outcome.callID,
                    problem: problem))
            actions.append(
                ProposedAction(
                    server: step.server, tool: step.tool, arguments: arguments,
                    rationale: "After closing \(playbook.title) as a false positive (call \(outcome.callID)).",
                    status: problem == nil ? .executed : .failed))
        }
        return (records, actions)
    }

    /// A step's arguments filled from the alert and earlier results, or the first that has no value.
    private static func arguments(
        of step: Playbook.Step, scope: Scope, results: [String: (callID: String, content: JSONValue)]
    ) -> (JSONObject, missing: String?) {
        var arguments: JSONObject = [:]
        for (name, template) in step.arguments {
            guard let value = template.fill({ scope.resolve($0, results: results) }) else { return (arguments, name) }
            arguments[name] = value
        }
        return (arguments, nil)
    }

    /// Why a call produced nothing to read (nil: it did).
    private static func problem(of outcome: Guard.Outcome) -> String? {
        switch outcome {
        case .completed(_, let content, let verdict, let isError):
            verdict.injection ? "quarantined" : isError ? "error: \(content.stringValue ?? content.serialized())" : nil
        case .denied(_, let decision): "denied by \(decision.rule)"
        case .pendingApproval(_, _, let approval): "waiting for approval \(approval.id)"
        case .rateLimited(_, let wait):
            "refused by its rate limit (the next chance in \(String(format: "%.1f", Double(wait) / 1000)) s, over the Guard's wait)"
        case .failed(_, let message): "failed: \(message)"
        }
    }

    private func weigh(
        _ alert: Alert, _ playbook: Playbook, _ facts: [FactRecord], _ steps: [StepRecord], _ session: GuardSession
    ) -> Verdict {
        let byID = Dictionary(facts.map { ($0.fact.id, $0) }, uniquingKeysWith: { a, _ in a })
        func evidence(_ records: [FactRecord]) -> [Evidence] {
            records.map { Evidence(claim: $0.claim, toolCallIDs: $0.callID.map { [$0] } ?? []) }
        }
        let alarming = playbook.escalate.compactMap { byID[$0] }.filter { $0.holds == true }
        if !alarming.isEmpty {
            var attack = playbook.attack
            for reference in alert.mitre where !attack.contains(reference.technique) {
                attack.append(reference.technique)
            }
            return Verdict(
                alertID: alert.id, classification: .truePositive, disposition: .escalated,
                confidence: min(0.98, 0.85 + 0.05 * Double(alarming.count)), tier: 1,
                summary: "Escalated as a likely incident (\(playbook.title)): "
                    + alarming.map(\.claim).joined(separator: "; ") + ".",
                evidence: evidence(alarming), attack: attack)
        }
        let settled = playbook.benign.first { set in set.allSatisfy { byID[$0]?.holds == true } }
        if let settled {
            let reasons = settled.compactMap { byID[$0] }
            if !session.mayAutoClose {
                return Verdict(
                    alertID: alert.id, classification: .unknown, disposition: .escalated, confidence: 0.5, tier: 1,
                    summary:
                        "Looks benign (\(reasons.map(\.claim).joined(separator: "; "))), but a tool result held a prompt injection, so a person must close it.",
                    evidence: evidence(reasons))
            }
            return Verdict(
                alertID: alert.id, classification: .falsePositive, disposition: .closed,
                confidence: min(0.95, 0.75 + 0.05 * Double(reasons.count)), tier: 1,
                summary: "Closed as a false positive (\(playbook.title)): "
                    + reasons.map(\.claim).joined(separator: "; ") + ".",
                evidence: evidence(reasons))
        }
        // Neither: say what could not be established.
        let unknown = Set(playbook.benign.joined()).compactMap { byID[$0] }.filter { $0.holds != true }
            .map(\.fact.id).sorted()
        let problems = steps.compactMap { step in step.problem.map { "\(step.tool) \($0)" } }
        var summary = "Escalated for investigation (\(playbook.title)): the benign explanation was not established"
        if !unknown.isEmpty { summary += " (not shown: \(unknown.joined(separator: ", ")))" }
        if !problems.isEmpty { summary += "; " + problems.joined(separator: "; ") }
        let held = facts.filter { $0.holds == true }
        return Verdict(
            alertID: alert.id, classification: .unknown, disposition: .escalated, confidence: 0.5, tier: 1,
            summary: summary + ".", evidence: evidence(held))
    }

    /// What templates can name.
    struct Scope {
        let alert: Alert
        let root: JSONValue

        init(alert: Alert) {
            self.alert = alert
            var entities: JSONObject = [:]
            for entity in alert.entities where entities[entity.kind.rawValue] == nil {
                entities[entity.kind.rawValue] = .string(entity.id)
            }
            root = [
                "alert": [
                    "id": .string(alert.id), "rule_id": .string(alert.ruleID), "title": .string(alert.title),
                    "severity": .string(alert.severity.rawValue), "created_at": .string(alert.createdAt.description),
                ],
                "entity": .object(entities), "context": .object(alert.context),
                "event": alert.events.first?.record ?? .null, "last_event": alert.events.last?.record ?? .null,
            ]
        }

        func resolve(_ path: ValuePath, results: [String: (callID: String, content: JSONValue)]) -> JSONValue? {
            guard let (head, rest) = path.split else { return nil }
            if head == "steps" {
                guard let (step, inner) = rest?.split, let result = results[step] else { return nil }
                guard let inner else { return result.content }
                return inner.values(in: result.content).first
            }
            return path.values(in: root).first
        }
    }
}

extension OfflineReasoner: AlertReasoner {
    public var agentName: String { "offline-reasoner" }

    public func assess(_ alert: Alert, playbook: Playbook, host: any ToolHost) async throws -> Assessment {
        let session = GuardSession(agent: agentName, tier: "tier1", caseID: alert.id)
        session.observe(alert: alert)
        var investigation = try await investigate(alert, playbook: playbook, session: session, host: host)
        let calls = investigation.steps.map {
            ToolCallRecord(callID: $0.callID, tool: $0.tool, arguments: nil, status: $0.problem ?? "ok", shown: "")
        }
        investigation.verdict.toolCalls = calls.filter { $0.callID != nil }.count
        // An incident's timeline: the alert's events in order, citing the SIEM's copy of the alert.
        var timeline: [TimelineEntry] = []
        if investigation.verdict.classification == .truePositive {
            let cited = investigation.steps.first { $0.step == "alert" && $0.problem == nil }?.callID
            for event in alert.events {
                let fields = event.normalized
                var what = [fields.actor, fields.action].compactMap { $0 }.joined(separator: " ")
                if what.isEmpty { what = alert.title }
                if let ip = fields.sourceIP { what += " from \(ip)" }
                if let outcome = fields.outcome { what += " (\(outcome))" }
                timeline.append(
                    TimelineEntry(
                        time: fields.time ?? alert.createdAt, summary: what, entities: alert.entities,
                        technique: investigation.verdict.attack.first, toolCallIDs: cited.map { [$0] } ?? []))
            }
            timeline.sort { $0.time < $1.time }
        }
        let record = Case.of(
            alert, verdict: investigation.verdict, timeline: timeline, quarantined: session.isQuarantined, calls: calls,
            playbook: playbook, now: alert.createdAt)
        return Assessment(verdict: investigation.verdict, record: record, calls: calls)
    }
}
