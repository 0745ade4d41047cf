import Foundation

/// Proposes moves: each position toward the best allowed market by APY, and idle wallet funds into the
/// best market. It proposes; the gates and limits decide.
public struct YieldOptimizer: Sendable {
    public var allowed: [LendingProtocol]
    public var minimumAmountUSD: Decimal
    public var maxTransactionValueUSD: Decimal

    public init(allowed: [LendingProtocol], minimumAmountUSD: Decimal, maxTransactionValueUSD: Decimal) {
        self.allowed = allowed.filter(\.acceptsSingleAssetDeposits)
        self.minimumAmountUSD = minimumAmountUSD
        self.maxTransactionValueUSD = maxTransactionValueUSD
    }

    public init(config: MammonConfig) {
        self.init(allowed: config.supportedProtocols, minimumAmountUSD: config.gates.minRebalanceAmountUSD,
                  maxTransactionValueUSD: config.maxTransactionValueUSD)
    }

    /// Stablecoins are valued at par; the amount a move carries in USD.
    public static func usd(_ amount: TokenAmount) -> Decimal { amount.decimalValue }

    public func recommend(markets: [MarketSnapshot], idle: TokenAmount, token: Token,
                          makeID: () -> UUID) -> [RebalanceRecommendation] {
        let candidates = markets.filter { allowed.contains($0.quote.protocolID) && $0.quote.token == token }
        var out: [RebalanceRecommendation] = []
        for market in markets where market.quote.token == token && !market.position.isZero {
            guard Self.usd(market.position) >= minimumAmountUSD else { continue }
            let current = market.quote
            guard let best = candidates.filter({ $0.quote.protocolID != current.protocolID })
                .max(by: { ($0.quote.apy, $1.quote.protocolID) < ($1.quote.apy, $0.quote.protocolID) }),
                best.quote.apy > current.apy
            else { continue }
            let amount = capped(market.position)
            out.append(RebalanceRecommendation(
                id: makeID(), from: current.protocolID, to: best.quote.protocolID, token: token, amount: amount,
                currentAPY: current.apy, expectedAPY: best.quote.apy,
                reason: "\(best.quote.protocolID.displayName) pays \(best.quote.apy.fixed(2))% vs \(current.apy.fixed(2))% at \(current.protocolID.displayName)",
                confidence: 0))
        }
        if Self.usd(idle) >= minimumAmountUSD,
           let best = candidates.max(by: { ($0.quote.apy, $1.quote.protocolID) < ($1.quote.apy, $0.quote.protocolID) }),
           best.quote.apy > 0 {
            out.append(RebalanceRecommendation(
                id: makeID(), from: nil, to: best.quote.protocolID, token: token, amount: capped(idle),
                currentAPY: 0, expectedAPY: best.quote.apy,
                reason: "Deploy idle \(token.symbol) to the highest-yielding market (\(best.quote.apy.fixed(2))%)",
                confidence: 0))
        }
        return out
    }

    /// Larger amounts move in chunks of the per-transaction cap, one per execution.
    private func capped(_ amount: TokenAmount) -> TokenAmount {
        guard Self.usd(amount) > maxTransactionValueUSD else { return amount }
        let units = (maxTransactionValueUSD * Decimal.powerOfTen(Int(amount.decimals))).rounded(0, .down)
        return TokenAmount(baseUnits: UInt128(NSDecimalNumber(decimal: units).stringValue) ?? amount.baseUnits,
                           decimals: amount.decimals)
    }
}
