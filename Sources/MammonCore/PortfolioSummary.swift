import Foundation

/// What the portfolio view shows, derived from a `PortfolioBook`: where the money is, what it earns
/// now and has earned, charts over a span, and the scorecard.
public struct PortfolioSummary: Hashable, Sendable {
    public struct Holding: Hashable, Sendable {
        /// nil: idle in the wallet.
        public var market: MarketID?
        public var amount: TokenAmount
        /// Percent of the total value.
        public var sharePct: Decimal
        public var apyNow: Decimal?
        public var apyMeasured: Bool
        /// Over the last 30 days, from balance growth.
        public var realizedAPY: Decimal?

        public var name: String { market?.displayName ?? "Wallet" }
    }

    public struct ChartPoint: Hashable, Sendable {
        public var at: Date
        public var value: Decimal
        public init(at: Date, value: Decimal) {
            self.at = at
            self.value = value
        }
    }

    public var asOf: Date?
    /// Markets holding funds, largest first, then the wallet.
    public var holdings: [Holding] = []
    public var total: TokenAmount = .zero(.usdc)
    /// Σ amount × APY now over the total (idle funds count at 0 %).
    public var blendedAPY: Decimal?
    /// 24 h, 7 d, 30 d, since start.
    public var windows: [EarningsWindow] = []
    public var chartSpan: EarningsSpan = .week
    public var valueSeries: [ChartPoint] = []
    public var apySeries: [MarketID: [ChartPoint]] = [:]
    public var scorecard = Scorecard()

    public init() {}

    /// Points per chart at most (a wide chart has ~400 dot columns).
    static let maxChartPoints = 400

    public init(book: PortfolioBook, chartSpan: EarningsSpan) {
        self.chartSpan = chartSpan
        guard let last = book.last else { return }
        asOf = last.at
        windows = EarningsCalculator.windows(book.intervals)
        let month = windows.first { $0.span == .month }
        let total = last.totalBaseUnits
        self.total = TokenAmount(baseUnits: total, decimals: last.idle.decimals)
        func share(_ units: UInt128) -> Decimal { total > 0 ? units.decimalValue * 100 / total.decimalValue : 0 }
        holdings = last.markets.filter { !$0.amount.isZero }.sorted { $0.amount > $1.amount }.map {
            Holding(market: $0.marketID, amount: $0.amount, sharePct: share($0.amount.baseUnits), apyNow: $0.apy,
                    apyMeasured: $0.apyMeasured, realizedAPY: month?.markets[$0.marketID]?.realizedAPY)
        }
        holdings.append(Holding(market: nil, amount: last.idle, sharePct: share(last.idle.baseUnits), apyNow: nil, apyMeasured: true,
                                realizedAPY: nil))
        if total > 0 {
            blendedAPY = last.markets.reduce(Decimal(0)) { $0 + $1.amount.baseUnits.decimalValue * $1.apy } / total.decimalValue
        }
        scorecard = RebalanceScorecard.score(book.moves, intervals: book.intervals)

        var shown = book.intervals[...]
        if let seconds = chartSpan.seconds {
            let start = last.at.addingTimeInterval(-seconds)
            shown = shown.drop { $0.to < start }
        }
        let step = max(1, shown.count / Self.maxChartPoints)
        let sampled = shown.enumerated().filter { $0.offset % step == 0 || $0.offset == shown.count - 1 }.map(\.element)
        valueSeries = sampled.map { ChartPoint(at: $0.to, value: $0.closingTotal.decimalValue.shifted(by: -Int($0.decimals))) }
        for market in last.markets.map(\.marketID) where market.acceptsSingleAssetDeposits {
            apySeries[market] = sampled.compactMap { i in i.markets[market].map { ChartPoint(at: i.to, value: $0.closingAPY) } }
        }
    }

    public func window(_ span: EarningsSpan) -> EarningsWindow? { windows.first { $0.span == span } }
}
