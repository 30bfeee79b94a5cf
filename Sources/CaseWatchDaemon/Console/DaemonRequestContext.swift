import Hummingbird
import NIOCore

/// The daemon's request context: Hummingbird's basic one, plus the client's address, which the console's login
/// limits failures by.
struct DaemonRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address, for the login's rate limit ("unknown" when the socket has none, e.g. a Unix socket).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
