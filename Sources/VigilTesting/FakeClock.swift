import Synchronization
import VigilCore

/// A clock that stands still until told to move.
public final class FakeClock: WallClock {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp = Timestamp(rfc3339: "2026-11-02T09:00:00Z")!) {
        current = Mutex(start)
    }

    public func now() -> Timestamp { current.withLock { $0 } }

    public func advance(seconds: Int64) {
        current.withLock { $0 = $0.adding(seconds: seconds) }
    }
}

/// Identifiers `prefix-1`, `prefix-2`, … in order.
public final class SequentialIDGenerator: IDGenerator {
    private let counter = Mutex(0)

    public init() {}

    public func next(prefix: String) -> String {
        let n = counter.withLock { value -> Int in
            value += 1
            return value
        }
        return "\(prefix)\(n)"
    }
}
