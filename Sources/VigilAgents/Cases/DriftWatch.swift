import VigilCore
import VigilGuard

/// The drift monitor over a case store's verdict history, for one triage run. It starts with the history of the
/// baseline and the recent window (older verdicts are pruned from the store), counts each verdict as it is
/// reached, and is checked every `checkSeconds` and once more at the end of the run. A drift is raised once per
/// recent window for its rule, measure and direction, across runs too: the alerts raised within the window are
/// loaded with the history.
public struct DriftWatch: Sendable {
    public let settings: VigilConfiguration.Guardrails.Drift
    private var monitor: DriftMonitor
    private var lastCheck: Int64
    /// Drifts raised within the recent window, by key, with when (milliseconds).
    private var raised: [String: Int64] = [:]
    /// Verdicts the monitor holds from before this run.
    public private(set) var historyCount = 0

    public init(
        settings: VigilConfiguration.Guardrails.Drift, store: CaseStore, now: Timestamp
    ) throws(CaseStoreError) {
        self.settings = settings
        monitor = DriftMonitor(configuration: Self.monitorConfiguration(settings))
        lastCheck = now.millisecondsSinceEpoch
        let horizon = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Self.horizonMilliseconds(settings))
        try store.pruneHistory(before: horizon)
        var monitor = self.monitor
        var count = 0
        try store.forEachVerdict(since: horizon) { entry in
            monitor.record(Self.observation(entry), at: entry.time)
            count += 1
        }
        self.monitor = monitor
        historyCount = count
        let window = Int64(settings.recentMinutes) * 60_000
        for alert in try store.driftAlerts(
            since: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - window))
        {
            raised[Self.key(alert.drift)] = alert.raisedAt.millisecondsSinceEpoch
        }
    }

    /// The monitor's configuration for `settings`.
    public static func monitorConfiguration(_ settings: VigilConfiguration.Guardrails.Drift) -> DriftMonitor.Configuration {
        DriftMonitor.Configuration(
            recentSeconds: Int64(settings.recentMinutes) * 60, baselineSeconds: Int64(settings.baselineDays) * 86_400,
            minimumRecent: settings.minimumRecent, minimumBaseline: settings.minimumBaseline,
            threshold: settings.threshold)
    }

    /// How far back the monitor looks: the baseline and the recent window.
    public static func horizonMilliseconds(_ settings: VigilConfiguration.Guardrails.Drift) -> Int64 {
        Int64(settings.baselineDays) * 86_400_000 + Int64(settings.recentMinutes) * 60_000
    }

    public static func observation(_ entry: CaseStore.HistoryEntry) -> DriftMonitor.Observation {
        DriftMonitor.Observation(
            rule: entry.rule.isEmpty ? "(no rule)" : entry.rule, autoClosed: entry.disposition == .closed,
            classification: entry.classification.rawValue)
    }

    static func key(_ drift: DriftMonitor.Drift) -> String {
        "\(drift.rule)\u{1F}\(drift.measure)\u{1F}\(drift.rising)"
    }

    /// Counts one verdict.
    public mutating func observe(_ entry: CaseStore.HistoryEntry) {
        monitor.record(Self.observation(entry), at: entry.time)
    }

    /// The drifts to raise now: none until `checkSeconds` have passed since the last check, unless `force`;
    /// then every drift not already raised within the recent window.
    public mutating func check(at now: Timestamp, force: Bool = false) -> [DriftMonitor.Drift] {
        let ms = now.millisecondsSinceEpoch
        guard force || ms - lastCheck >= Int64(settings.checkSeconds) * 1000 else { return [] }
        lastCheck = ms
        let window = Int64(settings.recentMinutes) * 60_000
        raised = raised.filter { ms - $0.value < window }
        var fresh: [DriftMonitor.Drift] = []
        for drift in monitor.check(at: now) where raised[Self.key(drift)] == nil {
            raised[Self.key(drift)] = ms
            fresh.append(drift)
        }
        return fresh
    }
}
