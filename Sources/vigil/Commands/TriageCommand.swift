import ArgumentParser
import Foundation
import Logging
import Synchronization
import VigilAgents
import VigilCore
import VigilGuard

struct TriageCommand: AsyncVigilCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Investigate alerts and write one verdict (JSON) per alert, in input order.",
        discussion: """
            Reads alerts (generic v1, OCSF Detection Finding or Panther; one object, an array or JSON \
            Lines) from FILE or - (stdin). Each alert is investigated by its playbook through the MCP \
            servers, every tool call passing the Guard (policy, rate limits, audit log, injection scan). \
            The offline playbook reasoner needs no key and no network; --provider anthropic|openai runs \
            the model tiers (docs/agents.md). Cases and their reports go to the case store (agents.cases) \
            for `vigil report`. With the lab backends, the lab world holds alerts 0..<--lab-alerts of \
            --lab-seed (lab.alert_seed): triage alerts from that stream (`vigil lab alerts --count N \
            --seed S` with N ≤ --lab-alerts).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var backends: BackendOptions
    @OptionGroup var agents: AgentOptions

    @Argument(help: ArgumentHelp("Alerts file, or - for stdin.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Case store (default: agents.cases).", valueName: "path"))
    var cases: String?

    @Flag(name: .long, help: "Write a readable summary of each verdict to stderr.")
    var explain = false

    func validate() throws {
        try InputFile.requireStandardInputOnce([
            (file, file), ("--alerts \(backends.alerts ?? "")", backends.alerts),
            ("--config \(global.config ?? "")", global.config),
        ])
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        var configuration = agents.apply(to: configuration)
        if let cases { configuration.agents.cases = cases }
        let alerts = try AlertStream(path: file)
        // Before the stack starts: a signal while it starts stops the run before its first alert, and the audit
        // log is still closed with a checkpoint.
        GracefulStop.install()
        let stack = try await AgentStack.start(configuration, global: global, backends: backends, logger: logger)
        let store = try await CaseSink.open(configuration.agents.cases, after: stack)
        let explain = self.explain
        var written = 0
        var out = StdoutWriter()
        // Reading stops at a signal, or once stdout is gone (nobody reads the verdicts): the investigations under way
        // finish, and nothing more is read, even from a quiet feed.
        let outputGone = Atomic<Bool>(false)
        try await stack.run(
            GracefulStop.Until(base: alerts), concurrency: agents.concurrency, saving: store,
            drift: configuration.guardrails.drift,
            stop: { GracefulStop.isRequested || outputGone.load(ordering: .relaxed) }
        ) { _, assessment in
            let verdict = assessment.verdict
            // Each verdict leaves as soon as it is reached (one write, no buffer): a reader of a live feed sees it at
            // once, and a crash cannot take back one already in the audit log and the case store.
            var line: [UInt8] = []
            verdict.json.write(to: &line)
            line.append(0x0A)
            out.write(line)
            out.flush()
            if out.closed {
                outputGone.store(true, ordering: .relaxed)
            } else {
                written += 1
            }
            if explain {
                Console.note(
                    "\(TerminalText.inert(verdict.alertID)): \(verdict.classification.rawValue), \(verdict.disposition.rawValue) (\(Int(verdict.confidence * 100))%): \(TerminalText.inert(verdict.summary))"
                )
            }
        }
        // The rate limits as the run left them: all of them with --explain, else only a server that asked to wait.
        let now = Timestamp(Date())
        let levels = stack.rateLevels.filter { explain || ($0.blockedUntil.map { $0 > now } ?? false) }
        if !levels.isEmpty {
            Console.note("rate limits: " + AgentStack.describe(levels, now: now).joined(separator: "; "))
        }
        for (bucket, count) in stack.rateLimited.sorted(by: { $0.key < $1.key }) {
            Console.warning(
                "\(count) tool call\(count == 1 ? " was" : "s were") refused by the rate limit of \(bucket) (the next token, or the end of the server's Retry-After, was over 30 s away); the alerts that needed them were escalated rather than closed. If \(bucket) allows more, raise guard.rate_limits.\"\(bucket)\"; if it asked to wait, triage those alerts again later."
            )
        }
        if GracefulStop.isRequested {
            if let reason = out.failure { Console.error("cannot write to standard output: \(reason)") }
            Console.error(
                "stopped by a signal after \(written) verdicts (their cases saved, the audit log closed); alerts after them, if any, were not triaged"
            )
            GracefulStop.end()
        }
        if let reason = out.failure {
            throw .cannotCreate(
                "cannot write to standard output: \(reason); triage stopped reading after \(written) verdicts written (the cases of all it triaged saved, in the audit log)"
            )
        }
        // Stopped because nobody reads the verdicts: a read of the input may still be under way on its own thread,
        // so its counts are not looked at.
        if outputGone.load(ordering: .relaxed) { return }
        if alerts.count == 0 && alerts.problems == 0 { Console.note("\(file): no alerts to triage") }
        if alerts.problems > 0 {
            throw .invalidInput(
                "\(alerts.problems) of the input's records were not alerts (see above); the \(alerts.count) others were triaged"
            )
        }
    }
}

/// Cases on their way to the store, saved in batches: one transaction per 64, and whatever waits at least once a
/// second (a timer, so cases reached before a quiet spell of the input are not held), so a crash loses at most the
/// last second's cases (their verdicts are on stdout and in the audit log). A save that fails on the timer is
/// reported by the next `add` or `finish`.
final class CaseSink: Sendable {
    let store: CaseStore
    private struct State {
        var pending: [Case] = []
        var history: [CaseStore.HistoryEntry] = []
        /// The history entries not yet saved, by alert id.
        var pendingHistory: [String: CaseStore.HistoryEntry] = [:]
        var failure: CaseStoreError?
    }
    private let state = Mutex(State())
    private let timer = Mutex<Task<Void, Never>?>(nil)

    init(store: CaseStore, every interval: Duration = .seconds(1)) {
        self.store = store
        let task = Task { [weak self] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return  // finished
                }
                guard let self else { return }
                self.state.withLock { state in
                    guard state.failure == nil, !state.pending.isEmpty || !state.history.isEmpty else { return }
                    do throws(CaseStoreError) {
                        try self.save(&state)
                    } catch {
                        state.failure = error
                    }
                }
            }
        }
        timer.withLock { $0 = task }
    }

    deinit { timer.withLock { $0?.cancel() } }

    static func open(_ path: String) throws(CLIError) -> CaseStore {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .cannotCreate("\(path): is a directory, expected a case store file (agents.cases, --cases)")
        }
        do {
            return try CaseStore(path: path)
        } catch {
            throw .cannotCreate(error.description)
        }
    }

    /// Opens the store once the agents have started, so that a configuration they refuse leaves no store behind;
    /// if it cannot be opened the agents are stopped (their audit log closed) before the error is thrown.
    static func open(_ path: String, after stack: AgentStack) async throws(CLIError) -> CaseStore {
        do throws(CLIError) {
            return try open(path)
        } catch {
            await stack.shutdown()
            throw error
        }
    }

    /// Adds a case, and its verdict to the history if `entry` is given; returns the verdict the history held for
    /// that alert (saved, or waiting in this batch), which `entry` replaces.
    @discardableResult
    func add(
        _ record: Case, history entry: CaseStore.HistoryEntry? = nil
    ) throws(CaseStoreError) -> CaseStore.HistoryEntry? {
        try state.withLock { (state) throws(CaseStoreError) -> CaseStore.HistoryEntry? in
            if let failure = state.failure { throw failure }
            var previous: CaseStore.HistoryEntry?
            if let entry {
                if let waiting = state.pendingHistory[entry.alertID] {
                    previous = waiting
                } else {
                    previous = try store.historyEntry(alertID: entry.alertID)
                }
                state.history.append(entry)
                state.pendingHistory[entry.alertID] = entry
            }
            state.pending.append(record)
            if state.pending.count >= 64 { try save(&state) }
            return previous
        }
    }

    /// Saves what waits now.
    func flush() throws(CaseStoreError) {
        try state.withLock { (state) throws(CaseStoreError) in
            if let failure = state.failure { throw failure }
            try save(&state)
        }
    }

    /// Saves what waits and stops the timer.
    func finish() throws(CaseStoreError) {
        timer.withLock { $0?.cancel() }
        try flush()
    }

    private func save(_ state: inout State) throws(CaseStoreError) {
        guard !state.pending.isEmpty || !state.history.isEmpty else { return }
        try store.save(state.pending, history: state.history)
        state.pending.removeAll(keepingCapacity: true)
        state.history.removeAll(keepingCapacity: true)
        state.pendingHistory.removeAll(keepingCapacity: true)
    }
}
