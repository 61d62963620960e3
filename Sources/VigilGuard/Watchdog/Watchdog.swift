import Synchronization
import VigilCore

/// Watches every running investigation. Agents heartbeat with the steps and tokens they use; an
/// investigation that exceeds its step, token or time budget, that stops heartbeating, or whose model
/// fails is stopped (its cancel handler runs) and handed to a human with the manual runbook for its
/// alert family. Nothing automated runs without this fallback.
public final class Watchdog: Sendable {
    /// What one investigation may use.
    public struct Budget: Sendable, Hashable {
        public var steps: Int
        public var tokens: Int
        public var seconds: Double

        public init(steps: Int, tokens: Int, seconds: Double) {
            self.steps = steps
            self.tokens = tokens
            self.seconds = seconds
        }
    }

    /// Why an investigation was taken from the agents.
    public enum StopReason: Sendable, Hashable, CustomStringConvertible {
        case stepBudget(used: Int, budget: Int)
        case tokenBudget(used: Int, budget: Int)
        case timeBudget(seconds: Double, budget: Double)
        case silent(seconds: Double)
        case modelFailure(String)

        public var code: String {
            switch self {
            case .stepBudget: "step_budget"
            case .tokenBudget: "token_budget"
            case .timeBudget: "time_budget"
            case .silent: "no_heartbeat"
            case .modelFailure: "model_failure"
            }
        }

        public var description: String {
            switch self {
            case .stepBudget(let used, let budget): "used \(used) steps of a budget of \(budget)"
            case .tokenBudget(let used, let budget): "used \(used) tokens of a budget of \(budget)"
            case .timeBudget(let seconds, let budget):
                "ran \(Self.format(seconds)) s of a budget of \(Self.format(budget)) s"
            case .silent(let seconds): "no heartbeat for \(Self.format(seconds)) s"
            case .modelFailure(let message): "the model failed: \(message)"
            }
        }

        private static func format(_ s: Double) -> String { String((s * 10).rounded() / 10) }
    }

    /// An investigation handed to a human.
    public struct Handoff: Sendable {
        public var caseID: String
        public var alertID: String
        public var tier: String
        public var reason: StopReason
        public var runbook: Runbook
        public var steps: Int
        public var tokens: Int
        public var elapsedSeconds: Double
        public var at: Timestamp

        public var json: JSONValue {
            .object([
                "case_id": .string(caseID), "alert_id": .string(alertID), "tier": .string(tier),
                "reason": .string(reason.code),
                "detail": .string(reason.description), "runbook": .string(runbook.id),
                "runbook_path": runbook.path.map(JSONValue.string) ?? .null, "steps": .int(Int64(steps)),
                "tokens": .int(Int64(tokens)), "elapsed_seconds": .double(elapsedSeconds),
                "at": .string(at.description),
            ])
        }
    }

    /// An investigation being watched.
    public struct Ticket: Sendable, Hashable {
        public let id: Int
    }

    private struct Watched {
        var caseID: String
        var alertID: String
        var ruleID: String
        var title: String
        var tier: String
        var budget: Budget
        var started: Timestamp
        var lastBeat: Timestamp
        var steps = 0
        var tokens = 0
        var cancel: @Sendable () -> Void
    }

    private let runbooks: RunbookLibrary
    private let clock: any WallClock
    private let silenceSeconds: Double
    private let onHandoff: @Sendable (Handoff) -> Void
    private let state = Mutex<State>(State())

    private struct State {
        var next = 0
        var watched: [Int: Watched] = [:]
        /// Handoffs the sweep made, until the investigation's own `end` collects them.
        var taken: [Int: Handoff] = [:]
    }

    /// `silenceSeconds`: how long an investigation may go without a heartbeat. `onHandoff` receives
    /// every investigation the watchdog takes over (to record on the case and notify people).
    public init(
        runbooks: RunbookLibrary, clock: any WallClock = SystemWallClock(), silenceSeconds: Double = 120,
        onHandoff: @escaping @Sendable (Handoff) -> Void = { _ in }
    ) {
        self.runbooks = runbooks
        self.clock = clock
        self.silenceSeconds = silenceSeconds
        self.onHandoff = onHandoff
    }

    /// Starts watching an investigation. `cancel` stops it (cancels its task).
    public func begin(
        caseID: String, alertID: String, ruleID: String, title: String, tier: String, budget: Budget,
        cancel: @escaping @Sendable () -> Void
    ) -> Ticket {
        let now = clock.now()
        return state.withLock { state in
            state.next += 1
            state.watched[state.next] = Watched(
                caseID: caseID, alertID: alertID, ruleID: ruleID, title: title, tier: tier, budget: budget,
                started: now,
                lastBeat: now, cancel: cancel)
            return Ticket(id: state.next)
        }
    }

    /// Records progress. Returns the handoff if this step went over a budget, or if the investigation
    /// was already taken over (by the sweep): it is stopped and must not go on.
    @discardableResult
    public func heartbeat(_ ticket: Ticket, steps: Int = 0, tokens: Int = 0) -> Handoff? {
        let now = clock.now()
        let stopped: (Watched, StopReason)? = state.withLock { state in
            guard var w = state.watched[ticket.id] else { return nil }
            w.steps += steps
            w.tokens += tokens
            w.lastBeat = now
            let reason: StopReason?
            if w.steps > w.budget.steps {
                reason = .stepBudget(used: w.steps, budget: w.budget.steps)
            } else if w.tokens > w.budget.tokens {
                reason = .tokenBudget(used: w.tokens, budget: w.budget.tokens)
            } else {
                let elapsed = Self.seconds(from: w.started, to: now)
                reason = elapsed > w.budget.seconds ? .timeBudget(seconds: elapsed, budget: w.budget.seconds) : nil
            }
            if let reason {
                state.watched[ticket.id] = nil
                return (w, reason)
            }
            state.watched[ticket.id] = w
            return nil
        }
        guard let (w, reason) = stopped else { return state.withLock { $0.taken[ticket.id] } }
        return stop(w, reason, now)
    }

    /// The model failed (an error, refusals, invalid answers after the retry): hand the case over.
    @discardableResult
    public func modelFailed(_ ticket: Ticket, _ message: String) -> Handoff? {
        let now = clock.now()
        guard let w = state.withLock({ $0.watched.removeValue(forKey: ticket.id) }) else {
            return state.withLock { $0.taken[ticket.id] }
        }
        return stop(w, .modelFailure(message), now)
    }

    /// Whether the investigation is still the agents' (not stopped, not taken over).
    public func isWatching(_ ticket: Ticket) -> Bool { state.withLock { $0.watched[ticket.id] != nil } }

    /// The investigation ended. Returns the handoff if the sweep took it over before it ended: whatever
    /// it produced after that must be discarded.
    @discardableResult
    public func end(_ ticket: Ticket) -> Handoff? {
        state.withLock { state in
            state.watched.removeValue(forKey: ticket.id)
            return state.taken.removeValue(forKey: ticket.id)
        }
    }

    /// Stops every investigation past its time budget or silent too long. Call it periodically (`run`).
    @discardableResult
    public func sweep() -> [Handoff] {
        let now = clock.now()
        // Taken over under one lock: from the moment an investigation is no longer watched, its heartbeat
        // returns the handoff, so it cannot go on between the two.
        let expired: [(Watched, Handoff)] = state.withLock { state in
            var result: [(Watched, Handoff)] = []
            for (id, w) in state.watched.sorted(by: { $0.key < $1.key }) {
                let elapsed = Self.seconds(from: w.started, to: now)
                let silent = Self.seconds(from: w.lastBeat, to: now)
                let reason: StopReason
                if elapsed > w.budget.seconds {
                    reason = .timeBudget(seconds: elapsed, budget: w.budget.seconds)
                } else if silent > silenceSeconds {
                    reason = .silent(seconds: silent)
                } else {
                    continue
                }
                let handoff = self.handoff(w, reason, now)
                state.watched[id] = nil
                state.taken[id] = handoff
                result.append((w, handoff))
            }
            return result
        }
        for (w, handoff) in expired { finish(w, handoff) }
        return expired.map(\.1)
    }

    /// Sweeps every `interval` until the task is cancelled.
    public func run(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            sweep()
            try? await Task.sleep(for: interval)
        }
    }

    /// Investigations being watched.
    public var active: Int { state.withLock { $0.watched.count } }

    /// Stops an investigation that reported going over a budget itself (it receives the handoff).
    private func stop(_ w: Watched, _ reason: StopReason, _ now: Timestamp) -> Handoff {
        let handoff = handoff(w, reason, now)
        finish(w, handoff)
        return handoff
    }

    private func handoff(_ w: Watched, _ reason: StopReason, _ now: Timestamp) -> Handoff {
        Handoff(
            caseID: w.caseID, alertID: w.alertID, tier: w.tier, reason: reason,
            runbook: runbooks.runbook(ruleID: w.ruleID, title: w.title), steps: w.steps, tokens: w.tokens,
            elapsedSeconds: Self.seconds(from: w.started, to: now), at: now)
    }

    /// Cancels the investigation's task and hands the case to people.
    private func finish(_ w: Watched, _ handoff: Handoff) {
        w.cancel()
        onHandoff(handoff)
    }

    private static func seconds(from a: Timestamp, to b: Timestamp) -> Double {
        Double(b.millisecondsSinceEpoch - a.millisecondsSinceEpoch) / 1000
    }
}
