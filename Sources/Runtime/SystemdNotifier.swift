import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: each message is one datagram to `$NOTIFY_SOCKET` (a path, or an
/// abstract name written with a leading '@'). Without the variable every call does nothing, so the
/// same binary runs under systemd, under a terminal and in tests.
public final class SystemdNotifier: Sendable {
    /// The socket's address as it goes into `sun_path` (an abstract name starts with a NUL byte).
    private let address: [UInt8]?
    /// How often to prove liveness: half of `$WATCHDOG_USEC`, as systemd advises; nil when the
    /// watchdog is off or meant for another process (`$WATCHDOG_PID`).
    public let heartbeatInterval: TimeInterval?
    private let logger: Logger
    /// Set by `stopping()`: no watchdog ping follows it.
    private let stopped = Mutex(false)

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid(),
         logger: Logger = Logger(label: "mammon.systemd")) {
        self.logger = logger
        address = environment["NOTIFY_SOCKET"].flatMap(Self.socketAddress)
        heartbeatInterval = Self.watchdogInterval(environment, pid: pid)
    }

    public var isEnabled: Bool { address != nil }

    /// READY=1: start-up work is done; systemd starts dependent units and the watchdog counts from here.
    public func ready() { send("READY=1") }

    /// STATUS=…: one human line shown by `systemctl status`.
    public func status(_ line: String) { send("STATUS=" + line.replacingOccurrences(of: "\n", with: " ")) }

    /// WATCHDOG=1: the engine is alive. Dropped once stopping.
    public func watchdog() {
        guard !stopped.withLock({ $0 }) else { return }
        send("WATCHDOG=1")
    }

    /// STOPPING=1: shutdown has begun; sent once.
    public func stopping() {
        let first = stopped.withLock { s in
            defer { s = true }
            return !s
        }
        if first { send("STOPPING=1") }
    }

    /// Sends one message. Failures are logged and otherwise ignored: a supervisor that stopped
    /// listening must never stop the engine. The socket is non-blocking, so a full queue drops the
    /// message instead of stalling the engine's actor (heartbeats are sent from it).
    public func send(_ message: String) {
        guard let address else { return }
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return fail(message, "socket") }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { path in
            path.copyBytes(from: address)
        }
        // A path counts its terminating NUL; an abstract name is exactly its bytes.
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + address.count + (address.first == 0 ? 0 : 1)
        let bytes = Array(message.utf8)
        var sent: Int
        repeat {
            sent = withUnsafePointer(to: &addr) { a in
                a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    sendto(fd, bytes, bytes.count, 0, sa, socklen_t(length))
                }
            }
        } while sent < 0 && errno == EINTR
        if sent < 0 { fail(message, "sendto") }
        #endif
    }

    private func fail(_ message: String, _ call: String) {
        let reason = String(cString: strerror(errno))
        let kind = message.prefix { $0 != "=" }
        logger.warning("systemd notification \(kind) not sent: \(call): \(reason)")
    }

    /// `$NOTIFY_SOCKET` as `sun_path` bytes, or nil when it is empty, relative or too long.
    public static func socketAddress(_ value: String) -> [UInt8]? {
        var bytes = Array(value.utf8)
        switch bytes.first {
        case UInt8(ascii: "/"): break
        case UInt8(ascii: "@"): bytes[0] = 0
        default: return nil
        }
        #if os(Linux)
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        #else
        let capacity = 104
        #endif
        // A path needs room for its NUL.
        guard bytes.count > 1, bytes.count + (bytes[0] == 0 ? 0 : 1) <= capacity else { return nil }
        return bytes
    }

    /// Half the watchdog timeout, when `$WATCHDOG_USEC` is set and `$WATCHDOG_PID` (if set) is us.
    public static func watchdogInterval(_ environment: [String: String], pid: Int32) -> TimeInterval? {
        guard let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], !owner.isEmpty, Int32(owner) != pid { return nil }
        return TimeInterval(usec) / 2_000_000
    }
}
