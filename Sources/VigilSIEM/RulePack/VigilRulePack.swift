import VigilCore

/// Vigil's own Sigma rules (`Rules/vigil/`), shipped inside the binary: cloud, identity and endpoint
/// threats, each tagged with ATT&CK, covering the lab's malicious scenarios.
public enum VigilRulePack {
    /// The compiled rules; a rule of the pack that fails to load is a bug, reported in `problems`.
    public static func load(catalog: AttackCatalog = .enterprise) -> SigmaRuleSet {
        var set = SigmaRuleSet(rules: [], problems: [])
        for (name, yaml) in files {
            do {
                set.rules.append(try SigmaRuleParser.parse(yaml, origin: "vigil:\(name)", catalog: catalog))
            } catch {
                set.problems.append(SigmaRuleSet.Problem(file: "vigil:\(name)", title: nil, error: error))
            }
        }
        return set
    }
}
