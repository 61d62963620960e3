import Foundation
import Synchronization

/// Lets a run over many alerts stop between alerts on SIGINT or SIGTERM rather than die in the middle of one:
/// the first signal stops the reading of alerts, the investigations under way finish, their verdicts are written
/// whole and their cases saved, and the audit log is closed with a signed checkpoint; then `end()` ends the
/// process by the same signal, so that a shell's loop stops as it would have. A second signal ends the process
/// at once (the default action, restored by the first). Reading from a pipe or a terminal that is quiet, the stop
/// does not wait for the next line: triage stops reading (within 100 ms), and what it read and did not triage is
/// kept (`AlertStream.remainder`).
///
/// The handler is installed with `sigaction` (a dispatch source registers later, on another thread, and a signal
/// in between would be lost), with `SA_RESTART` so that no read or write is cut short by it, and does only what
/// is safe in a signal handler: an atomic store, `sigaction` and `write(2)`, nothing that allocates.
enum GracefulStop {
    private static let requested = Atomic<Int32>(0)
    private static let message = Array(
        "vigil: stopping after the investigations under way (send the signal again to stop at once)\n".utf8)

    /// Whether a signal asked the run to stop.
    static var isRequested: Bool { requested.load(ordering: .acquiring) != 0 }

    /// The signal that asked the run to stop, or 0.
    static var signal: Int32 { requested.load(ordering: .acquiring) }

    static func install() {
        _ = requested.load(ordering: .relaxed)  // initialised before a handler can run
        _ = message.count
        var action = sigaction()
        action.__sigaction_handler.sa_handler = onSignal
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(SA_RESTART)
        // A signal ignored when the process started stays ignored (a shell's background job ignores SIGINT).
        if !isIgnored(SIGINT) { sigaction(SIGINT, &action, nil) }
        if !isIgnored(SIGTERM) { sigaction(SIGTERM, &action, nil) }
    }

    /// After a stop: ends the process by the signal that asked for it (the default action), once the caller has
    /// said what it finished and flushed its output. (Not `fflush(nil)` here: it takes the lock of every stream,
    /// stdin's among them, which a read of alerts waiting for input holds; triage writes its output unbuffered.)
    static func end() -> Never {
        let signalNumber = signal
        var action = sigaction()
        action.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&action.sa_mask)
        sigaction(signalNumber, &action, nil)
        // To this thread, so that it takes effect before `raise` returns (`kill` could let another thread take it
        // while this one exits with a status instead). A thread of the concurrency pool has every asynchronous
        // signal blocked (libdispatch's workers do), so the signal is unblocked here first: blocked, it would stay
        // pending and the process would end with a status, which a shell's loop does not take for a signal.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, signalNumber)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        raise(signalNumber)
        _exit(128 + signalNumber)  // the signal was blocked or ignored after all
    }

    /// Whether `signalNumber`'s action is SIG_IGN. Safe in a signal handler (`sigaction` is).
    private static func isIgnored(_ signalNumber: Int32) -> Bool {
        var current = sigaction()
        sigaction(signalNumber, nil, &current)
        guard let handler = current.__sigaction_handler.sa_handler else { return false }  // SIG_DFL
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    private static let onSignal: @convention(c) (Int32) -> Void = { signalNumber in
        GracefulStop.requested.store(signalNumber, ordering: .releasing)
        // The default action again for both signals, so that a second one stops at once.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&action.sa_mask)
        if !isIgnored(SIGINT) { sigaction(SIGINT, &action, nil) }
        if !isIgnored(SIGTERM) { sigaction(SIGTERM, &action, nil) }
        GracefulStop.message.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// `alerts` until a signal asks the run to stop.
    struct Until<Base: Sequence>: Sequence {
        let base: Base

        struct Iterator: IteratorProtocol {
            var base: Base.Iterator
            mutating func next() -> Base.Element? { GracefulStop.isRequested ? nil : base.next() }
        }

        func makeIterator() -> Iterator { Iterator(base: base.makeIterator()) }
    }
}
