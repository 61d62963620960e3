import VigilCore

/// What really happened behind a lab alert. Written separately from the alert (`--labels FILE`) so
/// that nothing in the alert gives the answer away.
public struct GroundTruth: Sendable, Hashable, Codable {
    public enum Label: String, Sendable, Hashable, Codable {
        case benign
        case malicious
    }

    public var alertID: String
    public var label: Label
    /// The scenario family (`terraform_apply`, `mfa_fatigue`, …).
    public var scenario: String
    /// Activity built to look like the other label (benign that looks alarming, malicious that looks routine).
    public var hard: Bool
    /// What a correct verdict classifies it as.
    public var expectedClassification: Verdict.Classification
    /// ATT&CK techniques actually used (empty for benign activity).
    public var attack: [String]
    /// The facts that settle it, as an analyst would find them.
    public var rationale: String
    /// Tickets in the lab that bear on the alert (change requests, travel notices, incident tickets).
    public var tickets: [String]

    enum CodingKeys: String, CodingKey {
        case label, scenario, hard, attack, rationale, tickets
        case alertID = "alert_id"
        case expectedClassification = "expected_classification"
    }
}

extension GroundTruth {
    /// The label as JSON (the `--labels` line format; same keys as the `Codable` form).
    public var json: JSONValue {
        [
            "alert_id": .string(alertID), "label": .string(label.rawValue), "scenario": .string(scenario),
            "hard": .bool(hard), "expected_classification": .string(expectedClassification.rawValue),
            "attack": .array(attack.map(JSONValue.string)), "rationale": .string(rationale),
            "tickets": .array(tickets.map(JSONValue.string)),
        ]
    }
}

/// One generated alert with its ground truth and the lab records created with it.
public struct GeneratedAlert: Sendable {
    public var alert: Alert
    public var truth: GroundTruth
    /// Tickets the scenario created (a travel notice, a change request) that the ticketing platform holds.
    public var tickets: [Ticket]
}
