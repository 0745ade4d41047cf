import Chain
import Foundation
import MammonCore

/// The simulated chain with one hook: the first wait for a withdraw's receipt runs it first.
final class HookedChain: ForwardingChain, @unchecked Sendable {
    let inner: SimulatedChain
    private let lock = NSLock()
    private var hook: (@Sendable () async -> Void)?

    init(_ inner: SimulatedChain) { self.inner = inner }

    func beforeWithdrawReceipt(_ hook: @escaping @Sendable () async -> Void) { lock.withLock { self.hook = hook } }

    func awaitReceipt(_ tx: PreparedTransaction, timeout: TimeInterval) async throws -> TransactionReceipt? {
        if case .withdraw = tx.action, let hook = lock.withLock({ () -> (@Sendable () async -> Void)? in
            defer { self.hook = nil }
            return self.hook
        }) {
            await hook()
        }
        return try await inner.awaitReceipt(tx, timeout: timeout)
    }
}
