import NIOCore
import Synchronization

/// At most `limit` connections open at once on one listener; the others are closed as they arrive,
/// before any work is done for them (a local account must not exhaust the engine's descriptors).
final class ConnectionGate: Sendable {
    let limit: Int
    private let open = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a place for `channel` until it closes; false when every place is taken.
    func admit(_ channel: any Channel) -> Bool {
        let admitted = open.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        if admitted { channel.closeFuture.whenComplete { _ in self.open.withLock { $0 -= 1 } } }
        return admitted
    }

    var current: Int { open.withLock { $0 } }
}
