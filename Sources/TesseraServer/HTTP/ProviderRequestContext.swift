public import Hummingbird
public import NIOCore

/// The request context of every provider endpoint: Hummingbird's basics plus the peer address,
/// which login throttling counts attempts by.
public struct ProviderRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address: the client, unless it is a trusted proxy (see ``ClientAddressResolver``).
    var peerAddress: IPAddress? {
        remoteAddress?.ipAddress.flatMap(IPAddress.init)
    }
}
