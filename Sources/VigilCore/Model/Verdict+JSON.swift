extension Verdict {
    /// The verdict as `vigil triage` writes it (one object per alert; keys as in the design).
    public var json: JSONValue {
        [
            "alert_id": .string(alertID), "classification": .string(classification.rawValue),
            "disposition": .string(disposition.rawValue), "confidence": .double((confidence * 1000).rounded() / 1000),
            "tier": .int(Int64(tier)), "summary": .string(summary),
            "evidence": .array(
                evidence.map {
                    ["claim": .string($0.claim), "tool_call_ids": .array($0.toolCallIDs.map(JSONValue.string))]
                }),
            "attack": .array(attack.map(JSONValue.string)),
            "actions": .array(
                actions.map {
                    [
                        "server": .string($0.server), "tool": .string($0.tool), "arguments": .object($0.arguments),
                        "rationale": .string($0.rationale), "status": .string($0.status.rawValue),
                        "approval_id": $0.approvalID.map(JSONValue.string) ?? .null,
                    ]
                }),
            "duration_ms": .int(durationMilliseconds), "tool_calls": .int(Int64(toolCalls)),
            "usage": [
                "turns": .int(Int64(usage.turns)), "input_tokens": .int(Int64(usage.inputTokens)),
                "output_tokens": .int(Int64(usage.outputTokens)),
                "cache_read_tokens": .int(Int64(usage.cacheReadTokens)),
                "cache_write_tokens": .int(Int64(usage.cacheWriteTokens)),
            ],
        ]
    }
}
