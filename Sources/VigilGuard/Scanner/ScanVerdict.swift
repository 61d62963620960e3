import VigilCore

/// One reason a text looks like an injection: the feature, where it was found, and the words.
public struct ScanFinding: Sendable, Hashable {
    /// The feature: `override`, `role-marker`, `role-lines`, `tool-syntax`, `addresses-ai`,
    /// `addresses-automation`, `directive`, `model-instruction`, `prompt-leak`, `instructions-leak`, `secrecy`,
    /// `persona`, `exfiltration`, `jailbreak`, `pressure`, `verdict-steering`, `triage-directive`, `todo-task`,
    /// `instruction-in-identifier`, `tool-notice`, `detection-recon`, `classifier`, `hidden-text`, `zero-width`,
    /// `mixed-script`, `styled-letters`, `bidi-override`; prefixed `base64:`, `percent:`, `html:`, `tags:` (and the
    /// other decodings') when found in decoded or hidden text.
    public var feature: String
    /// Where in the JSON (`$.records[0].userAgent`), or `$` for plain text.
    public var path: String
    /// The matched text, normalised, at most 80 characters.
    public var excerpt: String
    /// The feature's weight in the score.
    public var weight: Double

    public var json: JSONValue {
        .object([
            "feature": .string(feature), "path": .string(path), "excerpt": .string(excerpt),
            "weight": .double((weight * 1000).rounded() / 1000),
        ])
    }
}

/// The scanner's verdict on one input: `{"injection":bool,"score":number,"findings":[…]}`.
public struct ScanVerdict: Sendable, Hashable {
    public var injection: Bool
    /// 0…1: the features' weights combined (noisy-OR).
    public var score: Double
    public var findings: [ScanFinding]
    /// The result is quarantined because the intent model did not read it (in full), not for anything found in
    /// it (`IntentReview`, `guard.intent_model.on_failure`).
    public var unread = false

    public static let clean = ScanVerdict(injection: false, score: 0, findings: [])

    /// `{"injection", "score", "findings"}`, and `"unread": true` for a result quarantined as unread.
    public var json: JSONValue {
        var object: JSONObject = [
            "injection": .bool(injection), "score": .double((score * 1000).rounded() / 1000),
            "findings": .array(findings.map(\.json)),
        ]
        if unread { object["unread"] = true }
        return .object(object)
    }
}
