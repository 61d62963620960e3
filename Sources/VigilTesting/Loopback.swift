import Hummingbird
import Logging

/// Runs `router` on a free loopback port: the running server's task and the port, once it listens. Its logs are
/// dropped (stopping cancels the server, which it reports at error level: noise in tests).
func serveOnLoopback(
    _ router: Router<BasicRequestContext>, name: String
) async -> (task: Task<Void, any Error>, port: Int) {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: router,
        configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: name),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        },
        logger: Logger(label: name) { _ in SwiftLogNoOpLogHandler() })
    let task = Task { try await app.runService() }
    var bound = 0
    for await port in ports { bound = port }
    return (task, bound)
}
