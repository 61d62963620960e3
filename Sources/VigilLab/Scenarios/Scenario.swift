import VigilCore

/// A family of lab activity that ends in an alert: benign (Terraform doing what Terraform does) or
/// malicious (password spraying then a success), with the raw vendor events it produces.
public struct Scenario: Sendable {
    public var id: String
    public var label: GroundTruth.Label
    /// Relative frequency within its label.
    public var weight: Double
    /// Built to look like the other label.
    public var hard: Bool
    public var summary: String
    let build: @Sendable (inout ScenarioContext) -> AlertDraft
}

/// What a scenario produced, before the generator turns it into an alert and its ground truth.
struct AlertDraft {
    var rule: LabRule
    var title: String
    var severity: Severity? = nil
    var events: [JSONValue]
    var context: JSONObject = [:]
    /// ATT&CK techniques really used (malicious only).
    var attack: [String] = []
    var rationale: String
}
