import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP listener for `/metrics`: NIOHTTP1's server pipeline and `MetricsHTTPHandler`, on one
/// event-loop thread of its own. It knows nothing of the engine; `render` produces the page.
public final class MetricsServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    /// Where it listens (the port is the real one when 0 was asked).
    public let host: String
    public let port: Int

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, host: String, port: Int) {
        self.group = group
        self.channel = channel
        self.host = host
        self.port = port
    }

    /// Binds `host:port` and starts answering. At most `maxConnections` are open at once (more are
    /// closed as they arrive) and a connection idle for `idleTimeout` is closed: a local account must
    /// not be able to take the engine's file descriptors. Requests must name this machine in `Host`.
    public static func start(host: String, port: Int, contentType: String, maxConnections: Int = 16,
                             idleTimeout: TimeAmount = .seconds(30),
                             render: @escaping @Sendable () async -> [UInt8]) async throws -> MetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let gate = ConnectionGate(limit: maxConnections)
        let hosts = HostCheck(listenHost: host)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    guard gate.admit(channel) else {
                        return channel.eventLoop.makeFailedFuture(ConnectionRefused(reason: "more than \(maxConnections) connections"))
                    }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                        try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(contentType: contentType, hosts: hosts, render: render))
                    }
                }
                .bind(host: host, port: port).get()
            return MetricsServer(group: group, channel: channel, host: host, port: channel.localAddress?.port ?? port)
        } catch {
            try? await group.shutdownGracefully()
            throw MetricsServerError(address: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)", reason: "\(error)")
        }
    }

    /// Stops listening and closes every connection.
    public func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// The metrics listener could not be opened (the port is taken, the address is not this machine's).
public struct MetricsServerError: Error, CustomStringConvertible {
    public var address: String
    public var reason: String
    public var description: String { "cannot serve metrics on \(address) (METRICS_LISTEN): \(reason)" }
}

/// Closes a connection when `IdleStateHandler` says nothing moved on it for its timeout.
private final class CloseWhenIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
