import Foundation
import VigilCore

/// Watches the verdicts for a change in their mix: per detection rule and overall, the share of
/// alerts closed automatically (and of each classification) in a recent window against a rolling
/// baseline. A sudden rise in automatic closes is what a successful injection — or a broken model —
/// looks like, so a deviation raises an alert of its own.
public struct DriftMonitor: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// The recent window compared against the baseline.
        public var recentSeconds: Int64
        /// How far back the baseline reaches (before the recent window).
        public var baselineSeconds: Int64
        /// Fewest verdicts in the recent window, and in the baseline, before a comparison is made.
        public var minimumRecent: Int
        public var minimumBaseline: Int
        /// How many standard errors a share must move to count as drift.
        public var threshold: Double
        /// Fewest verdicts by which the window's count must differ from what the baseline's share predicts: a
        /// single rare verdict (one `unknown` where the baseline had none) is not a drift, however improbable.
        public var minimumShift: Int

        public init(
            recentSeconds: Int64 = 3600, baselineSeconds: Int64 = 7 * 86_400, minimumRecent: Int = 20,
            minimumBaseline: Int = 100, threshold: Double = 4, minimumShift: Int = 5
        ) {
            self.recentSeconds = recentSeconds
            self.baselineSeconds = baselineSeconds
            self.minimumRecent = minimumRecent
            self.minimumBaseline = minimumBaseline
            self.threshold = threshold
            self.minimumShift = minimumShift
        }
    }

    /// One verdict, as the monitor counts it.
    public struct Observation: Sendable, Hashable {
        public var rule: String
        public var autoClosed: Bool
        public var classification: String

        public init(rule: String, autoClosed: Bool, classification: String) {
            self.rule = rule
            self.autoClosed = autoClosed
            self.classification = classification
        }
    }

    /// A share that moved.
    public struct Drift: Sendable, Hashable, CustomStringConvertible {
        /// The rule, or `*` for all verdicts.
        public var rule: String
        /// `auto_close` or `classification:NAME`.
        public var measure: String
        public var baselineShare: Double
        public var recentShare: Double
        public var recentCount: Int
        public var baselineCount: Int
        public var zScore: Double

        public var rising: Bool { recentShare > baselineShare }

        public var description: String {
            let pct = { (x: Double) in String(Int((x * 100).rounded())) + "%" }
            return
                "\(rule == "*" ? "all rules" : "rule \(rule)"): \(measure) \(pct(baselineShare)) → \(pct(recentShare)) (\(recentCount) recent verdicts, z = \(String(format: "%.1f", zScore)))"
        }

        public init(
            rule: String, measure: String, baselineShare: Double, recentShare: Double, recentCount: Int,
            baselineCount: Int, zScore: Double
        ) {
            self.rule = rule
            self.measure = measure
            self.baselineShare = baselineShare
            self.recentShare = recentShare
            self.recentCount = recentCount
            self.baselineCount = baselineCount
            self.zScore = zScore
        }

        /// A drift as `json` writes it; nil if `value` is not one.
        public init?(json value: JSONValue) {
            guard let rule = value["rule"]?.stringValue, let measure = value["measure"]?.stringValue,
                let baseline = value["baseline_share"]?.doubleValue, let recent = value["recent_share"]?.doubleValue,
                let recentCount = value["recent_count"]?.intValue, let baselineCount = value["baseline_count"]?.intValue,
                let z = value["z"]?.doubleValue
            else { return nil }
            self.init(
                rule: rule, measure: measure, baselineShare: baseline, recentShare: recent, recentCount: Int(recentCount),
                baselineCount: Int(baselineCount), zScore: z)
        }

        public var json: JSONValue {
            .object([
                "rule": .string(rule), "measure": .string(measure), "baseline_share": .double(baselineShare),
                "recent_share": .double(recentShare), "recent_count": .int(Int64(recentCount)),
                "baseline_count": .int(Int64(baselineCount)), "z": .double(zScore),
            ])
        }
    }

    private struct Bucket {
        var total = 0
        var autoClosed = 0
        var classifications: [String: Int] = [:]

        mutating func add(_ o: Observation, _ count: Int) {
            total += count
            if o.autoClosed { autoClosed += count }
            classifications[o.classification, default: 0] += count
        }

        /// Takes one verdict like `o` back, where it was counted; a count that would go below zero stays put.
        mutating func subtract(_ o: Observation) {
            guard total > 0, classifications[o.classification, default: 0] > 0, !o.autoClosed || autoClosed > 0 else {
                return
            }
            total -= 1
            if o.autoClosed { autoClosed -= 1 }
            classifications[o.classification]! -= 1
            if classifications[o.classification] == 0 { classifications[o.classification] = nil }
        }

        mutating func merge(_ other: Bucket) {
            total += other.total
            autoClosed += other.autoClosed
            for (k, v) in other.classifications { classifications[k, default: 0] += v }
        }

        var isEmpty: Bool { total <= 0 }
    }

    public let configuration: Configuration
    /// Per rule, per minute: counts.
    private var rules: [String: [Int64: Bucket]] = [:]
    /// All verdicts, per minute (kept apart from the rules, so a rule named `*` is only a rule).
    private var overall: [Int64: Bucket] = [:]

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Counts `count` verdicts like `observation` at `time`.
    public mutating func record(_ observation: Observation, at time: Timestamp, count: Int = 1) {
        let minute = time.millisecondsSinceEpoch / 60_000
        rules[observation.rule, default: [:]][minute, default: Bucket()].add(observation, count)
        overall[minute, default: Bucket()].add(observation, count)
    }

    /// Takes back a verdict `record` counted at `time` (the alert was decided again).
    public mutating func remove(_ observation: Observation, at time: Timestamp) {
        let minute = time.millisecondsSinceEpoch / 60_000
        guard var bucket = rules[observation.rule]?[minute], var all = overall[minute] else { return }
        let before = bucket.total
        bucket.subtract(observation)
        guard bucket.total < before else { return }  // it was not counted there
        all.subtract(observation)
        rules[observation.rule]![minute] = bucket.isEmpty ? nil : bucket
        overall[minute] = all.isEmpty ? nil : all
    }

    /// One rule's (or, as `*`, all rules') counts in the recent window and in the baseline.
    public struct Window: Sendable, Hashable {
        public var rule: String
        public var recent: Int
        public var recentClosed: Int
        public var baseline: Int
        public var baselineClosed: Int
        /// Verdicts by classification, in the window and in the baseline.
        public var recentClassifications: [String: Int]
        public var baselineClassifications: [String: Int]
        /// Whether both hold enough verdicts for a comparison.
        public var compared: Bool

        public var json: JSONValue {
            func counts(_ c: [String: Int]) -> JSONValue {
                var object: JSONObject = [:]
                for key in c.keys.sorted() { object[key] = .int(Int64(c[key]!)) }
                return .object(object)
            }
            return [
                "rule": .string(rule), "recent": .int(Int64(recent)), "recent_closed": .int(Int64(recentClosed)),
                "baseline": .int(Int64(baseline)), "baseline_closed": .int(Int64(baselineClosed)),
                "recent_classifications": counts(recentClassifications),
                "baseline_classifications": counts(baselineClassifications), "compared": .bool(compared),
            ]
        }
    }

    /// The counts overall (`*`, first) and per rule at `now`, without forgetting anything.
    public func windows(at now: Timestamp) -> [Window] {
        let (recentFrom, baselineFrom) = bounds(now)
        let scopes = [("*", overall)] + rules.keys.sorted().map { ($0, rules[$0]!) }
        return scopes.compactMap { rule, minutes in
            let (recent, baseline) = Self.split(minutes, recentFrom: recentFrom, baselineFrom: baselineFrom)
            guard recent.total + baseline.total > 0 else { return nil }
            return Window(
                rule: rule, recent: recent.total, recentClosed: recent.autoClosed, baseline: baseline.total,
                baselineClosed: baseline.autoClosed, recentClassifications: recent.classifications,
                baselineClassifications: baseline.classifications,
                compared: recent.total >= configuration.minimumRecent && baseline.total >= configuration.minimumBaseline)
        }
    }

    /// The start of the oldest minute the baseline holds at `now`: what is older does not count.
    public func horizon(at now: Timestamp) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: bounds(now).baseline * 60_000)
    }

    /// The first minute of the recent window (which holds `recentSeconds / 60` minutes, the current one last)
    /// and of the baseline before it.
    private func bounds(_ now: Timestamp) -> (recent: Int64, baseline: Int64) {
        let nowMinute = now.millisecondsSinceEpoch / 60_000
        let recentFrom = nowMinute - max(1, configuration.recentSeconds / 60) + 1
        return (recentFrom, recentFrom - configuration.baselineSeconds / 60)
    }

    private static func split(
        _ minutes: [Int64: Bucket], recentFrom: Int64, baselineFrom: Int64
    ) -> (recent: Bucket, baseline: Bucket) {
        var recent = Bucket()
        var baseline = Bucket()
        for (minute, bucket) in minutes where minute >= baselineFrom {
            if minute >= recentFrom { recent.merge(bucket) } else { baseline.merge(bucket) }
        }
        return (recent, baseline)
    }

    /// Compares the recent window with the baseline, overall and per rule, and forgets what is older than the
    /// baseline. A share drifts when the two-proportion z statistic (pooled) reaches `threshold` and the window's
    /// count differs by at least `minimumShift` verdicts from what the baseline's share predicts.
    public mutating func check(at now: Timestamp) -> [Drift] {
        let (recentFrom, baselineFrom) = bounds(now)
        overall = overall.filter { $0.key >= baselineFrom }
        var drifts = compare("*", overall, recentFrom: recentFrom, baselineFrom: baselineFrom)
        for rule in rules.keys.sorted() {
            let minutes = rules[rule]!.filter { $0.key >= baselineFrom }
            rules[rule] = minutes.isEmpty ? nil : minutes
            drifts += compare(rule, minutes, recentFrom: recentFrom, baselineFrom: baselineFrom)
        }
        return drifts
    }

    private func compare(_ rule: String, _ minutes: [Int64: Bucket], recentFrom: Int64, baselineFrom: Int64) -> [Drift] {
        let c = configuration
        let (recent, baseline) = Self.split(minutes, recentFrom: recentFrom, baselineFrom: baselineFrom)
        guard recent.total >= c.minimumRecent, baseline.total >= c.minimumBaseline else { return [] }
        var measures: [(String, Int, Int)] = [("auto_close", recent.autoClosed, baseline.autoClosed)]
        for name in Set(recent.classifications.keys).union(baseline.classifications.keys).sorted() {
            measures.append(
                ("classification:\(name)", recent.classifications[name, default: 0], baseline.classifications[name, default: 0]))
        }
        var drifts: [Drift] = []
        let n = Double(recent.total)
        let m = Double(baseline.total)
        for (measure, r, b) in measures {
            let p = Double(b) / m
            let q = Double(r) / n
            let pooled = Double(r + b) / (n + m)
            let variance = pooled * (1 - pooled) * (1 / n + 1 / m)
            guard variance > 0, abs(Double(r) - p * n) >= Double(c.minimumShift) else { continue }
            let z = (q - p) / variance.squareRoot()
            if abs(z) >= c.threshold {
                drifts.append(
                    Drift(
                        rule: rule, measure: measure, baselineShare: p, recentShare: q, recentCount: recent.total,
                        baselineCount: baseline.total, zScore: z))
            }
        }
        return drifts
    }
}
