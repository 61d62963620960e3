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

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where a stopped run saves the input it read and did not triage, when that is not a regular file (default: vigil-untriaged-TIME-PID.jsonl beside the case store); a new file.",
            valueName: "path"))
    var untriaged: String?

    func validate() throws {
        if let untriaged {
            // Checked before anything runs, so that a stop never finds it cannot keep what it read.
            var isDirectory: ObjCBool = false
            if untriaged.isEmpty { throw ValidationError("--untriaged is empty (name a file)") }
            if FileManager.default.fileExists(atPath: untriaged, isDirectory: &isDirectory) {
                throw ValidationError(
                    isDirectory.boolValue
                        ? "--untriaged \(untriaged): is a directory, expected a file name"
                        : "--untriaged \(untriaged): already exists (name a new file, so that nothing kept before is replaced)"
                )
            }
            let parent = URL(fileURLWithPath: untriaged).deletingLastPathComponent().path
            if !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw ValidationError("--untriaged \(untriaged): its directory \(parent) does not exist")
            }
        }
        try InputFile.requireStandardInputOnce([
            (file, file), ("--alerts \(backends.alerts ?? "")", backends.alerts),
            ("--config \(global.config ?? "")", global.config),
        ])
    }

    func execute(configuration: VigilConfiguration, logger: Logger) async throws(CLIError) {
        var configuration = agents.apply(to: configuration)
        if let cases { configuration.agents.cases = cases }
        if let untriaged {
            let path = URL(fileURLWithPath: untriaged).standardizedFileURL.path
            for (name, other) in [
                ("the case store", configuration.agents.cases), ("the audit log", configuration.audit.path),
            ]
            where URL(fileURLWithPath: other).standardizedFileURL.path == path {
                throw .usage("--untriaged \(untriaged) is \(name); name a file of its own")
            }
        }
        let alerts = try AlertStream(path: file)
        // Before the stack starts: a signal while it starts stops the run before its first alert, and the audit
        // log is still closed with a checkpoint.
        GracefulStop.install()
        let stack = try await AgentStack.start(configuration, global: global, backends: backends, logger: logger)
        let store = try await CaseSink.open(configuration.agents.cases, after: stack)
        let explain = self.explain
        var written = 0
        var emitted = 0
        var out = StdoutWriter()
        // Reading stops at a signal, or once stdout is gone (nobody reads the verdicts): the investigations under way
        // finish, and nothing more is read, even from a quiet feed; what was read and not triaged is kept.
        let outputGone = Atomic<Bool>(false)
        let failed = Atomic<Bool>(false)
        let stop: @Sendable () -> Bool = {
            GracefulStop.isRequested || outputGone.load(ordering: .relaxed) || failed.load(ordering: .relaxed)
        }
        alerts.stopRequested = stop
        alerts.keepsRemainder = true
        do {
            try await stack.run(
                GracefulStop.Until(base: alerts), concurrency: agents.concurrency, saving: store,
                drift: configuration.guardrails.drift, stop: stop
            ) { _, assessment in
                emitted += 1
                alerts.confirm(triaged: emitted)
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
        } catch {
            // The run failed (a case store that cannot be written): the investigations under way were stopped, and
            // what was read and not triaged, those alerts included, is kept as at a stop.
            failed.store(true, ordering: .relaxed)
            let left = keepUntriaged(alerts, triaged: emitted, cases: configuration.agents.cases)
            throw error.adding(" (after \(written) verdicts; \(left.message))")
        }
        // The rate limits as the run left them: all of them with --explain, else only a server that asked to wait.
        let now = Timestamp(Date())
        let levels = stack.rateLevels.filter { explain || ($0.blockedUntil.map { $0 > now } ?? false) }
        if !levels.isEmpty {
            Console.note("rate limits: " + AgentStack.describe(levels, now: now).joined(separator: "; "))
        }
        for (bucket, count) in stack.rateLimited.sorted(by: { $0.key < $1.key }) {
            Console.warning(
                "\(count) tool call\(count == 1 ? " was" : "s were") refused by the rate limit of \(bucket) (the next token, or the end of the Retry-After a server asked for, was over 30 s away); the alerts that needed them were escalated rather than closed. If \(bucket) allows more, raise guard.rate_limits.\"\(bucket)\"; if it asked to wait, triage those alerts again later."
            )
        }
        if GracefulStop.isRequested {
            if let reason = out.failure { Console.error("cannot write to standard output: \(reason)") }
            let left = keepUntriaged(alerts, triaged: emitted, cases: configuration.agents.cases)
            Console.error(
                "stopped by a signal after \(written) verdicts (their cases saved, the audit log closed); \(left.message)"
            )
            GracefulStop.end()
        }
        if let reason = out.failure {
            let left = keepUntriaged(alerts, triaged: emitted, cases: configuration.agents.cases)
            throw .cannotCreate(
                "cannot write to standard output: \(reason); triage stopped reading after \(written) verdicts written (the cases of all it triaged saved, in the audit log); \(left.message)"
            )
        }
        // Stopped because nobody reads the verdicts (the input's counts below would not be the whole input).
        if outputGone.load(ordering: .relaxed) {
            let left = keepUntriaged(alerts, triaged: emitted, cases: configuration.agents.cases)
            let message = "standard output was closed after \(written) verdicts; \(left.message)"
            if left.failed { throw .cannotCreate(message) }
            Console.note(message)
            return
        }
        if alerts.count == 0 && alerts.problems == 0 { Console.note("\(file): no alerts to triage") }
        if alerts.problems > 0 {
            throw .invalidInput(
                "\(alerts.problems) of the input's records were not alerts (see above); the \(alerts.count) others were triaged"
            )
        }
    }
}

extension TriageCommand {
    /// After a stop: keeps what was read and not triaged, and says where (`failed`: it could not be saved). From a
    /// regular file in JSON Lines it is still in the file: the line to go on from is named. Otherwise (a pipe, a
    /// terminal, or a whole document's alerts not yet triaged) it is saved as written to `--untriaged` (default:
    /// `vigil-untriaged-TIME-PID.jsonl` beside the case store), which `vigil triage` reads like any input.
    func keepUntriaged(_ alerts: AlertStream, triaged: Int, cases: String) -> (message: String, failed: Bool) {
        guard let left = alerts.remainder(triaged: triaged) else {
            return (
                "a read of the input was still under way after two seconds, so what it took from the input could not be kept",
                true
            )
        }
        let source = file == "-" ? "the standard input" : TerminalText.inert(file)
        if alerts.isRegularFile {
            // What is left is still in the file.
            if left.documentCut {
                return ("none of the alerts of \(source) were triaged: reading stopped inside its JSON document", false)
            }
            if let line = left.firstLine, !left.bytes.isEmpty || !left.inputEnded {
                let again =
                    file == "-"
                    ? "tail -n +\(line) FILE | vigil triage - …, FILE being the file it read"
                    : "tail -n +\(line) \(TerminalText.inert(Self.shellQuoted(file))) | vigil triage - …"
                return (
                    "the alerts from line \(line) of \(source) on were not triaged (to go on from there: \(again))",
                    false
                )
            }
        }
        let unread = left.inputEnded || left.documentCut ? "" : "; the input after it was not read"
        guard !left.bytes.isEmpty else {
            return (
                left.inputEnded
                    ? "the input was read to its end and all of it triaged"
                    : "nothing it read was left untriaged\(unread)",
                false
            )
        }
        let path = untriaged ?? Self.untriagedPath(besides: cases)
        let lines = left.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + (left.bytes.last == 0x0A ? 0 : 1)
        let what =
            left.documentCut
            ? "the beginning of a JSON document, \(left.bytes.count) bytes, not JSON on its own: the rest was not read"
            : "\(lines) line\(lines == 1 ? "" : "s"), \(left.bytes.count) bytes"
                + (left.cut ? "; the last one cut short where reading stopped" : "")
        do {
            // A file that appeared since the start is not replaced.
            if FileManager.default.fileExists(atPath: path) {
                throw CLIError.cannotCreate("\(path): already exists, and is not replaced")
            }
            try OutputFile.write(left.bytes, to: path)
        } catch {
            Console.error("\(error)")
            return ("what it read and did not triage (\(what)) could not be saved to \(TerminalText.inert(path))", true)
        }
        let saved = "what it read and did not triage (\(what)) is saved in \(TerminalText.inert(path))"
        if left.documentCut { return (saved, false) }
        return (saved + ": vigil triage \(TerminalText.inert(Self.shellQuoted(path))) triages it\(unread)", false)
    }

    /// `vigil-untriaged-<UTC time>-<pid>.jsonl` in the case store's directory (the time in RFC 3339's basic form,
    /// 20261207T161353Z: no colon in a file name).
    static func untriagedPath(besides cases: String) -> String {
        let time = Timestamp(Date()).rfc3339(fractionalSeconds: false).filter { $0 != "-" && $0 != ":" }
        let name = "vigil-untriaged-\(time)-\(getpid()).jsonl"
        let directory = URL(fileURLWithPath: cases).deletingLastPathComponent()
        return directory.appendingPathComponent(name).path
    }

    /// `s` as one word for a POSIX shell.
    static func shellQuoted(_ s: String) -> String {
        let plain = s.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "-_./+:@%=,".unicodeScalars.contains($0)
        }
        return plain && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
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
