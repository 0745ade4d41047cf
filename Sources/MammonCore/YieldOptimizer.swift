import Foundation

/// Proposes moves: positions that must leave their market for safety to the best safe market, each
/// other position toward the best allowed market by APY, and idle wallet funds into the best market.
/// Where the size rules stop one market from taking everything, the funds are spread over the best
/// markets under them. It proposes; the gates and limits decide, each move on its own.
public struct YieldOptimizer: Sendable {
    public var allowed: [MarketID]
    public var minimumAmountUSD: Decimal
    public var maxTransactionValueUSD: Decimal
    public var trust: MarketTrust
    public var guards: MarketGuards

    /// `guards` default to `.off` (spot rates, no size rules, no waiting) for callers that judge
    /// something else; the engine passes the configured ones.
    public init(allowed: [MarketID], minimumAmountUSD: Decimal, maxTransactionValueUSD: Decimal,
                trust: MarketTrust = MarketTrust(maxAPYPct: 50, liquidityMultiple: 2), guards: MarketGuards = .off) {
        self.allowed = allowed.filter(\.acceptsSingleAssetDeposits)
        self.minimumAmountUSD = minimumAmountUSD
        self.maxTransactionValueUSD = maxTransactionValueUSD
        self.trust = trust
        self.guards = guards
    }

    public init(config: MammonConfig) {
        self.init(allowed: config.supportedProtocols, minimumAmountUSD: config.gates.minRebalanceAmountUSD,
                  maxTransactionValueUSD: config.maxTransactionValueUSD, trust: MarketTrust(config: config), guards: config.guards)
    }

    /// Stablecoins are valued at par; the amount a move carries in USD.
    public static func usd(_ amount: TokenAmount) -> Decimal { amount.decimalValue }

    /// Proposals, and why markets that might otherwise have been used were left out (for the log).
    public func recommend(markets: [MarketSnapshot], idle: TokenAmount, token: Token, conditions: [MarketID: MarketCondition] = [:],
                          makeID: () -> UUID) -> [RebalanceRecommendation] {
        plan(markets: markets, idle: idle, token: token, conditions: conditions, makeID: makeID).recommendations
    }

    /// `conditions`: each market's rate window and exit signals from the engine's history. A market
    /// without one has no history (not a target while the APY window is on) and no exit signal.
    public func plan(markets: [MarketSnapshot], idle: TokenAmount, token: Token, conditions: [MarketID: MarketCondition] = [:],
                     makeID: () -> UUID) -> (recommendations: [RebalanceRecommendation], exclusions: [MarketTrust.Exclusion]) {
        var exclusions: [MarketTrust.Exclusion] = []
        func note(_ why: MarketTrust.Exclusion) { if !exclusions.contains(why) { exclusions.append(why) } }
        // Targets that can be trusted and are safe to enter (a handful of markets: sorting is cheap).
        var targets: [MarketSnapshot] = []
        for m in markets where m.quote.token == token && allowed.contains(m.quote.marketID) {
            if let why = trust.targetExclusion(m) {
                if case .unmeasured = why, m.position.isZero { continue }  // said once, below, where it matters
                note(why)
            } else if let why = guardExclusion(m, condition(m, conditions)) {
                note(why)
            } else {
                targets.append(m)
            }
        }
        targets.sort { Self.ranks($0, above: $1) }
        var spreader = Spreader(optimizer: self, token: token, targets: targets, conditions: conditions)
        var out: [RebalanceRecommendation] = []
        let sources = markets.filter { $0.quote.token == token && !$0.position.isZero && Self.usd($0.position) >= minimumAmountUSD }
        // Exits first: safety takes the room under the size rules before yield does.
        for market in sources {
            guard let exit = condition(market, conditions).exit else { continue }
            if let why = trust.sourceExclusion(market) { note(why); continue }
            let legs = spreader.spread(market.position, from: market, current: condition(market, conditions).sourceAPY, above: nil,
                                       exit: exit, note: note)
            if legs.isEmpty { note(.noSafeTarget(exit, position: market.position)) }
            out += legs.map { $0.recommendation(id: makeID(), token: token) }
        }
        for market in sources where condition(market, conditions).exit == nil {
            if let why = trust.sourceExclusion(market) { note(why); continue }
            let current = condition(market, conditions).sourceAPY
            out += spreader.spread(market.position, from: market, current: current, above: current, exit: nil, note: note)
                .map { $0.recommendation(id: makeID(), token: token) }
        }
        if Self.usd(idle) >= minimumAmountUSD {
            out += spreader.spread(idle, from: nil, current: 0, above: 0, exit: nil, note: note).map { $0.recommendation(id: makeID(), token: token) }
        }
        return (out, exclusions)
    }

    /// The condition of `m` as given, or one without history (or exit signal).
    public func condition(_ m: MarketSnapshot, _ conditions: [MarketID: MarketCondition]) -> MarketCondition {
        conditions[m.quote.marketID] ?? MarketCondition(marketID: m.quote.marketID, spotAPY: m.quote.apy, windowAPY: nil,
                                                        windowHours: guards.apyWindowHours, coveredSeconds: 0,
                                                        neededSeconds: guards.neededHistorySeconds)
    }

    /// Why the guards keep `m` from being a target at all, or nil: it meets an exit rule, it is
    /// fully borrowed now, or its rate has too little history to judge.
    public func guardExclusion(_ m: MarketSnapshot, _ c: MarketCondition) -> MarketTrust.Exclusion? {
        if let exit = c.exit { return .unsafe(exit) }
        if let u = m.utilization, u >= MarketGuards.exitUtilization { return .crowded(m.quote.marketID, utilization: u) }
        if !c.hasEnoughHistory {
            return .notEnoughHistory(m.quote.marketID, coveredHours: (Decimal(c.coveredSeconds) / 3600).rounded(1, .down),
                                     neededHours: Decimal(c.neededSeconds) / 3600, windowHours: c.windowHours)
        }
        return nil
    }

    /// The APY `m` would pay after `deposit` more, judged on the lower of its spot and window rates.
    /// A fall under half a basis point is none (a deposit small against the market leaves its rate
    /// as quoted); a larger one counts, rounded down to 4 decimals. Without a supply read the judged
    /// rate stands; without a rate model it is diluted (`SupplyRateModel.dilution`).
    public func targetAPY(_ m: MarketSnapshot, _ c: MarketCondition, deposit: TokenAmount) -> Decimal {
        let base = c.targetAPY
        guard let supply = m.supply else { return base }
        let after = (m.rateModel ?? .dilution).apy(base, supply: supply.decimalValue, afterDeposit: deposit.decimalValue)
        return base - after < Self.negligibleAPYFall ? base : after.rounded(4, .down)
    }

    /// Half a basis point, in percent.
    public static let negligibleAPYFall = Decimal(string: "0.005")!

    /// The guards' measures for `rec` on `markets` as scanned now; nil when its target was not scanned.
    /// The rate it is judged on is its `expectedAPY` (after the whole amount planned into the target).
    public func checks(for rec: RebalanceRecommendation, markets: [MarketSnapshot], conditions: [MarketID: MarketCondition],
                       patience: PatienceCheck?) -> GuardChecks? {
        guard let target = markets.first(where: { $0.quote.marketID == rec.to }) else { return nil }
        return GuardChecks(targetRate: RateCheck(condition(target, conditions), judgedAPY: rec.expectedAPY),
                           size: SizeCheck(target, receiving: rec.amount, guards: guards), patience: patience, exit: rec.exit)
    }

    /// `rec` with its APYs judged again on `markets` as scanned now (an approval's re-check).
    public func rejudged(_ rec: RebalanceRecommendation, markets: [MarketSnapshot], conditions: [MarketID: MarketCondition]) -> RebalanceRecommendation {
        var rec = rec
        if let from = rec.from, let source = markets.first(where: { $0.quote.marketID == from }) {
            rec.currentAPY = condition(source, conditions).sourceAPY
        }
        if let target = markets.first(where: { $0.quote.marketID == rec.to }) {
            rec.expectedAPY = targetAPY(target, condition(target, conditions), deposit: rec.amount)
        }
        return rec
    }

    /// Higher APY first; on a tie, the earlier market in `MarketID` order.
    static func ranks(_ a: MarketSnapshot, above b: MarketSnapshot) -> Bool {
        a.quote.apy != b.quote.apy ? a.quote.apy > b.quote.apy : a.quote.marketID < b.quote.marketID
    }

    /// Larger amounts move in chunks of the per-transaction cap, one per execution.
    func capped(_ amount: TokenAmount) -> TokenAmount {
        guard Self.usd(amount) > maxTransactionValueUSD else { return amount }
        let units = (maxTransactionValueUSD * Decimal.powerOfTen(Int(amount.decimals))).rounded(0, .down)
        return TokenAmount(baseUnits: UInt128(NSDecimalNumber(decimal: units).stringValue) ?? amount.baseUnits,
                           decimals: amount.decimals)
    }
}
