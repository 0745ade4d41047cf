import Foundation
import MammonCore
import NIOCore
import NIOPosix
import Synchronization

/// A connection to a running engine's socket, for an attached console or another tool: messages in
/// through `onMessage`, commands out with their answers. When the connection ends (the engine
/// stopped, or dropped this client), `onClose` says why and every unanswered command is refused.
public final class ControlClient: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let state: Mutex<State>

    private struct State {
        var nextRequest = 0
        var waiting: [String: CheckedContinuation<CommandOutcome, Never>] = [:]
        var closed: String?
    }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.channel = channel
        self.group = group
        self.state = Mutex(State())
    }

    /// Connects to the socket at `path`, introduces itself as `name`, and delivers every line. The
    /// server must run as one of `trustedUIDs` (the kernel says who bound the socket: `SO_PEERCRED`);
    /// nil trusts this user, root, and the owner of the socket's directory when others cannot write
    /// to it (an engine running as its service user).
    public static func connect(path: String, name: String, trustedUIDs: Set<UInt32>? = nil,
                               onMessage: @escaping @Sendable (ControlMessage) -> Void,
                               onClose: @escaping @Sendable (String) -> Void) async throws -> ControlClient {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = ClientBox()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(ClientHandler(box: box))
                    }
                }
                .connect(unixDomainSocketPath: path).get()
            let peer: PeerCredentials
            do { peer = try await PeerCredentials.of(channel).get() } catch {
                // The engine closed the connection as it opened: it was full, or refused this user.
                throw channel.isActive ? error : ControlClientError.closedAtOnce(path: path)
            }
            let trusted = trustedUIDs ?? defaultTrustedUIDs(socket: path)
            guard trusted.contains(peer.uid) else {
                try? await channel.close()
                throw ControlClientError.untrustedServer(path: path, uid: peer.uid)
            }
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let client = ControlClient(channel: channel, group: group)
        box.attach(client, onMessage: onMessage, onClose: onClose)
        client.write(ControlMessage.line(.hello(client: name)))
        return client
    }

    /// This user, root, and the owner of the socket's directory if nobody else can write to it (only
    /// that owner could have put a socket there).
    static func defaultTrustedUIDs(socket path: String) -> Set<UInt32> {
        var trusted: Set<UInt32> = [getuid(), 0]
        var info = stat()
        let directory = (path as NSString).deletingLastPathComponent
        if lstat(directory.isEmpty ? "." : directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_mode & 0o022 == 0 {
            trusted.insert(info.st_uid)
        }
        return trusted
    }

    /// Sends `command` and waits for the engine's answer (refused when the connection ends first).
    public func send(_ command: OperatorCommand) async -> CommandOutcome {
        await withCheckedContinuation { continuation in
            let id: String? = state.withLock { s in
                if s.closed != nil { return nil }
                s.nextRequest += 1
                let id = "r\(s.nextRequest)"
                s.waiting[id] = continuation
                return id
            }
            guard let id else {
                continuation.resume(returning: .refused("not connected to the engine"))
                return
            }
            write(ControlMessage.line(.command(requestID: id, command)))
        }
    }

    public func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    fileprivate func received(_ message: ControlMessage) -> Bool {
        guard case .response(let id, let outcome) = message else { return false }
        let waiter = state.withLock { $0.waiting.removeValue(forKey: id) }
        waiter?.resume(returning: outcome)
        return waiter != nil
    }

    fileprivate func closed(_ reason: String) {
        let waiters = state.withLock { s in
            s.closed = reason
            defer { s.waiting = [:] }
            return Array(s.waiting.values)
        }
        for w in waiters { w.resume(returning: .refused("the connection to the engine ended: \(reason)")) }
    }

    private func write(_ line: String) {
        var buffer = channel.allocator.buffer(capacity: line.utf8.count + 1)
        buffer.writeString(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        channel.writeAndFlush(buffer, promise: nil)
    }
}

public enum ControlClientError: Error, CustomStringConvertible {
    case untrustedServer(path: String, uid: UInt32)
    case closedAtOnce(path: String)

    public var description: String {
        switch self {
        case .untrustedServer(let path, let uid):
            "the socket \(path) is served by uid \(uid), not by this user, root or the owner of its directory: not an engine to trust"
        case .closedAtOnce(let path):
            "the engine at \(path) closed the connection at once (it serves a limited number of connections, and its control socket only its own user)"
        }
    }
}

/// Holds the client and callbacks for the handler, which exists before the client does.
private final class ClientBox: Sendable {
    private struct Parts {
        var client: ControlClient?
        var onMessage: (@Sendable (ControlMessage) -> Void)?
        var onClose: (@Sendable (String) -> Void)?
        var early: [ControlMessage] = []
        var closedEarly: String?
        var byeReason: String?
    }
    private let parts = Mutex(Parts())

    func attach(_ client: ControlClient, onMessage: @escaping @Sendable (ControlMessage) -> Void,
                onClose: @escaping @Sendable (String) -> Void) {
        let (early, closedEarly) = parts.withLock { p in
            p.client = client
            p.onMessage = onMessage
            p.onClose = onClose
            defer { p.early = [] }
            return (p.early, p.closedEarly)
        }
        for m in early { deliver(m, client: client, onMessage: onMessage) }
        if let closedEarly { client.closed(closedEarly); onClose(closedEarly) }
    }

    func message(_ m: ControlMessage) {
        let (client, onMessage) = parts.withLock { p in
            if case .bye(let reason) = m { p.byeReason = reason }
            if p.client == nil { p.early.append(m) }
            return (p.client, p.onMessage)
        }
        if let client, let onMessage { deliver(m, client: client, onMessage: onMessage) }
    }

    func closed() {
        let (client, onClose, reason) = parts.withLock { p in
            let reason = p.byeReason ?? "the engine closed the connection"
            if p.client == nil { p.closedEarly = reason }
            return (p.client, p.onClose, reason)
        }
        client?.closed(reason)
        onClose?(reason)
    }

    private func deliver(_ m: ControlMessage, client: ControlClient, onMessage: @Sendable (ControlMessage) -> Void) {
        if !client.received(m) { onMessage(m) }
    }
}

private final class ClientHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = String
    let box: ClientBox

    init(box: ClientBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        guard let message = try? ControlMessage.parse(line) else { return }
        box.message(message)
    }

    func channelInactive(context: ChannelHandlerContext) {
        box.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
