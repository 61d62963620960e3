import Hummingbird
import NIOCore

/// The request context of Vigil's HTTP servers (`vigil serve`, `vigil mcp --http`): Hummingbird's, with the peer's
/// address (for `WrongTokenThrottle`).
public struct PeerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address as the server sees it (a proxy's, behind one).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
