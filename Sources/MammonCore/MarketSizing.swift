import Foundation

/// A position sized against its market: the market's supply after the move must be at least
/// `MIN_MARKET_TVL_MULTIPLE` × our position there, and our share of it at most
/// `MAX_MARKET_SHARE_PCT`. Supplies and positions count in base units; both include what this
/// cycle has already planned into the market.
public enum MarketSizing {
    /// The most `market` can take now under both rules, in base units, after `planned` more from
    /// other moves of this cycle; nil when unlimited (the rules are off, or the market's supply was
    /// not read: see `SizeCheck`).
    public static func capacity(_ market: MarketSnapshot, planned: UInt128 = 0, guards: MarketGuards) -> UInt128? {
        guard let supply = market.supply else { return nil }
        let s = units(supply.baseUnits + planned), p = units(market.position.baseUnits + planned)
        var limit: Decimal?
        let m = guards.minMarketTVLMultiple
        if m > 1 {
            // S + x ≥ m (P + x)  ⇔  x ≤ (S − m P) / (m − 1)
            limit = (s - m * p) / (m - 1)
        }
        let share = guards.maxMarketSharePct / 100
        if share < 1 {
            // P + x ≤ share (S + x)  ⇔  x ≤ (share S − P) / (1 − share)
            let byShare = (share * s - p) / (1 - share)
            limit = limit.map { min($0, byShare) } ?? byShare
        }
        guard let limit else { return nil }
        guard limit > 0 else { return 0 }
        var x = UInt128(limit.rounded(0, .down).plainString) ?? 0
        // A quotient rounded in its last digit must not let one base unit past the rules.
        while x > 0, !fits(x, supply: supply.baseUnits + planned, position: market.position.baseUnits + planned, guards: guards) { x -= 1 }
        return x
    }

    /// Whether `amount` more keeps both rules, in exact (integer-valued) arithmetic.
    static func fits(_ amount: UInt128, supply: UInt128, position: UInt128, guards: MarketGuards) -> Bool {
        let s = units(supply + amount), p = units(position + amount)
        return s >= guards.minMarketTVLMultiple * p && p * 100 <= guards.maxMarketSharePct * s
    }

    static func units(_ v: UInt128) -> Decimal {
        v <= UInt128(UInt64.max) ? Decimal(UInt64(v)) : Decimal(string: String(v))!
    }
}

/// The size rules as measured for one move into a market.
public struct SizeCheck: Codable, Hashable, Sendable {
    /// The market's supply after the move; nil: the chain did not report it, so neither rule could be
    /// checked (only hand-made snapshots and events stored before supplies were read).
    public var supplyAfter: TokenAmount?
    public var positionAfter: TokenAmount
    public var minMultiple: Decimal
    public var maxSharePct: Decimal

    public init(supplyAfter: TokenAmount?, positionAfter: TokenAmount, minMultiple: Decimal, maxSharePct: Decimal) {
        self.supplyAfter = supplyAfter
        self.positionAfter = positionAfter
        self.minMultiple = minMultiple
        self.maxSharePct = maxSharePct
    }

    enum CodingKeys: String, CodingKey {
        case supplyAfter = "supply_after", positionAfter = "position_after", minMultiple = "min_multiple", maxSharePct = "max_share_pct"
    }

    /// `target` receiving `amount` now.
    public init(_ target: MarketSnapshot, receiving amount: TokenAmount, guards: MarketGuards) {
        self.init(supplyAfter: target.supply.map { $0.adding(amount) }, positionAfter: target.position.adding(amount),
                  minMultiple: guards.minMarketTVLMultiple, maxSharePct: guards.maxMarketSharePct)
    }

    /// Our share of the market after the move, in percent.
    public var sharePct: Decimal? {
        guard let supplyAfter, supplyAfter.baseUnits > 0 else { return nil }
        return MarketSizing.units(positionAfter.baseUnits) / MarketSizing.units(supplyAfter.baseUnits) * 100
    }

    public var tvlPassed: Bool {
        guard let supplyAfter else { return true }
        return MarketSizing.units(supplyAfter.baseUnits) >= minMultiple * MarketSizing.units(positionAfter.baseUnits)
    }

    public var sharePassed: Bool {
        guard let supplyAfter else { return true }
        return MarketSizing.units(positionAfter.baseUnits) * 100 <= maxSharePct * MarketSizing.units(supplyAfter.baseUnits)
    }
}
