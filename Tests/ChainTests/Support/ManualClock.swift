import Chain
import Foundation

/// A clock that only moves when told to: `sleep` records the wait and advances time at once.
final class ManualClock: RPCClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    private var recorded: [Double] = []

    init(start: Double = 1000) { current = start }

    func now() -> Double { lock.withLock { current } }

    func sleep(seconds: Double) async throws {
        lock.withLock {
            recorded.append(seconds)
            current += seconds
        }
    }

    func advance(by seconds: Double) { lock.withLock { current += seconds } }

    /// Every wait asked for so far, in order.
    var sleeps: [Double] { lock.withLock { recorded } }
}
