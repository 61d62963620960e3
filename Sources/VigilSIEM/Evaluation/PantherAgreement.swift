import VigilCore

/// How far Vigil's rules agree with Panther's own rule tests: for every Vigil rule that names the Panther
/// detections covering the same behaviour (`panther_rules`), the rule runs on each of their test events
/// and its result is compared with the expected one.
public struct PantherAgreement: Sendable {
    public struct Row: Sendable {
        public var vigilRule: String
        public var pantherRules: [String]
        /// Tests expected to fire, and how many the Vigil rule caught.
        public var positives = 0
        public var caught = 0
        /// Tests expected not to fire, and how many the Vigil rule left alone.
        public var negatives = 0
        public var leftAlone = 0
    }

    public var rows: [Row]
    /// Panther detections with tests that no Vigil rule covers, by log type.
    public var gaps: [LogType: [String]]

    /// One Panther rule test (a line of `../shared/data/panther-tests/*.jsonl`).
    public struct Test: Sendable {
        public var ruleID: String
        public var logType: LogType
        public var expected: Bool
        public var log: JSONValue

        public init?(_ line: JSONValue, logType: LogType) {
            guard let ruleID = line["rule_id"]?.stringValue, let expected = line["expected_result"]?.boolValue,
                let log = line["log"], case .object = log
            else { return nil }
            self.ruleID = ruleID
            self.logType = logType
            self.expected = expected
            self.log = log
        }
    }

    public static func measure(rules: [SigmaRule], tests: [Test]) -> PantherAgreement {
        var rows: [Row] = []
        var covered = Set<String>()
        for rule in rules where !rule.pantherRules.isEmpty {
            var row = Row(vigilRule: rule.title, pantherRules: rule.pantherRules)
            covered.formUnion(rule.pantherRules)
            for test in tests where rule.pantherRules.contains(test.ruleID) && test.logType == rule.logType {
                let fired = rule.matches(test.log)
                if test.expected {
                    row.positives += 1
                    if fired { row.caught += 1 }
                } else {
                    row.negatives += 1
                    if !fired { row.leftAlone += 1 }
                }
            }
            rows.append(row)
        }
        var gaps: [LogType: Set<String>] = [:]
        for test in tests where !covered.contains(test.ruleID) { gaps[test.logType, default: []].insert(test.ruleID) }
        return PantherAgreement(rows: rows, gaps: gaps.mapValues { $0.sorted() })
    }
}
