import Synchronization
import VigilCore
import VigilGuard

/// A tool call a tier made, as the case records it.
public struct ToolCallRecord: Sendable, Hashable {
    /// The Guard's id for the call (nil when it never reached the Guard: unknown tool, malformed arguments).
    public var callID: String?
    public var tool: String
    public var arguments: JSONObject?
    /// ok, tool_error, quarantined, denied, pending_approval, rate_limited, failed, unknown_tool,
    /// malformed_arguments.
    public var status: String
    /// What the model was shown.
    public var shown: String
}

/// One tier's work on a case.
public struct TierRun: Sendable {
    public var tier: Int
    public var answer: TierAnswer?
    public var calls: [ToolCallRecord]
    public var usage: ModelUsage
    /// Set when the watchdog took the case from the tier (budget, model failure, refusal, invalid answers).
    public var handoff: Watchdog.Handoff?
}

/// The agent loop, the same for every provider: the model chooses tool calls, Vigil runs them through
/// the Guard and answers with summarised results, until the model submits an answer that validates.
/// Unknown tools and malformed arguments are answered as errors (the model may correct itself); a
/// refusal, a provider failure, a second invalid answer or an exhausted budget stop the tier and hand
/// the case to a person with its runbook.
public struct AgentLoop: Sendable {
    public let provider: any ModelProvider
    public let host: any ToolHost
    public let watchdog: Watchdog
    public let catalog: AttackCatalog

    public init(
        provider: any ModelProvider, host: any ToolHost, watchdog: Watchdog, catalog: AttackCatalog = .enterprise
    ) {
        self.provider = provider
        self.host = host
        self.watchdog = watchdog
        self.catalog = catalog
    }

    public func run(
        _ tier: TierDefinition, alert: Alert, playbook: Playbook, prior: [TierRun], session: GuardSession
    ) async -> TierRun {
        let task = Mutex<Task<TierRun, Never>?>(nil)
        let ticket = watchdog.begin(
            caseID: session.caseID, alertID: alert.id, ruleID: alert.ruleID, title: alert.title, tier: tier.guardTier,
            budget: tier.budget, cancel: { task.withLock { $0?.cancel() } })
        let work = Task {
            await turns(tier, alert: alert, playbook: playbook, prior: prior, session: session, ticket: ticket)
        }
        task.withLock { $0 = work }
        var run = await work.value
        if run.handoff == nil, run.answer == nil {
            run.handoff = watchdog.modelFailed(ticket, "the investigation was stopped before it answered")
        }
        if let taken = watchdog.end(ticket) {
            // The sweep took the case (time budget, silence) while a turn was in flight: a person has it
            // now, so whatever the tier produced after that is discarded.
            run.answer = nil
            run.handoff = taken
        }
        return run
    }

    private func turns(
        _ tier: TierDefinition, alert: Alert, playbook: Playbook, prior: [TierRun], session: GuardSession,
        ticket: Watchdog.Ticket
    ) async -> TierRun {
        var run = TierRun(tier: tier.tier, calls: [], usage: ModelUsage())
        let offered = host.tools(forTier: tier.guardTier)
        var byName: [String: HostedTool] = [:]
        for tool in offered { byName[Briefing.toolName(server: tool.server, tool: tool.name)] = tool }
        // Tools the tier is not offered are found by the name a model would use too: such a call still
        // goes to the Guard, which refuses and audits it. (`byName` keeps the offered tool on a clash.)
        var routes = byName
        for tool in host.allTools {
            let name = Briefing.toolName(server: tool.server, tool: tool.name)
            if routes[name] == nil { routes[name] = tool }
        }
        let answerSchema = TierAnswer.schema(tier: tier.tier)
        let tools =
            offered.map {
                ModelTool(
                    name: Briefing.toolName(server: $0.server, tool: $0.name), description: $0.description,
                    inputSchema: $0.inputSchema)
            }
            + [
                ModelTool(
                    name: TierAnswer.submitTool,
                    description: "Submit the verdict of this tier. Call it once, when the facts are established.",
                    inputSchema: answerSchema.rendered)
            ]
        let known = Set(host.allTools.map(\.qualifiedName))
        let schemas = Dictionary(
            host.allTools.map { ($0.qualifiedName, $0.inputSchema) }, uniquingKeysWith: { a, _ in a })
        var seen = Set(prior.flatMap { $0.calls.compactMap(\.callID) })

        let alertJSON: JSONValue
        do {
            alertJSON = try await host.screen(Self.alertDocument(alert), source: "alert:\(alert.id)", in: session)
        } catch {
            run.handoff = watchdog.modelFailed(ticket, "the alert could not be screened: \(error)")
            return run
        }
        var messages: [ModelMessage] = [
            .user(
                Briefing.opening(
                    alert: alertJSON, playbook: playbook, prior: prior, tier: tier, tools: tools,
                    scope: OfflineReasoner.Scope(alert: alert),
                    containment: tier.tier >= 3 ? host.allTools.filter { $0.toolClass == .destructive } : []))
        ]
        var invalid = 0
        // The answer, checked. A proposal that does not fit its tool is sent back once, but is no reason to lose the
        // tier's work: on the last attempt the answer is taken without that check, and the Guard refuses the unfit
        // step (rule tool-arguments), which the verdict shows.
        func validated(_ value: JSONValue) -> Result<TierAnswer, TierAnswerError> {
            let strict = TierAnswer.validate(
                value, tier: tier.tier, calls: seen, tools: known, schemas: schemas, catalog: catalog)
            guard case .failure = strict, invalid >= 1 else { return strict }
            let lenient = TierAnswer.validate(value, tier: tier.tier, calls: seen, tools: known, catalog: catalog)
            if case .success = lenient { return lenient }
            return strict
        }
        for _ in 0..<tier.maxTurns {
            if Task.isCancelled { return run }
            let response: ModelResponse
            do {
                response = try await provider.respond(
                    to: ModelRequest(system: tier.instructions, tools: tools, messages: messages))
            } catch {
                run.handoff = watchdog.modelFailed(ticket, String(describing: error))
                return run
            }
            run.usage.add(response.usage)
            // Vendors refuse an assistant turn without content in the conversation they are sent back.
            messages.append(
                ModelMessage(
                    role: .assistant, content: response.content.isEmpty ? [.text("(no answer)")] : response.content))
            let calls = response.toolCalls
            let usage = response.usage
            if let handoff = watchdog.heartbeat(
                ticket, steps: calls.filter { $0.name != TierAnswer.submitTool }.count,
                tokens: usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens)
            {
                run.handoff = handoff
                return run
            }
            if case .refusal(let why) = response.stop {
                run.handoff = watchdog.modelFailed(
                    ticket, "the model refused: \(why.isEmpty ? "no reason given" : why)")
                return run
            }

            // The answer: through the submit tool, or (some compatible servers) as JSON text.
            var problem: String?
            var answerCall: ModelToolCall?
            if response.stop == .maxTokens, !calls.isEmpty {
                // A turn cut off at the output limit may hold calls with partial arguments: none is run.
                problem =
                    "the turn was cut off at the output token limit, so none of its calls was run; make fewer calls per turn"
            } else if let submit = calls.first(where: { $0.name == TierAnswer.submitTool }) {
                answerCall = submit
                if let arguments = submit.arguments {
                    switch validated(.object(arguments)) {
                    case .success(let answer):
                        run.answer = answer
                        return run
                    case .failure(let error): problem = error.description
                    }
                } else {
                    problem = "the \(TierAnswer.submitTool) arguments are not a JSON object: \(submit.raw.prefix(200))"
                }
            } else if calls.isEmpty {
                if response.stop == .maxTokens {
                    problem =
                        "the answer was cut off at the output token limit; be brief and call \(TierAnswer.submitTool)"
                } else if let json = Self.jsonAnswer(in: response.text) {
                    switch validated(json) {
                    case .success(let answer):
                        run.answer = answer
                        return run
                    case .failure(let error): problem = error.description
                    }
                } else {
                    problem =
                        "no tool call and no answer: call tools, or call \(TierAnswer.submitTool) with the verdict"
                }
            }

            if let problem {
                invalid += 1
                guard invalid < 2 else {
                    run.handoff = watchdog.modelFailed(ticket, "invalid answer after one retry: \(problem)")
                    return run
                }
                // Every tool call of the turn gets its answer, the invalid submission its error.
                var results: [ModelContent] = calls.map { call in
                    call.id == answerCall?.id
                        ? .toolResult(
                            id: call.id,
                            content: "Invalid answer: \(problem). Correct it and call \(TierAnswer.submitTool) again.",
                            isError: true)
                        : .toolResult(
                            id: call.id,
                            content: answerCall == nil
                                ? "Not run: \(problem)." : "Not run: the turn also submitted an answer.",
                            isError: true)
                }
                if calls.isEmpty { results = [.text("Invalid answer: \(problem).")] }
                messages.append(ModelMessage(role: .user, content: results))
                continue
            }

            // Tool calls, concurrently, answered in the order the model made them.
            let records = await execute(
                calls, byName: routes,
                offered: tools.map(\.name).joined(separator: ", "), tier: tier, session: session)
            for record in records {
                run.calls.append(record.record)
                if let id = record.record.callID { seen.insert(id) }
            }
            messages.append(
                ModelMessage(
                    role: .user,
                    content: records.map { .toolResult(id: $0.modelID, content: $0.record.shown, isError: $0.isError) })
            )
        }
        run.handoff = watchdog.modelFailed(ticket, "no valid answer within \(tier.maxTurns) model turns")
        return run
    }

    private struct Executed: Sendable {
        var modelID: String
        var record: ToolCallRecord
        var isError: Bool
    }

    private func execute(
        _ calls: [ModelToolCall], byName: [String: HostedTool], offered: String, tier: TierDefinition,
        session: GuardSession
    ) async -> [Executed] {
        await withTaskGroup(of: (Int, Executed).self) { group in
            for (index, call) in calls.enumerated() {
                group.addTask {
                    (
                        index,
                        await self.execute(
                            call, byName: byName, offered: offered, tier: tier, session: session)
                    )
                }
            }
            var done: [(Int, Executed)] = []
            for await item in group { done.append(item) }
            return done.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func execute(
        _ call: ModelToolCall, byName: [String: HostedTool], offered: String, tier: TierDefinition,
        session: GuardSession
    ) async -> Executed {
        // A name the tier was not offered but a server has (a destructive tool, a tool outside the
        // allowlist) is in `byName` too: it goes to the Guard, which refuses it and records the attempt.
        guard let target = byName[call.name] else {
            return Executed(
                modelID: call.id,
                record: ToolCallRecord(
                    callID: nil, tool: call.name, arguments: call.arguments, status: "unknown_tool",
                    shown: "There is no tool named '\(call.name)'. Available: \(offered)."),
                isError: true)
        }
        let server = target.server
        let tool = target.name
        guard let arguments = call.arguments else {
            return Executed(
                modelID: call.id,
                record: ToolCallRecord(
                    callID: nil, tool: "\(server).\(tool)", arguments: nil, status: "malformed_arguments",
                    shown:
                        "The arguments of \(call.name) are not a JSON object (\(call.raw.prefix(200))). Send them again as a JSON object."
                ),
                isError: true)
        }
        do {
            let outcome = try await host.call(server: server, tool: tool, arguments: arguments, in: session)
            let (text, isError, status) = Briefing.render(
                outcome, tool: "\(server).\(tool)", cap: tier.resultCharacters)
            return Executed(
                modelID: call.id,
                record: ToolCallRecord(
                    callID: outcome.callID, tool: "\(server).\(tool)", arguments: arguments, status: status, shown: text
                ),
                isError: isError)
        } catch {
            return Executed(
                modelID: call.id,
                record: ToolCallRecord(
                    callID: nil, tool: "\(server).\(tool)", arguments: arguments, status: "failed",
                    shown: "The call could not be made: \(error)"),
                isError: true)
        }
    }

    /// The alert as the model is shown it (first events only; the SIEM holds the rest).
    static func alertDocument(_ alert: Alert) -> JSONValue {
        var document: JSONObject = [
            "id": .string(alert.id), "source": .string(alert.source), "rule_id": .string(alert.ruleID),
            "title": .string(alert.title), "severity": .string(alert.severity.rawValue),
            "created_at": .string(alert.createdAt.description),
            "mitre": .array(alert.mitre.map { .string($0.technique) }),
            "entities": .array(alert.entities.map { ["kind": .string($0.kind.rawValue), "id": .string($0.id)] }),
            "context": .object(alert.context), "events_total": .int(Int64(alert.events.count)),
            "events": .array(alert.events.prefix(3).map(\.record)),
        ]
        if let description = alert.description { document["description"] = .string(description) }
        return .object(document)
    }

    /// A JSON object in a text answer (bare, or in a ```json fence).
    static func jsonAnswer(in text: String) -> JSONValue? {
        guard let open = text.firstIndex(of: "{"), let close = text.lastIndex(of: "}"), open < close else { return nil }
        guard let value = try? JSONParser.parse(String(text[open...close])), value.objectValue != nil else {
            return nil
        }
        return value
    }
}

extension ModelUsage {
    mutating func add(_ other: ModelUsage) {
        turns += other.turns
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cacheReadTokens += other.cacheReadTokens
        cacheWriteTokens += other.cacheWriteTokens
    }
}
