/// Every scenario family the lab can generate.
public enum ScenarioCatalog {
    public static let benign: [Scenario] = BenignCloudScenarios.all + BenignIdentityScenarios.all
    public static let malicious: [Scenario] = MaliciousCloudScenarios.all + MaliciousIdentityScenarios.all
    public static let all: [Scenario] = benign + malicious

    public static func scenario(id: String) -> Scenario? { all.first { $0.id == id } }
}
