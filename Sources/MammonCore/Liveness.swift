import Synchronization

/// Progress from inside a long but bounded wait of a cycle (a fee wait, a receipt poll) for a
/// supervisor's watchdog. The chain beats it on every poll; the engine connects it to its heartbeat
/// (systemd's WATCHDOG=1). A wait that polls is alive; a cycle stuck elsewhere (a deadlock, a call
/// that never returns) beats nothing and is killed and restarted.
public final class Liveness: Sendable {
    private let target = Mutex<(@Sendable () -> Void)?>(nil)

    public init() {}

    /// Where beats go from now on.
    public func connect(_ beat: @escaping @Sendable () -> Void) { target.withLock { $0 = beat } }

    public func beat() { target.withLock { $0 }?() }
}
