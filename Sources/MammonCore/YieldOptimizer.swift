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
        // The two best allowed markets, found once: a position's target is the best one that is not
        // its own market. O(quotes + positions) rather than a scan per position.
        var best: MarketSnapshot?
        var second: MarketSnapshot?
        for m in markets where m.quote.token == token && allowed.contains(m.quote.protocolID) {
            if best.map({ Self.ranks(m, above: $0) }) ?? true {
                if best?.quote.protocolID != m.quote.protocolID { second = best }
                best = m
            } else if m.quote.protocolID != best?.quote.protocolID, second.map({ Self.ranks(m, above: $0) }) ?? true {
                second = m
            }
        }
        var out: [RebalanceRecommendation] = []
        for market in markets where market.quote.token == token && !market.position.isZero {
            guard Self.usd(market.position) >= minimumAmountUSD else { continue }
            let current = market.quote
            guard let target = best?.quote.protocolID == current.protocolID ? second : best,
                  target.quote.apy > current.apy
            else { continue }
            out.append(RebalanceRecommendation(
                id: makeID(), from: current.protocolID, to: target.quote.protocolID, token: token, amount: capped(market.position),
                currentAPY: current.apy, expectedAPY: target.quote.apy,
                reason: "\(target.quote.protocolID.displayName) pays \(target.quote.apy.fixed(2))% vs \(current.apy.fixed(2))% at \(current.protocolID.displayName)",
                confidence: 0))
        }
        if Self.usd(idle) >= minimumAmountUSD, let target = best, target.quote.apy > 0 {
            out.append(RebalanceRecommendation(
                id: makeID(), from: nil, to: target.quote.protocolID, token: token, amount: capped(idle),
                currentAPY: 0, expectedAPY: target.quote.apy,
                reason: "Deploy idle \(token.symbol) to the highest-yielding market (\(target.quote.apy.fixed(2))%)",
                confidence: 0))
        }
        return out
    }

    /// Higher APY first; on a tie, the earlier protocol in `LendingProtocol.allCases`.
    static func ranks(_ a: MarketSnapshot, above b: MarketSnapshot) -> Bool {
        a.quote.apy != b.quote.apy ? a.quote.apy > b.quote.apy : a.quote.protocolID < b.quote.protocolID
    }

    /// Larger amounts move in chunks of the per-transaction cap, one per execution.
    private func capped(_ amount: TokenAmount) -> TokenAmount {
        guard Self.usd(amount) > maxTransactionValueUSD else { return amount }
        let units = (maxTransactionValueUSD * Decimal.powerOfTen(Int(amount.decimals))).rounded(0, .down)
        return TokenAmount(baseUnits: UInt128(NSDecimalNumber(decimal: units).stringValue) ?? amount.baseUnits,
                           decimals: amount.decimals)
    }
}
