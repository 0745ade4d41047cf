import Foundation
import MammonCore
import NIOCore
import NIOPosix
import Synchronization

/// A connection to a running engine's socket, for an attached console or another tool: messages in
/// through `onMessage`, commands and reads out with their answers. When the connection ends (the
/// engine stopped, or dropped this client), `onClose` says why, every unanswered command is refused
/// and every unanswered read fails.
public final class ControlClient: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let state: Mutex<State>

    private struct State {
        var nextRequest = 0
        var waiting: [String: CheckedContinuation<CommandOutcome, Never>] = [:]
        var reads: [String: CheckedContinuation<ControlMessage, any Error>] = [:]
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

    /// The newest `limit` stored events with `after` < seq ≤ `through`, oldest first, without status
    /// snapshots: page by page, each bounded by the engine.
    public func history(after: Int64, through: Int64, limit: Int) async throws -> [EngineEvent] {
        var events: [EngineEvent] = []
        var upTo = through
        while events.count < limit, upTo > after {
            guard case .history(_, let page, let complete) = try await read(.history(after: after, through: upTo, limit: limit - events.count)) else {
                throw ControlClientError.unexpectedAnswer("history")
            }
            // Only what was asked for: a page outside the range or past the limit is the engine's mistake, not more history.
            let wanted = page.filter { $0.sequence > after && $0.sequence <= upTo }.suffix(limit - events.count)
            events.insert(contentsOf: wanted, at: 0)
            guard !complete, let oldest = wanted.first?.sequence else { break }
            upTo = oldest - 1
        }
        return events
    }

    /// The engine's records (executions, errors, the last scan, the portfolio's history), every page.
    public func records() async throws -> ConsoleRecords {
        var json = ""
        var page = 0
        var pages = 1
        while page < pages {
            guard case .records(_, let number, let count, let data) = try await read(.records(page: page)), number == page else {
                throw ControlClientError.unexpectedAnswer("records")
            }
            json += data
            pages = count
            page += 1
        }
        return try ConsoleRecords.decode(json)
    }

    /// What is current: proposals waiting for approval, an execution in flight with its steps.
    public func current() async throws -> [EngineEvent] {
        guard case .current(_, let events) = try await read(.current) else { throw ControlClientError.unexpectedAnswer("current") }
        return events
    }

    /// Sends a read and waits for its answer; a refusal (a malformed read, a database the engine
    /// cannot read) and the connection's end are errors.
    private func read(_ read: ControlMessage.Read) async throws -> ControlMessage {
        let answer: ControlMessage = try await withCheckedThrowingContinuation { continuation in
            let id: String? = state.withLock { s in
                if s.closed != nil { return nil }
                s.nextRequest += 1
                let id = "r\(s.nextRequest)"
                s.reads[id] = continuation
                return id
            }
            guard let id else { return continuation.resume(throwing: ControlClientError.closed(reason: "not connected to the engine")) }
            write(ControlMessage.line(.read(requestID: id, read)))
        }
        if case .response(_, let outcome) = answer { throw ControlClientError.refused(outcome.detail) }
        return answer
    }

    public func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    fileprivate func received(_ message: ControlMessage) -> Bool {
        switch message {
        case .response(let id, let outcome):
            let (command, read) = state.withLock { ($0.waiting.removeValue(forKey: id), $0.reads.removeValue(forKey: id)) }
            command?.resume(returning: outcome)
            read?.resume(returning: message)
            return command != nil || read != nil
        case .history(let id, _, _), .records(let id, _, _, _), .current(let id, _):
            let read = state.withLock { $0.reads.removeValue(forKey: id) }
            read?.resume(returning: message)
            return true  // an answer to nobody is dropped, never taken for news
        case .hello, .bye, .event:
            return false
        }
    }

    /// A line this client cannot read that answers one of its reads: the read fails (a newer engine's
    /// format, say) instead of waiting forever.
    fileprivate func unreadable(requestID: String, _ error: any Error) {
        let read = state.withLock { $0.reads.removeValue(forKey: requestID) }
        read?.resume(throwing: ControlClientError.unexpectedAnswer("\(requestID) (\(error))"))
    }

    fileprivate func closed(_ reason: String) {
        let (waiters, reads) = state.withLock { s in
            s.closed = reason
            defer { s.waiting = [:]; s.reads = [:] }
            return (Array(s.waiting.values), Array(s.reads.values))
        }
        for w in waiters { w.resume(returning: .refused("the connection to the engine ended: \(reason)")) }
        for r in reads { r.resume(throwing: ControlClientError.closed(reason: reason)) }
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
    case closed(reason: String)
    case refused(String)
    case unexpectedAnswer(String)

    public var description: String {
        switch self {
        case .untrustedServer(let path, let uid):
            "the socket \(path) is served by uid \(uid), not by this user, root or the owner of its directory: not an engine to trust"
        case .closedAtOnce(let path):
            "the engine at \(path) closed the connection at once (it serves a limited number of connections, and its control socket only its own user)"
        case .closed(let reason): "the connection to the engine ended: \(reason)"
        case .refused(let detail): "the engine refused the read: \(detail)"
        case .unexpectedAnswer(let read): "the engine answered a \(read) read with something else"
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

    func unreadable(requestID: String, _ error: any Error) {
        parts.withLock { $0.client }?.unreadable(requestID: requestID, error)
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
        // One parse per line; an answer that cannot be read fails the read it names.
        do { box.message(try ControlMessage.parse(line)) } catch ControlProtocolError.unreadableAnswer(let id, let why) {
            box.unreadable(requestID: id, ControlProtocolError.malformed(why))
        } catch {}
    }

    func channelInactive(context: ChannelHandlerContext) {
        box.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
