import Foundation
import Synchronization

/// Lets a run over many alerts stop between alerts on SIGINT or SIGTERM rather than die in the middle of one:
/// the first signal stops the reading of alerts, the investigations under way finish, their verdicts are written
/// whole and their cases saved, and the audit log is closed with a signed checkpoint. A second signal ends the
/// process at once (the default action, restored by the first).
///
/// The handler is installed with `sigaction` (a dispatch source registers later, on another thread, and a signal
/// in between would be lost) and does only what is safe in a signal handler: an atomic store and `write(2)`.
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
        // A signal ignored when the process started stays ignored (a shell's background job ignores SIGINT).
        for signalNumber in [SIGINT, SIGTERM] where !isIgnored(signalNumber) { sigaction(signalNumber, &action, nil) }
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
        for other in [SIGINT, SIGTERM] where !isIgnored(other) { sigaction(other, &action, nil) }
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
