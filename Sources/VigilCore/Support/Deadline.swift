import Synchronization

/// Work raced against a deadline, without waiting for work that ignores cancellation (a task group would: it waits
/// for its children, and the value of a task cannot be given up on).
public enum Deadline {
    /// `work`'s result, or the error `late` makes once `seconds` have passed (the work is then cancelled and left
    /// behind). Cancelling the caller cancels the work and throws `CancellationError` at once.
    public static func run<T: Sendable>(
        seconds: Double, late: @escaping @Sendable () -> any Error, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        let milliseconds = seconds.isFinite ? Int64(min(max(seconds, 0), 86_400) * 1000) : 86_400_000
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(
                    continuation,
                    worker: Task {
                        do {
                            race.finish(.success(try await work()))
                        } catch {
                            race.finish(.failure(error))
                        }
                    },
                    timer: Task {
                        try? await Task.sleep(for: .milliseconds(milliseconds))
                        race.finish(.failure(late()))
                    })
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}

/// A continuation resumed once, by whichever of a piece of work, its timer and the caller's cancellation comes first;
/// the others are then cancelled.
private final class Race<T: Sendable>: Sendable {
    private let state = Mutex<
        (continuation: CheckedContinuation<T, any Error>?, tasks: [Task<Void, Never>], result: Result<T, any Error>?)
    >((nil, [], nil))

    func start(_ continuation: CheckedContinuation<T, any Error>, worker: Task<Void, Never>, timer: Task<Void, Never>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let result = state.result { return result }
            state.continuation = continuation
            state.tasks = [worker, timer]
            return nil
        }
        if let early {
            worker.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock {
            state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.result == nil else { return (nil, []) }
            state.result = result
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
