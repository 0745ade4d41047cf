import Foundation

/// What one market did between two scans: its balance growth net of the engine's own deposits and
/// withdrawals (never a product of an APY), the capital that earned it, and its quoted rate.
public struct MarketEarnings: Hashable, Sendable {
    /// Base units earned; negative is a loss.
    public var earned: Int128
    /// Σ capital × seconds in base-unit-seconds: the balance at the start for the whole interval,
    /// each flow for the part of the interval after it (modified Dietz).
    public var capitalSeconds: Decimal
    /// Σ recorded APY (percent) × seconds, over `apySeconds`' coverage: the rate the chain quoted.
    public var apyPercentSeconds: Decimal
    /// Seconds during which the APY was measured (an unmeasured vault's 0 % is not a rate).
    public var apySeconds: Decimal
    public var deposited: UInt128
    public var withdrawn: UInt128
    /// The balance and APY at the interval's end.
    public var closing: UInt128
    public var closingAPY: Decimal

    public init(earned: Int128 = 0, capitalSeconds: Decimal = 0, apyPercentSeconds: Decimal = 0, apySeconds: Decimal = 0,
                deposited: UInt128 = 0, withdrawn: UInt128 = 0, closing: UInt128 = 0, closingAPY: Decimal = 0) {
        self.earned = earned
        self.capitalSeconds = capitalSeconds
        self.apyPercentSeconds = apyPercentSeconds
        self.apySeconds = apySeconds
        self.deposited = deposited
        self.withdrawn = withdrawn
        self.closing = closing
        self.closingAPY = closingAPY
    }

    /// This interval followed by `next`.
    public func followed(by next: MarketEarnings) -> MarketEarnings {
        MarketEarnings(earned: earned + next.earned, capitalSeconds: capitalSeconds + next.capitalSeconds,
                       apyPercentSeconds: apyPercentSeconds + next.apyPercentSeconds, apySeconds: apySeconds + next.apySeconds,
                       deposited: deposited + next.deposited, withdrawn: withdrawn + next.withdrawn,
                       closing: next.closing, closingAPY: next.closingAPY)
    }

    /// The realized APY in percent (balance growth per capital, compounded over a year); nil
    /// without capital.
    public var realizedAPY: Decimal? { EarningsCalculator.annualized(earned: earned, capitalSeconds: capitalSeconds) }

    /// The time-weighted APY the chain quoted; nil when it never was measured.
    public var meanQuotedAPY: Decimal? { apySeconds > 0 ? apyPercentSeconds / apySeconds : nil }
}

/// The treasury between two scans (or a run of scans merged): each market's earnings, idle funds.
public struct EarningsInterval: Hashable, Sendable {
    public var from: Date
    public var to: Date
    public var decimals: UInt8
    public var markets: [LendingProtocol: MarketEarnings]
    public var idleClosing: UInt128
    /// Idle funds × seconds: they count in the treasury's capital and earn nothing.
    public var idleCapitalSeconds: Decimal

    public init(from: Date, to: Date, decimals: UInt8, markets: [LendingProtocol: MarketEarnings], idleClosing: UInt128,
                idleCapitalSeconds: Decimal) {
        self.from = from
        self.to = to
        self.decimals = decimals
        self.markets = markets
        self.idleClosing = idleClosing
        self.idleCapitalSeconds = idleCapitalSeconds
    }

    public var earned: Int128 { markets.values.reduce(0) { $0 + $1.earned } }
    public var capitalSeconds: Decimal { markets.values.reduce(idleCapitalSeconds) { $0 + $1.capitalSeconds } }
    public var closingTotal: UInt128 { markets.values.reduce(idleClosing) { $0 + $1.closing } }

    /// This interval and the next one as one.
    public func followed(by next: EarningsInterval) -> EarningsInterval {
        var merged = markets
        for (p, e) in next.markets { merged[p] = merged[p].map { $0.followed(by: e) } ?? e }
        return EarningsInterval(from: from, to: next.to, decimals: next.decimals, markets: merged, idleClosing: next.idleClosing,
                                idleCapitalSeconds: idleCapitalSeconds + next.idleCapitalSeconds)
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
