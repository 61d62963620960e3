import VigilCore
import VigilGuard

/// Model tiers on one case: Tier 1 triages; an escalation goes to Tier 2 with the evidence gathered so
/// far (it does not start over); a true positive from Tier 2 goes to Tier 3, which builds the timeline,
/// maps it to ATT&CK, proposes containment (through the Guard's approval flow, never executed) and
/// narrates the report. A tier stopped by the watchdog hands the case to a person with its runbook.
/// A case touched by quarantined content is never closed automatically.
public struct ModelReasoner: AlertReasoner {
    public let loop: AgentLoop
    public let tiers: [Int: TierDefinition]
    /// The highest tier to run (1…3).
    public let maxTier: Int
    let clock: any WallClock

    public init(
        loop: AgentLoop, tiers: [Int: TierDefinition], maxTier: Int = 3, clock: any WallClock = SystemWallClock()
    ) {
        self.loop = loop
        self.tiers = tiers
        self.maxTier = maxTier
        self.clock = clock
    }

    public var agentName: String { loop.provider.name }

    public func assess(_ alert: Alert, playbook: Playbook, host: any ToolHost) async throws -> Assessment {
        var session = GuardSession(agent: agentName, tier: "tier1", caseID: alert.id)
        session.observe(alert: alert)
        var runs: [TierRun] = []
        var level = 1
        while let definition = tiers[level] {
            if level > 1 { session = session.escalated(to: definition.guardTier, agent: agentName) }
            let run = await loop.run(definition, alert: alert, playbook: playbook, prior: runs, session: session)
            runs.append(run)
            guard run.handoff == nil, let answer = run.answer, answer.disposition == .escalated else { break }
            // Tier 1 passes every escalation on; Tier 2 passes on incidents, and leaves the unknown to people.
            let next = level == 1 || answer.classification == .truePositive ? level + 1 : nil
            guard let next, next <= maxTier, tiers[next] != nil else { break }
            level = next
        }

        let answered = runs.compactMap(\.answer)
        let last = runs.last
        var evidence: [Evidence] = []
        var attack: [String] = []
        for answer in answered {
            for item in answer.evidence where !evidence.contains(item) { evidence.append(item) }
            for id in answer.attack where !attack.contains(id) { attack.append(id) }
        }
        var usage = ModelUsage()
        for run in runs { usage.add(run.usage) }
        let calls = runs.flatMap(\.calls)
        let tierReached = last?.tier ?? 1

        var verdict: Verdict
        let handoff = last?.handoff
        if let handoff {
            let prior =
                answered.last.map { " Tier \(runs.last(where: { $0.answer != nil })?.tier ?? 1) found: \($0.summary)" }
                ?? ""
            verdict = Verdict(
                alertID: alert.id, classification: answered.last?.classification ?? .unknown, disposition: .escalated,
                confidence: answered.last?.confidence ?? 0, tier: tierReached,
                summary:
                    "Handed to a person at tier \(tierReached): \(handoff.reason.description). Follow the runbook \(handoff.runbook.title)\(handoff.runbook.path.map { " (\($0))" } ?? "").\(prior)",
                evidence: evidence, attack: attack)
        } else if let answer = answered.last {
            verdict = Verdict(
                alertID: alert.id, classification: answer.classification, disposition: answer.disposition,
                confidence: answer.confidence, tier: tierReached, summary: answer.summary, evidence: evidence,
                attack: attack)
        } else {
            verdict = Verdict(
                alertID: alert.id, classification: .unknown, disposition: .escalated, confidence: 0, tier: tierReached,
                summary: "Escalated: no tier answered; a person must triage this alert.")
        }
        if verdict.disposition == .closed && !session.mayAutoClose {
            verdict.classification = .unknown
            verdict.disposition = .escalated
            verdict.summary =
                "Looks benign to the model (\(verdict.summary)), but content in this case held a prompt injection, so a person must close it."
        }

        // Tier 3's containment proposals go to people through the Guard; none is executed.
        var timeline: [TimelineEntry] = []
        var narrative: String?
        if let forensic = runs.last(where: { $0.tier >= 3 })?.answer {
            timeline = forensic.timeline
            narrative = forensic.narrative
            for proposal in forensic.containment {
                var action = proposal
                switch try await host.propose(
                    server: proposal.server, tool: proposal.tool, arguments: proposal.arguments,
                    rationale: proposal.rationale, in: session)
                {
                case .pendingApproval(let approval):
                    // A request filed before (a re-triage) may already be decided.
                    switch approval.status {
                    case .denied: action.status = .denied
                    case .approved: action.status = .approved
                    case .used: action.status = .executed
                    case .pending, .expired: action.status = .pendingApproval
                    }
                    action.approvalID = approval.id
                case .denied(let decision):
                    action.status = .denied
                    action.rationale += " (refused by policy rule \(decision.rule))"
                }
                verdict.actions.append(action)
            }
        }
        verdict.toolCalls = calls.count
        verdict.usage = usage
        let record = Case.of(
            alert, verdict: verdict, timeline: timeline, quarantined: session.isQuarantined, calls: calls,
            playbook: playbook, narrative: narrative, handoff: handoff, now: clock.now())
        return Assessment(verdict: verdict, record: record, calls: calls)
    }
}
