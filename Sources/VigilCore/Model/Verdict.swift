/// What an agent concluded about an alert. Every claim in `evidence` names the tool calls behind it.
public struct Verdict: Sendable, Hashable, Codable {
    public enum Classification: String, Sendable, Hashable, Codable, CaseIterable {
        case falsePositive = "false_positive"
        case truePositive = "true_positive"
        case unknown
    }

    public enum Disposition: String, Sendable, Hashable, Codable, CaseIterable {
        case closed
        case escalated
        case investigating
    }

    public var alertID: String
    public var classification: Classification
    public var disposition: Disposition
    /// 0 to 1.
    public var confidence: Double
    /// The highest tier that worked on the alert: 1 triage, 2 investigation, 3 forensic.
    public var tier: Int
    public var summary: String
    public var evidence: [Evidence]
    /// ATT&CK technique ids (`T1098.001`).
    public var attack: [String]
    public var actions: [ProposedAction]
    public var durationMilliseconds: Int64
    /// Tool calls made for the alert, over every tier.
    public var toolCalls: Int
    public var usage: ModelUsage

    public init(
        alertID: String, classification: Classification, disposition: Disposition, confidence: Double, tier: Int,
        summary: String, evidence: [Evidence] = [], attack: [String] = [], actions: [ProposedAction] = [],
        durationMilliseconds: Int64 = 0, toolCalls: Int = 0, usage: ModelUsage = ModelUsage()
    ) {
        self.alertID = alertID
        self.classification = classification
        self.disposition = disposition
        self.confidence = confidence
        self.tier = tier
        self.summary = summary
        self.evidence = evidence
        self.attack = attack
        self.actions = actions
        self.durationMilliseconds = durationMilliseconds
        self.toolCalls = toolCalls
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case classification, disposition, confidence, tier, summary, evidence, attack, actions, usage
        case alertID = "alert_id"
        case durationMilliseconds = "duration_ms"
        case toolCalls = "tool_calls"
    }
}

/// A claim and the ids of the tool calls whose results support it.
public struct Evidence: Sendable, Hashable, Codable {
    public var claim: String
    public var toolCallIDs: [String]

    public init(claim: String, toolCallIDs: [String]) {
        self.claim = claim
        self.toolCallIDs = toolCallIDs
    }

    enum CodingKeys: String, CodingKey {
        case claim
        case toolCallIDs = "tool_call_ids"
    }
}

/// A containment or remediation step an agent proposes. Proposals are never executed by the agent:
/// they go through the Guard's approval flow.
public struct ProposedAction: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case proposed
        case pendingApproval = "pending_approval"
        case approved
        case denied
        case executed
        case failed
    }

    public var server: String
    public var tool: String
    public var arguments: JSONObject
    public var rationale: String
    public var status: Status
    /// The approval request that holds it, once asked for.
    public var approvalID: String?

    public init(
        server: String, tool: String, arguments: JSONObject, rationale: String, status: Status = .proposed,
        approvalID: String? = nil
    ) {
        self.server = server
        self.tool = tool
        self.arguments = arguments
        self.rationale = rationale
        self.status = status
        self.approvalID = approvalID
    }

    enum CodingKeys: String, CodingKey {
        case server, tool, arguments, rationale, status
        case approvalID = "approval_id"
    }
}

/// What the model cost: turns and tokens (cache reads and writes where the provider reports them).
public struct ModelUsage: Sendable, Hashable, Codable {
    public var turns: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadTokens: Int
    public var cacheWriteTokens: Int

    public init(
        turns: Int = 0, inputTokens: Int = 0, outputTokens: Int = 0, cacheReadTokens: Int = 0, cacheWriteTokens: Int = 0
    ) {
        self.turns = turns
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWriteTokens = cacheWriteTokens
    }

    enum CodingKeys: String, CodingKey {
        case turns
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cacheReadTokens = "cache_read_tokens"
        case cacheWriteTokens = "cache_write_tokens"
    }
}
