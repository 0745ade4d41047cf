import Chain
import Foundation
import MammonCore

/// A test chain that wraps the simulated one and changes one or two calls: every call it does not
/// write itself goes to `inner` unchanged.
protocol ForwardingChain: ChainGateway {
    var inner: SimulatedChain { get }
}

extension ForwardingChain {
    var networkName: String { inner.networkName }
    var walletAddress: String { inner.walletAddress }
    func scanMarkets(token: Token) async throws -> [MarketSnapshot] { try await inner.scanMarkets(token: token) }
    func walletBalance(token: Token) async throws -> TokenAmount { try await inner.walletBalance(token: token) }
    func position(in market: MarketID, token: Token) async throws -> TokenAmount { try await inner.position(in: market, token: token) }
    func feeQuote() async throws -> FeeQuote { try await inner.feeQuote() }
    func gasEstimate(_ action: ChainAction) async throws -> UInt64 { try await inner.gasEstimate(action) }
    func gasLimitCap(_ action: ChainAction) async throws -> UInt64 { try await inner.gasLimitCap(action) }
    func prepare(_ action: ChainAction) async throws -> PreparedTransaction { try await inner.prepare(action) }
    func broadcast(_ tx: PreparedTransaction) async throws { try await inner.broadcast(tx) }
    func awaitReceipt(_ tx: PreparedTransaction) async throws -> TransactionReceipt { try await inner.awaitReceipt(tx) }
    func awaitReceipt(_ tx: PreparedTransaction, timeout: TimeInterval) async throws -> TransactionReceipt? {
        try await inner.awaitReceipt(tx, timeout: timeout)
    }
    func transactionStatus(_ tx: PreparedTransaction) async throws -> TransactionStatus { try await inner.transactionStatus(tx) }
    func replacement(for tx: PreparedTransaction) async throws -> PreparedTransaction { try await inner.replacement(for: tx) }
    func cancellation(for tx: PreparedTransaction) async throws -> PreparedTransaction { try await inner.cancellation(for: tx) }
    func takeEffects() -> [ChainEffect] { inner.takeEffects() }
}
