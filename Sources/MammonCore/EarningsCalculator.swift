import Foundation

/// A period earnings are reported over, ending at the newest scan.
public enum EarningsSpan: String, CaseIterable, Codable, Sendable {
    case day = "24h", week = "7d", month = "30d", all = "all"

    public var seconds: TimeInterval? {
        switch self {
        case .day: 86_400
        case .week: 7 * 86_400
        case .month: 30 * 86_400
        case .all: nil
        }
    }

    public var title: String { self == .all ? "since start" : rawValue }
}

/// Earnings and realized APY over one span: the treasury's and each market's.
public struct EarningsWindow: Hashable, Sendable {
    public struct Figures: Hashable, Sendable {
        /// Base units; negative is a loss.
        public var earned: Int128
        /// Percent a year, from balance growth; nil without capital over the span.
        public var realizedAPY: Decimal?
        public init(earned: Int128, realizedAPY: Decimal?) {
            self.earned = earned
            self.realizedAPY = realizedAPY
        }
    }

    public var span: EarningsSpan
    /// What the scans actually cover: from the newest scan at or before the span's start (or the
    /// first scan) to the newest scan. nil when there are not two scans yet.
    public var from: Date?
    public var to: Date?
    public var decimals: UInt8
    public var treasury: Figures
    public var markets: [MarketID: Figures]

    public var earnedAmount: Decimal { treasury.earned.decimalValue.shifted(by: -Int(decimals)) }
}

/// Measures what the treasury earned from the position history: balance growth between scans net of
/// the engine's own deposits and withdrawals, never an APY times a balance. Pure.
public enum EarningsCalculator {
    /// One interval per pair of consecutive observations, each with the flows that happened between
    /// them (by log position, so a flow at the same clock time as a scan is still placed right).
    public static func intervals(_ observations: [BalanceObservation], flows: [TreasuryFlow]) -> [EarningsInterval] {
        let obs = observations.sorted { ($0.logPosition, $0.at) < ($1.logPosition, $1.at) }
        let sortedFlows = flows.sorted { $0.logPosition < $1.logPosition }
        var out: [EarningsInterval] = []
        out.reserveCapacity(max(0, obs.count - 1))
        var f = sortedFlows.startIndex
        for i in obs.indices.dropFirst() {
            let a = obs[i - 1], b = obs[i]
            while f < sortedFlows.endIndex, sortedFlows[f].logPosition <= a.logPosition { f += 1 }
            var end = f
            while end < sortedFlows.endIndex, sortedFlows[end].logPosition <= b.logPosition { end += 1 }
            out.append(interval(from: a, to: b, flows: sortedFlows[f..<end]))
            f = end
        }
        return out
    }

    /// What happened between two observations, given the engine's flows in between.
    public static func interval(from a: BalanceObservation, to b: BalanceObservation, flows: ArraySlice<TreasuryFlow>) -> EarningsInterval {
        let dt = Int128(milliseconds(from: a.at, to: b.at))
        var markets: [MarketID: MarketEarnings] = [:]
        for end in b.markets {
            // A market not read at both ends cannot be measured over this interval.
            guard let start = a.market(end.marketID) else { continue }
            var e = MarketEarnings(closing: end.amount.baseUnits, closingAPY: end.apy)
            var net: Int128 = 0
            e.capitalMillis = Int128(start.amount.baseUnits) * dt
            for flow in flows where flow.market == end.marketID {
                net += flow.signedBaseUnits
                if flow.direction == .deposit { e.deposited += flow.amount.baseUnits } else { e.withdrawn += flow.amount.baseUnits }
                let at = min(max(flow.at, a.at), b.at)
                e.capitalMillis += flow.signedBaseUnits * Int128(milliseconds(from: at, to: b.at))
            }
            e.earned = Int128(end.amount.baseUnits) - Int128(start.amount.baseUnits) - net
            if start.apyMeasured {
                e.apyMicroMillis = Int128(start.apyMicroPercent) * dt
                e.apyMillis = dt
            }
            markets[end.marketID] = e
        }
        return EarningsInterval(from: a.at, to: b.at, decimals: b.idle.decimals, markets: markets, idleClosing: b.idle.baseUnits,
                                idleCapitalMillis: Int128(a.idle.baseUnits) * dt)
    }

    /// Earnings over `span`, ending at the last interval: intervals ending after the span's start.
    public static func window(_ intervals: [EarningsInterval], span: EarningsSpan) -> EarningsWindow {
        guard let last = intervals.last else {
            return EarningsWindow(span: span, from: nil, to: nil, decimals: 6, treasury: .init(earned: 0, realizedAPY: nil), markets: [:])
        }
        var first = intervals.endIndex - 1
        if let seconds = span.seconds {
            let start = last.to.addingTimeInterval(-seconds)
            while first > intervals.startIndex, intervals[first - 1].to > start { first -= 1 }
        } else {
            first = intervals.startIndex
        }
        let merged = intervals[(first + 1)...].reduce(intervals[first]) { $0.followed(by: $1) }
        return window(merged, span: span)
    }

    /// The figures of one (merged) interval.
    public static func window(_ merged: EarningsInterval, span: EarningsSpan) -> EarningsWindow {
        EarningsWindow(span: span, from: merged.from, to: merged.to, decimals: merged.decimals,
                       treasury: .init(earned: merged.earned, realizedAPY: annualized(earned: merged.earned, capitalMillis: merged.capitalMillis)),
                       markets: merged.markets.mapValues { .init(earned: $0.earned, realizedAPY: $0.realizedAPY) })
    }

    /// 24 h, 7 d, 30 d and since start.
    public static func windows(_ intervals: [EarningsInterval]) -> [EarningsWindow] {
        EarningsSpan.allCases.map { window(intervals, span: $0) }
    }

    /// Growth per unit of capital and time, compounded over a year, in percent: what a constant APY
    /// of that value would have paid. nil without capital.
    public static func annualized(earned: Int128, capitalMillis: Int128) -> Decimal? {
        guard capitalMillis > 0 else { return nil }
        // The year's exponent in fixed point: earned × year / capital (a division in Decimal, whose
        // 38 digits hold the product).
        let exponent = earned.decimalValue * DecimalMath.millisecondsPerYear.decimalValue / capitalMillis.decimalValue
        guard let fixed = DecimalMath.toFixed(min(max(exponent, -40), 40)) else { return nil }
        return (DecimalMath.expFixed(fixed) - DecimalMath.one).decimalValue.shifted(by: -16)
    }

    /// Older intervals merged by the UTC block their end falls in: one per 4 hours for those ending
    /// before `everyScanFrom`, one per day for those ending before `dailyBefore`; later ones kept as
    /// they are. Earnings telescope, so no base unit is lost; only the resolution of charts and of
    /// capital weighting drops with age.
    public static func compacted(_ intervals: [EarningsInterval], everyScanFrom: Date, dailyBefore: Date) -> [EarningsInterval] {
        var out: [EarningsInterval] = []
        out.reserveCapacity(intervals.count)
        var lastBlock: Int64?
        for interval in intervals {
            let block = self.block(of: interval.to, everyScanFrom: everyScanFrom, dailyBefore: dailyBefore)
            if let block, block == lastBlock, let last = out.last {
                out[out.count - 1] = last.followed(by: interval)
            } else {
                out.append(interval)
            }
            lastBlock = block
        }
        return out
    }

    /// The UTC block a time falls in (days and 4-hour blocks numbered apart); nil at full resolution.
    static func block(of date: Date, everyScanFrom: Date, dailyBefore: Date) -> Int64? {
        guard date < everyScanFrom else { return nil }
        let hours = Int64((date.timeIntervalSince1970 / 3600).rounded(.down))
        return date < dailyBefore ? (hours / 24) * 2 : (hours / 4) * 2 + 1
    }

    /// Milliseconds between two dates (dates are stored to the millisecond).
    public static func milliseconds(from a: Date, to b: Date) -> Int64 {
        Int64((b.timeIntervalSince(a) * 1000).rounded())
    }

    /// Seconds between two dates, to the millisecond.
    public static func seconds(from a: Date, to b: Date) -> Decimal {
        Decimal(milliseconds(from: a, to: b)).shifted(by: -3)
    }
}
