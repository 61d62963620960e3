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

        public init(
            recentSeconds: Int64 = 3600, baselineSeconds: Int64 = 7 * 86_400, minimumRecent: Int = 20,
            minimumBaseline: Int = 100, threshold: Double = 4
        ) {
            self.recentSeconds = recentSeconds
            self.baselineSeconds = baselineSeconds
            self.minimumRecent = minimumRecent
            self.minimumBaseline = minimumBaseline
            self.threshold = threshold
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
                "baseline_count": .int(Int64(baselineCount)), "z": .double((zScore * 100).rounded() / 100),
            ])
        }
    }

    private struct Bucket {
        var total = 0
        var autoClosed = 0
        var classifications: [String: Int] = [:]

        mutating func add(_ o: Observation) {
            total += 1
            if o.autoClosed { autoClosed += 1 }
            classifications[o.classification, default: 0] += 1
        }

        mutating func merge(_ other: Bucket) {
            total += other.total
            autoClosed += other.autoClosed
            for (k, v) in other.classifications { classifications[k, default: 0] += v }
        }
    }

    public let configuration: Configuration
    /// Per rule (and `*`), per minute: counts.
    private var buckets: [String: [Int64: Bucket]] = [:]

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Counts one verdict at `time`.
    public mutating func record(_ observation: Observation, at time: Timestamp) {
        let minute = time.millisecondsSinceEpoch / 60_000
        buckets[observation.rule, default: [:]][minute, default: Bucket()].add(observation)
        buckets["*", default: [:]][minute, default: Bucket()].add(observation)
    }

    /// One rule's (or `*`'s) counts in the recent window and in the baseline.
    public struct Window: Sendable, Hashable {
        public var rule: String
        public var recent: Int
        public var recentClosed: Int
        public var baseline: Int
        public var baselineClosed: Int
        /// Whether both hold enough verdicts for a comparison.
        public var compared: Bool

        public var json: JSONValue {
            [
                "rule": .string(rule), "recent": .int(Int64(recent)), "recent_closed": .int(Int64(recentClosed)),
                "baseline": .int(Int64(baseline)), "baseline_closed": .int(Int64(baselineClosed)),
                "compared": .bool(compared),
            ]
        }
    }

    /// The counts per rule and overall (`*` first) at `now`, without forgetting anything.
    public func windows(at now: Timestamp) -> [Window] {
        let (recentFrom, baselineFrom) = bounds(now)
        return (["*"] + buckets.keys.filter { $0 != "*" }.sorted()).compactMap { rule in
            guard let minutes = buckets[rule] else { return nil }
            let (recent, baseline) = Self.split(minutes, recentFrom: recentFrom, baselineFrom: baselineFrom)
            guard recent.total + baseline.total > 0 else { return nil }
            return Window(
                rule: rule, recent: recent.total, recentClosed: recent.autoClosed, baseline: baseline.total,
                baselineClosed: baseline.autoClosed,
                compared: recent.total >= configuration.minimumRecent && baseline.total >= configuration.minimumBaseline)
        }
    }

    /// The first minute of the recent window and of the baseline.
    private func bounds(_ now: Timestamp) -> (recent: Int64, baseline: Int64) {
        let nowMinute = now.millisecondsSinceEpoch / 60_000
        let recentFrom = nowMinute - configuration.recentSeconds / 60
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

    /// Compares the recent window with the baseline, per rule and overall, and forgets what is older
    /// than the baseline.
    public mutating func check(at now: Timestamp) -> [Drift] {
        let c = configuration
        let (recentFrom, baselineFrom) = bounds(now)
        var drifts: [Drift] = []
        for rule in buckets.keys.sorted() {
            var minutes = buckets[rule]!
            minutes = minutes.filter { $0.key >= baselineFrom }
            buckets[rule] = minutes.isEmpty ? nil : minutes
            let (recent, baseline) = Self.split(minutes, recentFrom: recentFrom, baselineFrom: baselineFrom)
            guard recent.total >= c.minimumRecent, baseline.total >= c.minimumBaseline else { continue }
            var measures: [(String, Int, Int)] = [("auto_close", recent.autoClosed, baseline.autoClosed)]
            for name in Set(recent.classifications.keys).union(baseline.classifications.keys).sorted() {
                measures.append(
                    (
                        "classification:\(name)", recent.classifications[name, default: 0],
                        baseline.classifications[name, default: 0]
                    ))
            }
            for (measure, r, b) in measures {
                let p = Double(b) / Double(baseline.total)
                let q = Double(r) / Double(recent.total)
                // The baseline share, kept off 0 and 1 so a rare event is not infinitely surprising.
                let floor = 1 / Double(baseline.total + 1)
                let ps = min(max(p, floor), 1 - floor)
                let z = (q - ps) / (ps * (1 - ps) / Double(recent.total)).squareRoot()
                if abs(z) >= c.threshold {
                    drifts.append(
                        Drift(
                            rule: rule, measure: measure, baselineShare: p, recentShare: q, recentCount: recent.total,
                            baselineCount: baseline.total, zScore: z))
                }
            }
        }
        return drifts
    }
}
