import ArgumentParser
import Foundation
import Logging
import VigilAgents
import VigilCore
import VigilGuard

struct GuardDriftCommand: VigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Show the drift monitor: each rule's share of automatic closes, recent against baseline.",
        discussion: """
            Reads the verdict history `vigil triage` keeps in the case store (agents.cases) and compares, per \
            detection rule and for all rules, the share of alerts closed automatically (and of each \
            classification) in the recent window with the baseline before it (guard.drift). Lists the drifts \
            found now and the drift alerts triage runs raised within the baseline. Exit 0 when nothing \
            drifts now, 1 when something does (for a monitoring check), 66 when there is no case store.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Case store (default: agents.cases).", valueName: "path"))
    var cases: String?

    @Flag(name: .long, help: "Print one JSON object: windows, drifts now, drift alerts raised.")
    var json = false

    func validate() throws {
        if let cases, cases.isEmpty { throw ValidationError("--cases is empty; name the case store file") }
    }

    func execute(configuration: VigilConfiguration, logger: Logger) throws(CLIError) {
        let path = cases ?? configuration.agents.cases
        guard FileManager.default.fileExists(atPath: path) else {
            let parent = (path as NSString).deletingLastPathComponent
            if FileManager.default.fileExists(atPath: parent.isEmpty ? "." : parent),
                access(parent.isEmpty ? "." : parent, X_OK) != 0
            {
                throw .noInput("\(path): cannot be read (no permission to enter \(parent.isEmpty ? "." : parent))")
            }
            throw .noInput("\(path): no case store here (run `vigil triage` first, or name one with --cases)")
        }
        try InputFile.requireReadable(path, "case store")
        let settings = configuration.guardrails.drift
        let now = Timestamp(Date())
        var watch: DriftWatch
        let raised: [CaseStore.DriftAlert]
        let hasHistory: Bool
        do {
            let store = try CaseStore(readingOnly: path)
            hasHistory = store.hasHistory
            watch = try DriftWatch(settings: settings, store: store, now: now, prune: false)
            raised = try store.driftAlerts(
                since: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Int64(settings.baselineDays) * 86_400_000))
        } catch {
            throw .noInput(error.description)
        }
        var monitor = watch.monitor
        let windows = monitor.windows(at: now)
        let drifts = monitor.check(at: now)
        if json {
            let object: JSONValue = [
                "at": .string(now.description), "enabled": .bool(settings.enabled),
                "recent_minutes": .int(Int64(settings.recentMinutes)), "baseline_days": .int(Int64(settings.baselineDays)),
                "threshold": .double(settings.threshold), "min_recent": .int(Int64(settings.minimumRecent)),
                "min_baseline": .int(Int64(settings.minimumBaseline)), "windows": .array(windows.map(\.json)),
                "drifts": .array(drifts.map(\.json)),
                "raised": .array(raised.map { .object($0.json) }),
            ]
            print(object.serialized())
        } else {
            print(
                Self.render(
                    windows: windows, drifts: drifts, raised: raised, settings: settings, path: path, hasHistory: hasHistory),
                terminator: "")
        }
        if !drifts.isEmpty {
            throw .invalidInput(
                "the verdict mix is drifting: \(drifts.count) share\(drifts.count == 1 ? "" : "s") moved beyond \(settings.threshold) standard errors (above); review the recent cases with `vigil report --list`"
            )
        }
    }

    static func render(
        windows: [DriftMonitor.Window], drifts: [DriftMonitor.Drift], raised: [CaseStore.DriftAlert],
        settings: VigilConfiguration.Guardrails.Drift, path: String, hasHistory: Bool = true
    ) -> String {
        var out =
            "Drift monitor over \(path): the last \(settings.recentMinutes) minutes against the \(settings.baselineDays) days before.\n"
        if !settings.enabled { out += "guard.drift.enabled is false: triage adds nothing to the history now.\n" }
        out += "\n"
        guard !windows.isEmpty else {
            return out
                + (hasHistory
                    ? "No verdicts in the window or the baseline yet.\n"
                    : "This store has no verdict history yet: the next `vigil triage` adds it.\n")
        }
        func share(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "—" : "\(Int((Double(part) / Double(whole) * 100).rounded()))%"
        }
        let tp = Verdict.Classification.truePositive.rawValue
        let rows = windows.map { w in
            [
                w.rule == "*" ? "all rules" : w.rule, "\(w.recent)", share(w.recentClosed, w.recent),
                share(w.recentClassifications[tp, default: 0], w.recent), "\(w.baseline)",
                share(w.baselineClosed, w.baseline), share(w.baselineClassifications[tp, default: 0], w.baseline),
                w.compared ? "yes" : "too few",
            ]
        }
        out += Table.render(
            header: ["rule", "window", "closed", "true pos.", "baseline", "closed", "true pos.", "compared"], rows: rows)
        out +=
            "\n\nA rule is compared once its window holds \(settings.minimumRecent) verdicts and its baseline \(settings.minimumBaseline); a share (closed, or each classification: --json has them all) drifts when it moves by \(settings.threshold) standard errors and by at least 5 verdicts.\n"
        out += "\nDrifting now: " + (drifts.isEmpty ? "nothing.\n" : "\(drifts.count)\n")
        for drift in drifts { out += "- \(drift)\n" }
        out += "\nDrift alerts raised by triage in the last \(settings.baselineDays) days: "
        out += raised.isEmpty ? "none.\n" : "\(raised.count)\n"
        // Newest first; within a moment, all rules before single rules.
        let shown = raised.sorted {
            ($0.raisedAt.millisecondsSinceEpoch, $0.drift.rule == "*" ? 1 : 0)
                > ($1.raisedAt.millisecondsSinceEpoch, $1.drift.rule == "*" ? 1 : 0)
        }
        for alert in shown.prefix(20) { out += "- \(alert.raisedAt.rfc3339(fractionalSeconds: false)) \(alert.drift)\n" }
        if shown.count > 20 { out += "(\(shown.count - 20) more: --json lists them all)\n" }
        return out
    }
}
