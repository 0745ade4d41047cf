import Foundation

extension YieldOptimizer {
    /// One move of a plan: `amount` (this execution's chunk) from a source into a target.
    struct Leg {
        var from: MarketID?
        var to: MarketID
        var amount: TokenAmount
        var currentAPY: Decimal
        var expectedAPY: Decimal
        var exit: ExitReason?
        var reason: String

        func recommendation(id: UUID, token: Token) -> RebalanceRecommendation {
            RebalanceRecommendation(id: id, from: from, to: to, token: token, amount: amount, currentAPY: currentAPY,
                                    expectedAPY: expectedAPY, reason: reason, confidence: 0, exit: exit)
        }
    }

    /// Places amounts over the targets of one plan, best market first, each up to the room the size
    /// rules leave it; what one market cannot take goes to the next best. Room is shared by every
    /// source of the plan: `planned` holds what earlier legs send into each market (whole legs, not
    /// only this cycle's chunks, so two sources never count on the same room).
    struct Spreader {
        let optimizer: YieldOptimizer
        let token: Token
        let targets: [MarketSnapshot]
        let conditions: [MarketID: MarketCondition]
        var planned: [MarketID: UInt128] = [:]

        /// Legs for `amount` from `source` (nil: idle funds). A target must pay more than `floor`
        /// after our deposit (nil: any safe market, for an exit). Legs sum to `amount` exactly when
        /// the markets have room; a remainder below the minimum amount, or one no market can take,
        /// stays where it is.
        mutating func spread(_ amount: TokenAmount, from source: MarketSnapshot?, current: Decimal, above floor: Decimal?, exit: ExitReason?,
                             note: (MarketTrust.Exclusion) -> Void) -> [Leg] {
            var remaining = amount.baseUnits
            var used: Set<MarketID> = []
            var legs: [Leg] = []
            func tokens(_ units: UInt128) -> TokenAmount { TokenAmount(baseUnits: units, decimals: amount.decimals) }
            while remaining > 0 {
                // A remainder not worth a move of its own stays.
                if !legs.isEmpty, YieldOptimizer.usd(tokens(remaining)) < optimizer.minimumAmountUSD { break }
                var best: (target: MarketSnapshot, leg: UInt128, apy: Decimal, room: UInt128?)?
                for t in targets where t.quote.marketID != source?.quote.marketID && !used.contains(t.quote.marketID) {
                    let id = t.quote.marketID
                    let target = Self.with(t, planned: planned[id, default: 0])
                    let room = MarketSizing.capacity(target, guards: optimizer.guards)
                    let leg = min(remaining, room ?? remaining)
                    let apy = optimizer.targetAPY(target, optimizer.condition(target, conditions), deposit: tokens(leg > 0 ? leg : remaining))
                    if let floor, apy <= floor { continue }
                    guard leg > 0, leg == remaining || YieldOptimizer.usd(tokens(leg)) >= optimizer.minimumAmountUSD else {
                        note(.full(id, room: tokens(room ?? 0)))
                        continue
                    }
                    if let why = optimizer.trust.receiveExclusion(of: optimizer.capped(tokens(leg)), into: id, markets: targets) {
                        note(why)
                        continue
                    }
                    if let b = best, apy < b.apy || (apy == b.apy && b.target.quote.marketID < id) { continue }
                    best = (t, leg, apy, room)
                }
                guard let best else { break }
                let to = best.target.quote.marketID
                let spread = best.leg < remaining || !legs.isEmpty
                legs.append(Leg(from: source?.quote.marketID, to: to, amount: optimizer.capped(tokens(best.leg)), currentAPY: current,
                                expectedAPY: best.apy, exit: exit,
                                reason: reason(source, to: to, apy: best.apy, current: current, exit: exit, spreadLeg: spread ? tokens(best.leg) : nil)))
                used.insert(to)
                planned[to, default: 0] += best.leg
                remaining -= best.leg
            }
            return legs
        }

        func reason(_ source: MarketSnapshot?, to: MarketID, apy: Decimal, current: Decimal, exit: ExitReason?, spreadLeg: TokenAmount?) -> String {
            var text: String
            if let exit {
                text = "Exit: \(exit); to \(to.displayName) at \(apy.fixed(2))%"
            } else if let source {
                text = "\(to.displayName) pays \(apy.fixed(2))% vs \(current.fixed(2))% at \(source.quote.marketID.displayName)"
            } else {
                text = "Deploy idle \(token.symbol) to the highest-yielding market (\(apy.fixed(2))%)"
            }
            if let spreadLeg { text += "; spread under the size rules: \(spreadLeg) of it to \(to.displayName)" }
            return text
        }

        /// `m` with `planned` more supplied by us.
        static func with(_ m: MarketSnapshot, planned: UInt128) -> MarketSnapshot {
            guard planned > 0 else { return m }
            var m = m
            m.position = TokenAmount(baseUnits: m.position.baseUnits + planned, decimals: m.position.decimals)
            m.supply = m.supply.map { TokenAmount(baseUnits: $0.baseUnits + planned, decimals: $0.decimals) }
            return m
        }
    }
}
