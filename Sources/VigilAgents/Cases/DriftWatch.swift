import VigilCore
import VigilGuard

/// The drift monitor over a case store's verdict history, for one triage run (or one look by `vigil guard
/// drift`). It starts with the history of the baseline and the recent window, counts each verdict as it is
/// reached (an alert decided again replaces its earlier verdict), and is checked every `checkSeconds` and once
/// more at the end of a run. A drift is raised once per recent window for its rule, measure and direction,
/// across runs too: the alerts raised within the window are loaded with the history.
///
/// Rule names come from alerts, which an attacker may write: they are kept printable and short, a rule named
/// `*` is not the overall count, and past `maxRules` distinct rules the rest count as one, `(other rules)`.
public struct DriftWatch: Sendable {
    public private(set) var settings: VigilConfiguration.Guardrails.Drift
    public private(set) var monitor: DriftMonitor
    private var lastCheck: Int64
    /// Drifts raised within the recent window, by key, with when (milliseconds).
    private var raised: [String: Int64] = [:]
    /// The rule names counted so far.
    private var rules: Set<String> = []
    /// Verdicts the monitor holds from before this run.
    public private(set) var historyCount = 0

    /// The most distinct rules counted one by one.
    public static let maxRules = 1000

    /// Loads the history of the baseline and window before `now`. `prune` also deletes from the store what is
    /// older than `CaseStore.retentionDays` (triage does; `vigil guard drift` only reads).
    public init(
        settings: VigilConfiguration.Guardrails.Drift, store: CaseStore, now: Timestamp, prune: Bool = true
    ) throws(CaseStoreError) {
        self.settings = settings
        monitor = DriftMonitor(configuration: Self.monitorConfiguration(settings))
        lastCheck = now.millisecondsSinceEpoch
        if prune {
            try store.prune(
                before: Timestamp(
                    millisecondsSinceEpoch: now.millisecondsSinceEpoch - CaseStore.retentionDays * 86_400_000))
        }
        var loaded = self
        try store.forEachCount(since: monitor.horizon(at: now)) { entry, count in
            loaded.monitor.record(loaded.observation(entry), at: entry.time, count: count)
            loaded.historyCount += count
        }
        self = loaded
        let window = Int64(settings.recentMinutes) * 60_000
        for alert in try store.driftAlerts(since: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - window)) {
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

    /// The name a rule is counted under: printable, at most 120 characters, never `*` (the overall count's name
    /// in reports), and `(other rules)` once `maxRules` others are counted.
    mutating func label(_ rule: String) -> String {
        var name = String(
            String.UnicodeScalarView(
                rule.unicodeScalars.map { scalar -> Unicode.Scalar in
                    switch scalar.properties.generalCategory {
                    case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                        "?"
                    default: scalar
                    }
                }))
        if name.count > 120 { name = String(name.prefix(119)) + "…" }
        if name.isEmpty { name = "(no rule)" }
        // The names this type makes up are not an alert's to take.
        else if name == "*" || name == "(no rule)" || name == "(other rules)" || name.hasPrefix("(rule named ") {
            name = "(rule named \(name))"
        }
        if rules.contains(name) { return name }
        guard rules.count < Self.maxRules else { return "(other rules)" }
        rules.insert(name)
        return name
    }

    mutating func observation(_ entry: CaseStore.HistoryEntry) -> DriftMonitor.Observation {
        DriftMonitor.Observation(
            rule: label(entry.rule), autoClosed: entry.disposition == .closed,
            classification: entry.classification.rawValue)
    }

    static func key(_ drift: DriftMonitor.Drift) -> String {
        "\(drift.rule)\u{1F}\(drift.measure)\u{1F}\(drift.rising)"
    }

    /// Counts one verdict; `previous` is the verdict the alert had in the history, which no longer counts.
    public mutating func observe(_ entry: CaseStore.HistoryEntry, replacing previous: CaseStore.HistoryEntry? = nil) {
        if let previous { monitor.remove(observation(previous), at: previous.time) }
        monitor.record(observation(entry), at: entry.time)
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
