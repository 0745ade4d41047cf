import Engine
import Foundation
import MammonCore
import NIOCore
import NIOPosix
import Store
#if canImport(Glibc)
import Glibc
#endif

/// The engine's two Unix sockets: the control socket (mode 0600: only its owner may command the
/// engine) and the observer socket (read-only, whatever the client sends; 0600 too unless a group
/// is named, then 0660 with that group). Which socket a connection came through decides what it may
/// do: the engine enforces it, the client cannot claim otherwise.
public final class ControlServer: Sendable {
    /// What every hello says about the engine (never where its database is: a client reads
    /// everything through the socket).
    public struct Info: Sendable {
        public var network: String
        public var since: Date
        public init(network: String, since: Date) {
            self.network = network
            self.since = since
        }
    }

    /// A client with more than this many bytes unsent is disconnected.
    public static let highWaterMark = 1 << 20

    private let group: MultiThreadedEventLoopGroup
    private let channels: [any Channel]
    public let controlPath: String
    public let observerPath: String

    private init(group: MultiThreadedEventLoopGroup, channels: [any Channel], controlPath: String, observerPath: String) {
        self.group = group
        self.channels = channels
        self.controlPath = controlPath
        self.observerPath = observerPath
    }

    /// How the sockets defend themselves; tests narrow them.
    public struct Limits: Sendable {
        /// Connections open at once on each socket; more are closed as they arrive.
        public var connectionsPerSocket: Int
        /// Refused observer commands are reported at most once per this many seconds.
        public var refusalReportInterval: TimeAmount
        /// Peers the control socket accepts, by uid (the kernel's, `SO_PEERCRED`); nil: this user and root.
        public var controlUIDs: Set<UInt32>?
        /// Bytes of the records' JSON in one `records` page: escaped in a JSON string (6 bytes at most
        /// for one) a page stays well under the 1 MiB a client reads as one line.
        public var recordsPageBytes: Int

        public init(connectionsPerSocket: Int = 32, refusalReportInterval: TimeAmount = .seconds(60), controlUIDs: Set<UInt32>? = nil,
                    recordsPageBytes: Int = 128 * 1024) {
            self.connectionsPerSocket = connectionsPerSocket
            self.refusalReportInterval = refusalReportInterval
            self.controlUIDs = controlUIDs
            self.recordsPageBytes = max(1, recordsPageBytes)
        }
    }

    /// Binds both sockets (replacing stale files: the caller holds the engine's lock, so no other
    /// engine can own them) and starts serving.
    public static func start(engine: Engine, store: AppDatabase, controlPath: String, observerPath: String,
                             observerGroup: gid_t? = nil, info: Info, limits: Limits = Limits()) async throws -> ControlServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counter = ConnectionCounter()
        let onDrop: @Sendable (String) -> Void = { message in
            Task { await engine.note(source: .service, message) }
        }
        let refusals = RefusalTally(interval: limits.refusalReportInterval) { count in
            Task { await engine.note(source: .service, "read-only observers sent \(count) command\(count == 1 ? "" : "s"); all refused (counted, not recorded one by one)") }
        }
        let controlUIDs = limits.controlUIDs ?? [getuid(), 0]
        func bind(_ path: String, readOnly: Bool, mode: mode_t, gid: gid_t?) async throws -> any Channel {
            // Bound under a temporary name with its mode set on the socket before bind (never the
            // umask's), widened to the group's mode if one is named, then renamed into place: the socket
            // is never reachable with looser permissions than it should have.
            let staging = (path as NSString).deletingLastPathComponent + "/.mammon-\(getpid())-\(UUID().uuidString.prefix(8)).sock"
            let fd = try UnixSocketFile.bind(path: staging, mode: 0o600)
            let gate = ConnectionGate(limit: limits.connectionsPerSocket)
            let channel: any Channel
            do {
                channel = try await ServerBootstrap(group: group)
                    .serverChannelOption(.backlog, value: 128)
                    .childChannelOption(.writeBufferWaterMark, value: .init(low: highWaterMark / 2, high: highWaterMark))
                    .childChannelInitializer { channel in
                        guard gate.admit(channel) else {
                            // Refused before any work (no subscription, no database read, no event): a
                            // failed initializer closes the connection.
                            return channel.eventLoop.makeFailedFuture(ConnectionRefused(reason: "more than \(gate.limit) connections"))
                        }
                        let session: @Sendable () -> EventLoopFuture<Void> = {
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLength: 64 * 1024)))
                                try channel.pipeline.syncOperations.addHandler(ControlSession(
                                    engine: engine, store: store, readOnly: readOnly, number: counter.next(), info: info,
                                    recordsPageBytes: limits.recordsPageBytes, refusals: refusals, onDrop: onDrop))
                            }
                        }
                        // The observer socket's file mode says who may watch; the control socket also asks
                        // the kernel who connected, in case its file was made reachable by mistake.
                        if readOnly { return session() }
                        return PeerCredentials.of(channel).flatMap { peer in
                            controlUIDs.contains(peer.uid) ? session()
                                : channel.eventLoop.makeFailedFuture(ConnectionRefused(reason: "uid \(peer.uid) may not command this engine"))
                        }
                    }
                    .withBoundSocket(fd).get()
            } catch {
                Glibc.close(fd)
                unlink(staging)
                throw error
            }
            guard chmod(staging, mode) == 0 else { throw ServiceError.socket(path: path, reason: "chmod: \(String(cString: strerror(errno)))") }
            if let gid, chown(staging, uid_t.max, gid) != 0 {
                throw ServiceError.socket(path: path, reason: "chown to group \(gid): \(String(cString: strerror(errno)))")
            }
            unlink(path)
            guard rename(staging, path) == 0 else { throw ServiceError.socket(path: path, reason: "rename: \(String(cString: strerror(errno)))") }
            return channel
        }
        do {
            let control = try await bind(controlPath, readOnly: false, mode: 0o600, gid: nil)
            let observer = try await bind(observerPath, readOnly: true, mode: observerGroup == nil ? 0o600 : 0o660, gid: observerGroup)
            return ControlServer(group: group, channels: [control, observer], controlPath: controlPath, observerPath: observerPath)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Closes the sockets (and every connection) and removes their files.
    public func close() async {
        for c in channels { try? await c.close() }
        unlink(controlPath)
        unlink(observerPath)
        try? await group.shutdownGracefully()
    }
}

public enum ServiceError: Error, CustomStringConvertible {
    case socket(path: String, reason: String)

    public var description: String {
        switch self {
        case .socket(let path, let reason): "cannot open the engine's socket \(path): \(reason)"
        }
    }
}

struct ConnectionRefused: Error, CustomStringConvertible {
    var reason: String
    var description: String { "connection refused: \(reason)" }
}

private final class ConnectionCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

import Synchronization
