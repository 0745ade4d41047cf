import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Who is at the other end of a Unix socket, as the kernel says (`SO_PEERCRED`: the credentials of
/// the process that connected, or that bound, taken at that moment; the peer cannot claim others).
public struct PeerCredentials: Sendable, Equatable {
    // Laid out as Linux's `struct ucred`, which getsockopt fills in.
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// The credentials of `channel`'s peer; fails on a channel that is not a Unix socket.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(PeerCredentialsUnavailable())
        }
        return provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
    }
}

struct PeerCredentialsUnavailable: Error, CustomStringConvertible {
    var description: String { "the socket does not say who its peer is (SO_PEERCRED)" }
}
