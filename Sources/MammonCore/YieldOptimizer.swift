import Foundation

/// Proposes moves: each position toward the best allowed market by APY, and idle wallet funds into the
/// best market. It proposes; the gates and limits decide.
public struct YieldOptimizer: Sendable {
    public var allowed: [MarketID]
    public var minimumAmountUSD: Decimal
    public var maxTransactionValueUSD: Decimal
    public var trust: MarketTrust

    public init(allowed: [MarketID], minimumAmountUSD: Decimal, maxTransactionValueUSD: Decimal,
                trust: MarketTrust = MarketTrust(maxAPYPct: 50, liquidityMultiple: 2)) {
        self.allowed = allowed.filter(\.acceptsSingleAssetDeposits)
        self.minimumAmountUSD = minimumAmountUSD
        self.maxTransactionValueUSD = maxTransactionValueUSD
        self.trust = trust
    }

    public init(config: MammonConfig) {
        self.init(allowed: config.supportedProtocols, minimumAmountUSD: config.gates.minRebalanceAmountUSD,
                  maxTransactionValueUSD: config.maxTransactionValueUSD, trust: MarketTrust(config: config))
    }

    /// Stablecoins are valued at par; the amount a move carries in USD.
    public static func usd(_ amount: TokenAmount) -> Decimal { amount.decimalValue }

    /// Proposals, and why markets that might otherwise have been used were left out (for the log).
    public func recommend(markets: [MarketSnapshot], idle: TokenAmount, token: Token,
                          makeID: () -> UUID) -> [RebalanceRecommendation] {
        plan(markets: markets, idle: idle, token: token, makeID: makeID).recommendations
    }

    public func plan(markets: [MarketSnapshot], idle: TokenAmount, token: Token,
                     makeID: () -> UUID) -> (recommendations: [RebalanceRecommendation], exclusions: [MarketTrust.Exclusion]) {
        var exclusions: [MarketTrust.Exclusion] = []
        // Targets that can be trusted at all, best first (a handful of markets: sorting is cheap).
        var targets: [MarketSnapshot] = []
        for m in markets where m.quote.token == token && allowed.contains(m.quote.marketID) {
            if let why = trust.targetExclusion(m) {
                if case .unmeasured = why, m.position.isZero { continue }  // said once, below, where it matters
                exclusions.append(why)
            } else {
                targets.append(m)
            }
        }
        targets.sort { Self.ranks($0, above: $1) }
        var out: [RebalanceRecommendation] = []
        func target(for amount: TokenAmount, from source: MarketID?, above apy: Decimal) -> MarketSnapshot? {
            for t in targets where t.quote.marketID != source {
                guard t.quote.apy > apy else { return nil }
                if let why = trust.receiveExclusion(of: amount, into: t.quote.marketID, markets: targets) {
                    if !exclusions.contains(why) { exclusions.append(why) }
                    continue
                }
                return t
            }
            return nil
        }
        for market in markets where market.quote.token == token && !market.position.isZero {
            guard Self.usd(market.position) >= minimumAmountUSD else { continue }
            if let why = trust.sourceExclusion(market) {
                if !exclusions.contains(why) { exclusions.append(why) }
                continue
            }
            let current = market.quote
            let amount = capped(market.position)
            guard let best = target(for: amount, from: current.marketID, above: current.apy) else { continue }
            out.append(RebalanceRecommendation(
                id: makeID(), from: current.marketID, to: best.quote.marketID, token: token, amount: amount,
                currentAPY: current.apy, expectedAPY: best.quote.apy,
                reason: "\(best.quote.marketID.displayName) pays \(best.quote.apy.fixed(2))% vs \(current.apy.fixed(2))% at \(current.marketID.displayName)",
                confidence: 0))
        }
        if Self.usd(idle) >= minimumAmountUSD {
            let amount = capped(idle)
            if let best = target(for: amount, from: nil, above: 0) {
                out.append(RebalanceRecommendation(
                    id: makeID(), from: nil, to: best.quote.marketID, token: token, amount: amount,
                    currentAPY: 0, expectedAPY: best.quote.apy,
                    reason: "Deploy idle \(token.symbol) to the highest-yielding market (\(best.quote.apy.fixed(2))%)",
                    confidence: 0))
            }
        }
        return (out, exclusions)
    }

    /// Higher APY first; on a tie, the earlier protocol in `MarketID.allCases`.
    static func ranks(_ a: MarketSnapshot, above b: MarketSnapshot) -> Bool {
        a.quote.apy != b.quote.apy ? a.quote.apy > b.quote.apy : a.quote.marketID < b.quote.marketID
    }

    /// Larger amounts move in chunks of the per-transaction cap, one per execution.
    private func capped(_ amount: TokenAmount) -> TokenAmount {
        guard Self.usd(amount) > maxTransactionValueUSD else { return amount }
        let units = (maxTransactionValueUSD * Decimal.powerOfTen(Int(amount.decimals))).rounded(0, .down)
        return TokenAmount(baseUnits: UInt128(NSDecimalNumber(decimal: units).stringValue) ?? amount.baseUnits,
                           decimals: amount.decimals)
    }
}
