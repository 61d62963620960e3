import Foundation

/// The source of "now". Inject it; nothing in Vigil reads the wall clock deep inside logic.
public protocol WallClock: Sendable {
    func now() -> Timestamp
}

/// The system clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Timestamp { Timestamp(Date()) }
}
