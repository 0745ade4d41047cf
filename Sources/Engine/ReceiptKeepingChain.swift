import Foundation
import MammonCore

/// The chain as the engine uses it: every receipt the chain hands out becomes an effect for the
/// engine's next commit (the one recording the step it settles), so the books keep each
/// transaction's block, effective gas price and L1 fee, not only its cost in USD. Everything else
/// passes through, the inner chain's own effects included.
struct ReceiptKeepingChain: ChainGateway {
    let inner: any ChainGateway
    let receipts = ChainEffects()

    var networkName: String { inner.networkName }
    var walletAddress: String { inner.walletAddress }

    func scanMarkets(token: Token) async throws -> [MarketSnapshot] { try await inner.scanMarkets(token: token) }
    func walletBalance(token: Token) async throws -> TokenAmount { try await inner.walletBalance(token: token) }
    func position(in market: MarketID, token: Token) async throws -> TokenAmount { try await inner.position(in: market, token: token) }
    func feeQuote() async throws -> FeeQuote { try await inner.feeQuote() }
    func scan(token: Token) async throws -> ChainScan { try await inner.scan(token: token) }
    func signedWorstCaseWei(rawTransaction: String) -> UInt128? { inner.signedWorstCaseWei(rawTransaction: rawTransaction) }
    func gasEstimate(_ action: ChainAction) async throws -> UInt64 { try await inner.gasEstimate(action) }
    func gasLimitCap(_ action: ChainAction) async throws -> UInt64 { try await inner.gasLimitCap(action) }
    func prepare(_ action: ChainAction) async throws -> PreparedTransaction { try await inner.prepare(action) }
    func broadcast(_ tx: PreparedTransaction) async throws { try await inner.broadcast(tx) }
    func replacement(for tx: PreparedTransaction) async throws -> PreparedTransaction { try await inner.replacement(for: tx) }
    func cancellation(for tx: PreparedTransaction) async throws -> PreparedTransaction { try await inner.cancellation(for: tx) }
    func treasuryStatus(markets: [MarketID], limits: SafetyLimits, fullCheck: Bool) async throws -> TreasuryFenceStatus? {
        try await inner.treasuryStatus(markets: markets, limits: limits, fullCheck: fullCheck)
    }

    func awaitReceipt(_ tx: PreparedTransaction) async throws -> TransactionReceipt {
        keep(try await inner.awaitReceipt(tx))
    }

    func awaitReceipt(_ tx: PreparedTransaction, timeout: TimeInterval) async throws -> TransactionReceipt? {
        try await inner.awaitReceipt(tx, timeout: timeout).map(keep)
    }

    func transactionStatus(_ tx: PreparedTransaction) async throws -> TransactionStatus {
        let status = try await inner.transactionStatus(tx)
        if case .mined(let receipt) = status { _ = keep(receipt) }
        return status
    }

    func takeEffects() -> [ChainEffect] { inner.takeEffects() + receipts.take() }

    private func keep(_ receipt: TransactionReceipt) -> TransactionReceipt {
        receipts.record(.receiptObserved(receipt))
        return receipt
    }
}
