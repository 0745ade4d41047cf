import Foundation

/// What one market did between two scans: its balance growth net of the engine's own deposits and
/// withdrawals (never a product of an APY), the capital that earned it, and its quoted rate. The
/// sums are integers (base units × milliseconds, millionths of a percent × milliseconds), so a
/// year of intervals adds up exactly and fast.
public struct MarketEarnings: Hashable, Sendable {
    /// Base units earned; negative is a loss.
    public var earned: Int128
    /// Σ capital × milliseconds: the balance at the start for the whole interval, each flow for the
    /// part of the interval after it (modified Dietz).
    public var capitalMillis: Int128
    /// Σ recorded APY (millionths of a percent) × milliseconds, over `apyMillis`' coverage.
    public var apyMicroMillis: Int128
    /// Milliseconds during which the APY was measured (an unmeasured vault's 0 % is not a rate).
    public var apyMillis: Int128
    public var deposited: UInt128
    public var withdrawn: UInt128
    /// The balance and APY at the interval's end.
    public var closing: UInt128
    public var closingAPY: Decimal

    public init(earned: Int128 = 0, capitalMillis: Int128 = 0, apyMicroMillis: Int128 = 0, apyMillis: Int128 = 0,
                deposited: UInt128 = 0, withdrawn: UInt128 = 0, closing: UInt128 = 0, closingAPY: Decimal = 0) {
        self.earned = earned
        self.capitalMillis = capitalMillis
        self.apyMicroMillis = apyMicroMillis
        self.apyMillis = apyMillis
        self.deposited = deposited
        self.withdrawn = withdrawn
        self.closing = closing
        self.closingAPY = closingAPY
    }

    /// This interval followed by `next`.
    public func followed(by next: MarketEarnings) -> MarketEarnings {
        MarketEarnings(earned: earned + next.earned, capitalMillis: capitalMillis + next.capitalMillis,
                       apyMicroMillis: apyMicroMillis + next.apyMicroMillis, apyMillis: apyMillis + next.apyMillis,
                       deposited: deposited + next.deposited, withdrawn: withdrawn + next.withdrawn,
                       closing: next.closing, closingAPY: next.closingAPY)
    }

    /// Capital × time in base-unit-seconds.
    public var capitalSeconds: Decimal { capitalMillis.decimalValue.shifted(by: -3) }

    /// The realized APY in percent (balance growth per capital, compounded over a year); nil
    /// without capital.
    public var realizedAPY: Decimal? { EarningsCalculator.annualized(earned: earned, capitalMillis: capitalMillis) }

    /// The time-weighted APY the chain quoted; nil when it never was measured.
    public var meanQuotedAPY: Decimal? {
        apyMillis > 0 ? (apyMicroMillis.decimalValue / apyMillis.decimalValue).shifted(by: -6) : nil
    }
}

/// The treasury between two scans (or a run of scans merged): each market's earnings, idle funds.
public struct EarningsInterval: Hashable, Sendable {
    public var from: Date
    public var to: Date
    public var decimals: UInt8
    public var markets: [MarketID: MarketEarnings]
    public var idleClosing: UInt128
    /// Idle funds × milliseconds: they count in the treasury's capital and earn nothing.
    public var idleCapitalMillis: Int128

    public init(from: Date, to: Date, decimals: UInt8, markets: [MarketID: MarketEarnings], idleClosing: UInt128,
                idleCapitalMillis: Int128) {
        self.from = from
        self.to = to
        self.decimals = decimals
        self.markets = markets
        self.idleClosing = idleClosing
        self.idleCapitalMillis = idleCapitalMillis
    }

    public var earned: Int128 { markets.values.reduce(0) { $0 + $1.earned } }
    public var capitalMillis: Int128 { markets.values.reduce(idleCapitalMillis) { $0 + $1.capitalMillis } }
    public var closingTotal: UInt128 { markets.values.reduce(idleClosing) { $0 + $1.closing } }

    /// This interval and the next one as one.
    public func followed(by next: EarningsInterval) -> EarningsInterval {
        var merged = markets
        for (p, e) in next.markets { merged[p] = merged[p].map { $0.followed(by: e) } ?? e }
        return EarningsInterval(from: from, to: next.to, decimals: next.decimals, markets: merged, idleClosing: next.idleClosing,
                                idleCapitalMillis: idleCapitalMillis + next.idleCapitalMillis)
    }
}

extension Int128 {
    /// Exact as a Decimal (38 digits hold any balance).
    public var decimalValue: Decimal {
        if let small = Int64(exactly: self) { return Decimal(small) }
        return Decimal(string: String(self))!
    }
}

extension UInt128 {
    public var decimalValue: Decimal {
        if let small = UInt64(exactly: self) { return Decimal(small) }
        return Decimal(string: String(self))!
    }
}
