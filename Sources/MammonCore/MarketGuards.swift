import Foundation

/// The rules a careful allocator keeps beside the profitability gates: judge a rate over a window,
/// size a position against its market, leave a market that drains or stays fully borrowed, and
/// wait between moves of a position.
public struct MarketGuards: Hashable, Sendable {
    /// A target's APY is judged over this many hours of its scanned history; 0 judges the spot rate
    /// and needs no history.
    public var apyWindowHours: Int = 24
    /// A target's supply after the move must be at least this many times our position there.
    public var minMarketTVLMultiple: Decimal = 10
    /// Our share of a target's supply after the move, in percent, at most.
    public var maxMarketSharePct: Decimal = 15
    /// A position leaves a market whose supply fell by this many percent from its highest reading
    /// in the last 24 h.
    public var exitTVLDropPct: Decimal = 50
    /// A position moved (in or out) less than this many hours ago is not moved again, exits aside.
    public var minHoursBetweenMoves: Int = 6

    public init() {}

    public init(apyWindowHours: Int, minMarketTVLMultiple: Decimal, maxMarketSharePct: Decimal, exitTVLDropPct: Decimal,
                minHoursBetweenMoves: Int) {
        self.apyWindowHours = apyWindowHours
        self.minMarketTVLMultiple = minMarketTVLMultiple
        self.maxMarketSharePct = maxMarketSharePct
        self.exitTVLDropPct = exitTVLDropPct
        self.minHoursBetweenMoves = minHoursBetweenMoves
    }

    /// Spot rates, no size limits, no waiting: what the optimizer did before these rules, for
    /// callers that judge something else (the original calculator's cases, benchmarks). Exits stay
    /// armed only for a market that empties completely.
    public static let off = MarketGuards(apyWindowHours: 0, minMarketTVLMultiple: 1, maxMarketSharePct: 100, exitTVLDropPct: 100,
                                         minHoursBetweenMoves: 0)

    /// Utilization at or above this (0…1) means withdrawals may have to wait: such a market is not a
    /// target, and a position in one that stays there is moved out.
    public static let exitUtilization = Decimal(string: "0.99")!
    /// "Stays": every scan for at least this long reads at or above `exitUtilization`.
    public static let utilizationStaysSeconds: TimeInterval = 3600
    /// The supply drop is measured from the highest reading in this span.
    public static let supplyDropSeconds: TimeInterval = 86_400

    /// Seconds of readings the window needs before a market is a target: half the window.
    public var neededHistorySeconds: Int { apyWindowHours * 3600 / 2 }

    /// How far back the engine reads the position history to judge the markets now.
    public var historySpan: TimeInterval { max(TimeInterval(apyWindowHours) * 3600, Self.supplyDropSeconds) }
}
