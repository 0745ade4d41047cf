import Chain
import Foundation
import MammonCore

/// The simulated chain with one hook: the first wait for a withdraw's receipt runs it first.
final class HookedChain: ChainGateway, @unchecked Sendable {
    let inner: SimulatedChain
    private let lock = NSLock()
    private var hook: (@Sendable () async -> Void)?

    init(_ inner: SimulatedChain) { self.inner = inner }

    func beforeWithdrawReceipt(_ hook: @escaping @Sendable () async -> Void) { lock.withLock { self.hook = hook } }

    var networkName: String { inner.networkName }
    var walletAddress: String { inner.walletAddress }
    func scanMarkets(token: Token) async throws -> [MarketSnapshot] { try await inner.scanMarkets(token: token) }
    func walletBalance(token: Token) async throws -> TokenAmount { try await inner.walletBalance(token: token) }
    func position(in market: LendingProtocol, token: Token) async throws -> TokenAmount { try await inner.position(in: market, token: token) }
    func feeQuote() async throws -> FeeQuote { try await inner.feeQuote() }
    func gasEstimate(_ action: ChainAction) async throws -> UInt64 { try await inner.gasEstimate(action) }
    func gasLimitCap(_ action: ChainAction) async throws -> UInt64 { try await inner.gasLimitCap(action) }
    func prepare(_ action: ChainAction) async throws -> PreparedTransaction { try await inner.prepare(action) }
    func broadcast(_ tx: PreparedTransaction) async throws { try await inner.broadcast(tx) }
    func awaitReceipt(_ tx: PreparedTransaction) async throws -> TransactionReceipt { try await inner.awaitReceipt(tx) }
    func transactionStatus(_ tx: PreparedTransaction) async throws -> TransactionStatus { try await inner.transactionStatus(tx) }
    func replacement(for tx: PreparedTransaction) async throws -> PreparedTransaction { try await inner.replacement(for: tx) }
    func cancellation(for tx: PreparedTransaction) async throws -> PreparedTransaction { try await inner.cancellation(for: tx) }

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
