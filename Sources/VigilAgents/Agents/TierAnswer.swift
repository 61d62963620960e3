import VigilCore

/// What a tier answers, through its `submit_verdict` tool. The schema is validated first, then the
/// meaning: every cited call id must be a call this case made, ATT&CK ids must be in the catalog, a
/// closed alert must be a false positive. An answer that fails either is sent back once with the
/// error; a second failure hands the alert to a human.
public struct TierAnswer: Sendable, Hashable {
    public var classification: Verdict.Classification
    public var disposition: Verdict.Disposition
    public var confidence: Double
    public var summary: String
    public var evidence: [Evidence]
    public var attack: [String]
    /// Tier 3: the attack as it happened.
    public var timeline: [TimelineEntry]
    /// Tier 3: containment steps for people to approve (`server.tool`, arguments, rationale).
    public var containment: [ProposedAction]
    /// Tier 3: the incident narrative for the report.
    public var narrative: String?

    /// The name of the tool through which a tier answers.
    public static let submitTool = "submit_verdict"

    /// The answer's schema for a tier: tiers 1 and 2 classify and decide; tier 3 adds the timeline,
    /// containment proposals and the narrative.
    public static func schema(tier: Int) -> JSONSchema {
        let evidence = JSONSchema.object(properties: [
            .field("claim", .string(.init(minLength: 1, maxLength: 600)), "One finding, in a sentence."),
            .field(
                "tool_call_ids", .array(.string(.init(minLength: 1, maxLength: 120)), minItems: 1, maxItems: 20),
                "The call_id of every tool result the claim rests on."),
        ])
        var properties: [JSONSchema.Property] = [
            .field(
                "classification", .oneOf(Verdict.Classification.allCases.map(\.rawValue)),
                "false_positive: benign activity; true_positive: a real incident; unknown: cannot tell."),
            .field(
                "disposition", .oneOf(["closed", "escalated"]),
                "closed: nothing to do (false positives only); escalated: the next tier or a person takes over."),
            .field("confidence", .number(minimum: 0, maximum: 1), "How sure the classification is, 0 to 1."),
            .field("summary", .string(.init(minLength: 1, maxLength: 1500)), "The verdict in two or three sentences."),
            .field("evidence", .array(evidence, minItems: 1, maxItems: 30), "The claims the verdict rests on."),
            .optional(
                "attack", .array(.string(.init(minLength: 5, maxLength: 12)), maxItems: 20),
                "MITRE ATT&CK technique ids (T1078.004) the activity matches."),
        ]
        if tier >= 3 {
            let entry = JSONSchema.object(properties: [
                .field("time", .dateTime, "When it happened (RFC 3339)."),
                .field("summary", .string(.init(minLength: 1, maxLength: 600)), "What happened."),
                .optional("technique", .nullable(.string(.init(minLength: 5, maxLength: 12))), "ATT&CK technique id."),
                .field(
                    "tool_call_ids", .array(.string(.init(minLength: 1, maxLength: 120)), minItems: 1, maxItems: 20),
                    "The calls that show it."),
            ])
            let action = JSONSchema.object(properties: [
                .field(
                    "tool", .string(.init(minLength: 3, maxLength: 120)), "SERVER.TOOL, e.g. identity.suspend_user."),
                .field("arguments", .map(.any), "The tool's arguments."),
                .field(
                    "rationale", .string(.init(minLength: 1, maxLength: 600)), "Why this step contains the incident."),
            ])
            properties += [
                .field("timeline", .array(entry, minItems: 1, maxItems: 100), "The attack in time order."),
                .field("containment", .array(action, maxItems: 20), "Containment steps for a person to approve."),
                .field(
                    "narrative", .string(.init(minLength: 1, maxLength: 6000)), "The incident narrative for the report."
                ),
            ]
        }
        return .object(properties: properties)
    }

    /// Validates a submitted answer. `calls`: the ids of the calls this case made whose results the
    /// model saw; `tools`: every `server.tool` a proposal may name; `schemas`: their input schemas, which a
    /// proposal's arguments must fit (a call that could not run is no step for a person to approve).
    public static func validate(
        _ value: JSONValue, tier: Int, calls: Set<String>, tools: Set<String>, schemas: [String: JSONValue] = [:],
        catalog: AttackCatalog = .enterprise
    ) -> Result<TierAnswer, TierAnswerError> {
        do {
            try schema(tier: tier).validate(value)
        } catch {
            return .failure(TierAnswerError("the answer does not match the schema: \(error)"))
        }
        func cited(_ ids: [String], _ where_: String) -> TierAnswerError? {
            let unknown = ids.filter { !calls.contains($0) }
            guard !unknown.isEmpty else { return nil }
            return TierAnswerError(
                "\(where_) cites \(unknown.map { "'\($0)'" }.joined(separator: ", ")), which is not the call_id of any tool result in this case (known: \(calls.sorted().prefix(30).joined(separator: ", ")))"
            )
        }
        let classification = Verdict.Classification(rawValue: value["classification"]?.stringValue ?? "")!
        let disposition = Verdict.Disposition(rawValue: value["disposition"]?.stringValue ?? "")!
        if disposition == .closed && classification != .falsePositive {
            return .failure(
                TierAnswerError("only a false_positive may be closed; escalate a \(classification.rawValue)"))
        }
        var evidence: [Evidence] = []
        for (index, item) in (value["evidence"]?.arrayValue ?? []).enumerated() {
            let ids = item["tool_call_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if let problem = cited(ids, "evidence[\(index)]") { return .failure(problem) }
            evidence.append(Evidence(claim: item["claim"]?.stringValue ?? "", toolCallIDs: ids))
        }
        var attack: [String] = []
        for id in value["attack"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            guard let technique = catalog.technique(id: id) else {
                return .failure(TierAnswerError("attack: '\(id)' is not an ATT&CK enterprise technique id"))
            }
            if !attack.contains(technique.id) { attack.append(technique.id) }
        }
        var timeline: [TimelineEntry] = []
        for (index, item) in (value["timeline"]?.arrayValue ?? []).enumerated() {
            let ids = item["tool_call_ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if let problem = cited(ids, "timeline[\(index)]") { return .failure(problem) }
            let technique = item["technique"]?.stringValue
            if let technique, catalog.technique(id: technique) == nil {
                return .failure(
                    TierAnswerError("timeline[\(index)].technique: '\(technique)' is not an ATT&CK technique id"))
            }
            guard let time = Timestamp(rfc3339: item["time"]?.stringValue ?? "") else {
                return .failure(TierAnswerError("timeline[\(index)].time is not an RFC 3339 time"))
            }
            timeline.append(
                TimelineEntry(
                    time: time, summary: item["summary"]?.stringValue ?? "",
                    technique: technique.map { $0.uppercased() },
                    toolCallIDs: ids))
        }
        var containment: [ProposedAction] = []
        for (index, item) in (value["containment"]?.arrayValue ?? []).enumerated() {
            let tool = item["tool"]?.stringValue ?? ""
            let parts = tool.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, tools.contains(tool) else {
                return .failure(
                    TierAnswerError("containment[\(index)].tool: '\(tool)' is not SERVER.TOOL of a connected server"))
            }
            let arguments = item["arguments"]?.objectValue ?? [:]
            if let schema = schemas[tool], let problem = ToolArguments.problem(arguments, schema: schema) {
                return .failure(
                    TierAnswerError(
                        "containment[\(index)].arguments: \(problem); \(ToolArguments.signature(tool, schema: schema)) takes them"
                    ))
            }
            containment.append(
                ProposedAction(
                    server: parts[0], tool: parts[1], arguments: arguments,
                    rationale: item["rationale"]?.stringValue ?? ""
                ))
        }
        return .success(
            TierAnswer(
                classification: classification, disposition: disposition,
                confidence: value["confidence"]?.doubleValue ?? 0, summary: value["summary"]?.stringValue ?? "",
                evidence: evidence, attack: attack, timeline: timeline.sorted { $0.time < $1.time },
                containment: containment, narrative: value["narrative"]?.stringValue))
    }
}

public struct TierAnswerError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
