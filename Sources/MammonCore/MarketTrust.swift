import Foundation

/// Whether a scanned market may take part in a move. A market whose APY was not measured is
/// neither a source nor a target; an APY above the ceiling is suspect (a manipulated or broken
/// rate) and never chased; a target must be able to give the money back, so its withdrawable
/// liquidity must cover the amount `liquidityMultiple` times.
public struct MarketTrust: Sendable, Hashable {
    public var maxAPYPct: Decimal
    public var liquidityMultiple: Decimal

    public init(maxAPYPct: Decimal, liquidityMultiple: Decimal) {
        self.maxAPYPct = maxAPYPct
        self.liquidityMultiple = liquidityMultiple
    }

    public init(config: MammonConfig) {
        self.init(maxAPYPct: config.maxAPYPct, liquidityMultiple: config.targetLiquidityMultiple)
    }

    public enum Exclusion: Hashable, Sendable, CustomStringConvertible {
        case unmeasured(MarketID)
        case apyAboveCeiling(MarketID, apy: Decimal, ceiling: Decimal)
        case liquidityUnknown(MarketID)
        case illiquid(MarketID, available: TokenAmount, needed: TokenAmount)
        case notScanned(MarketID)
        /// Too little rate history in the APY window to judge the rate (not a spike?).
        case notEnoughHistory(MarketID, coveredHours: Decimal, neededHours: Decimal, windowHours: Int)
        /// The market meets an exit rule: nothing goes in.
        case unsafe(ExitReason)
        /// Utilization at or above 99 % now: withdrawals may have to wait.
        case crowded(MarketID, utilization: Decimal)
        /// The size rules leave the market room for less than a move worth making.
        case full(MarketID, room: TokenAmount)
        /// A position must leave, and no safe market can take it now.
        case noSafeTarget(ExitReason, position: TokenAmount)

        public var description: String {
            switch self {
            case .unmeasured(let p): "\(p.displayName): APY not measured yet, so it is neither a source nor a target"
            case .apyAboveCeiling(let p, let apy, let ceiling):
                "\(p.displayName) reports \(apy.fixed(2))% APY, above MAX_APY_PCT \(ceiling.fixed(2))%: suspect, never a target"
            case .liquidityUnknown(let p): "\(p.displayName): withdrawable liquidity unknown, so it is not a target"
            case .illiquid(let p, let available, let needed):
                "\(p.displayName) can pay out only \(available) now, less than the \(needed) it must be able to return for this move: not a target"
            case .notScanned(let p): "\(p.displayName) was not in this scan, so it cannot be checked and is not a target"
            case .notEnoughHistory(let p, let covered, let needed, let window):
                "\(p.displayName): \(covered.plainString) h of rate history in the \(window) h APY window, \(needed.plainString) h needed: not a target yet"
            case .unsafe(let reason): "\(reason.marketID.displayName) is not a target: \(reason)"
            case .crowded(let p, let u):
                "\(p.displayName) is \((u * 100).fixed(2))% utilized, at or above \((MarketGuards.exitUtilization * 100).fixed(0))%: withdrawals may wait, not a target"
            case .full(let p, let room):
                "\(p.displayName) has room for only \(room) more under MIN_MARKET_TVL_MULTIPLE and MAX_MARKET_SHARE_PCT: not a target for this move"
            case .noSafeTarget(let reason, let position):
                "exit wanted (\(reason)) but no safe market can take the \(position) there now: it stays until one can"
            }
        }
    }

    /// Why `market` cannot be a source of a move, or nil.
    public func sourceExclusion(_ market: MarketSnapshot) -> Exclusion? {
        market.apyMeasured ? nil : .unmeasured(market.quote.marketID)
    }

    /// Why `market` cannot be a target at all (before the amount is known), or nil.
    public func targetExclusion(_ market: MarketSnapshot) -> Exclusion? {
        let p = market.quote.marketID
        if !market.apyMeasured { return .unmeasured(p) }
        if market.quote.apy > maxAPYPct { return .apyAboveCeiling(p, apy: market.quote.apy, ceiling: maxAPYPct) }
        if market.withdrawableLiquidity == nil { return .liquidityUnknown(p) }
        return nil
    }

    /// Why `target` may not receive `amount` now, judged on `markets` as just scanned, or nil. The one
    /// decision for every path that sends money into a market: a new proposal, a manual approval, and
    /// recovery finishing funds a crash left withdrawn.
    public func receiveExclusion(of amount: TokenAmount, into target: MarketID, markets: [MarketSnapshot]) -> Exclusion? {
        guard let market = markets.first(where: { $0.quote.marketID == target }) else { return .notScanned(target) }
        return capacityExclusion(market, amount: amount)
    }

    /// Why `market` cannot take `amount`, or nil: the amount × multiple must be withdrawable.
    public func capacityExclusion(_ market: MarketSnapshot, amount: TokenAmount) -> Exclusion? {
        if let other = targetExclusion(market) { return other }
        let available = market.withdrawableLiquidity!
        let needed = (Decimal(string: String(amount.baseUnits))! * liquidityMultiple).rounded(0, .up)
        guard Decimal(string: String(available.baseUnits))! >= needed else {
            return .illiquid(market.quote.marketID, available: available,
                             needed: TokenAmount(baseUnits: UInt128(needed.plainString) ?? .max, decimals: amount.decimals))
        }
        return nil
    }
}
