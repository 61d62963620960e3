import VigilCore

/// Generates a stream of lab alerts with their ground truth.
///
/// Alert `i` of seed `s` depends only on `(s, i)` and the enterprise: the same seed always gives
/// byte-identical alerts, and any alert can be regenerated on its own. Alerts fall on the 28 days after
/// the enterprise epoch.
public struct AlertGenerator: Sendable {
    public static let defaultBenignRatio = 0.8
    public static let source = "vigil-lab"
    public static let windowDays = 28

    public let enterprise: Enterprise
    public let seed: UInt64
    public let benignRatio: Double
    public let scenarios: (benign: [Scenario], malicious: [Scenario])

    /// A generator over every scenario family.
    /// - Parameter benignRatio: the share of benign alerts, 0…1 (default 0.8).
    public init(enterprise: Enterprise, seed: UInt64, benignRatio: Double = AlertGenerator.defaultBenignRatio) {
        self.init(
            enterprise: enterprise, seed: seed, benignRatio: benignRatio,
            scenarios: (ScenarioCatalog.benign, ScenarioCatalog.malicious))
    }

    /// A generator over the named scenario families only (all of them when `only` is empty).
    public init(
        enterprise: Enterprise, seed: UInt64, benignRatio: Double = AlertGenerator.defaultBenignRatio, only: Set<String>
    )
        throws(UnknownScenarioError)
    {
        let unknown = only.filter { ScenarioCatalog.scenario(id: $0) == nil }
        guard unknown.isEmpty else { throw UnknownScenarioError(ids: unknown.sorted()) }
        let keep: (Scenario) -> Bool = { only.isEmpty || only.contains($0.id) }
        self.init(
            enterprise: enterprise, seed: seed, benignRatio: benignRatio,
            scenarios: (ScenarioCatalog.benign.filter(keep), ScenarioCatalog.malicious.filter(keep)))
    }

    private init(
        enterprise: Enterprise, seed: UInt64, benignRatio: Double,
        scenarios: (benign: [Scenario], malicious: [Scenario])
    ) {
        self.enterprise = enterprise
        self.seed = seed
        self.benignRatio = min(max(benignRatio, 0), 1)
        self.scenarios = scenarios
    }

    /// The `index`-th alert of this seed's stream.
    public func alert(at index: Int) -> GeneratedAlert {
        var rng = SeededGenerator(seed: SeededGenerator.mix(seed, UInt64(index)), stream: "alert")
        let wantBenign = rng.chance(benignRatio)
        let pool =
            (wantBenign && !scenarios.benign.isEmpty) || scenarios.malicious.isEmpty
            ? scenarios.benign : scenarios.malicious
        let scenario = rng.pick(weighted: pool.map { ($0, $0.weight) })
        let day = enterprise.epoch.adding(seconds: Int64(rng.below(Self.windowDays)) * 86_400)
        let alertID = rng.uuid()
        var context = ScenarioContext(enterprise: enterprise, index: index, rng: rng, day: day)
        let draft = scenario.build(&context)

        let lastEvent =
            draft.events.compactMap { NormalizedEvent.time(of: $0, logType: draft.rule.logType) }.max() ?? day
        let created = Timestamp(
            secondsSinceEpoch: lastEvent.millisecondsSinceEpoch / 1000 + Int64(context.rng.int(in: 30...420)))
        var alertContext = draft.context
        alertContext["rule_name"] = .string(draft.rule.name)
        alertContext["event_count"] = .int(Int64(draft.events.count))
        let alert = Alert(
            id: alertID, source: Self.source, ruleID: draft.rule.id, title: draft.title,
            severity: draft.severity ?? draft.rule.severity, createdAt: created, logType: draft.rule.logType,
            mitre: draft.rule.mitre.compactMap(AttackReference.init),
            events: draft.events.map { RawEvent(logType: draft.rule.logType, record: $0) }, context: alertContext)
        let truth = GroundTruth(
            alertID: alertID, label: scenario.label, scenario: scenario.id, hard: scenario.hard,
            expectedClassification: scenario.label == .benign ? .falsePositive : .truePositive,
            attack: draft.attack, rationale: draft.rationale, tickets: context.tickets.map(\.key))
        return GeneratedAlert(alert: alert, truth: truth, tickets: context.tickets)
    }

    /// Alerts `0..<count`.
    public func alerts(count: Int) -> [GeneratedAlert] { (0..<count).map(alert(at:)) }
}

/// Scenario ids that are not in the catalog.
public struct UnknownScenarioError: Error, CustomStringConvertible {
    public var ids: [String]
    public var description: String {
        "unknown lab scenario \(ids.joined(separator: ", ")) (see `vigil lab show scenarios`)"
    }
}
