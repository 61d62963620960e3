import Synchronization

/// Runs work one at a time, in the order it came; work whose task is cancelled while it waits does not run
/// (`CancellationError`), and leaves the line.
final class Turns: Sendable {
    private struct State {
        var busy = false
        var next = 0
        var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let state = Mutex(State())

    func take<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        let id = state.withLock { state -> Int in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Under the lock: a cancellation is flagged before its handler takes the lock, so a waiter is either
                // never added or removed by the handler.
                let turn = state.withLock { state -> Bool? in
                    if !state.busy {
                        state.busy = true
                        return true
                    }
                    if Task.isCancelled { return nil }
                    state.waiting.append((id, continuation))
                    return false
                }
                switch turn {
                case true?: continuation.resume()
                case nil: continuation.resume(throwing: CancellationError())
                case false?: break
                }
            }
        } onCancel: {
            let left = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index).continuation
            }
            left?.resume(throwing: CancellationError())
        }
        defer {
            let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if state.waiting.isEmpty {
                    state.busy = false
                    return nil
                }
                return state.waiting.removeFirst().continuation
            }
            next?.resume()
        }
        return try await work()
    }
}
