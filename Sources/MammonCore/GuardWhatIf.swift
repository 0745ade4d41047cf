import Foundation

/// The calculator's what-if for the market guards (`mammon profitability`): the figures an
/// operator supplies instead of the engine's scans and history. With none of them set the
/// calculator lists only the original six gates.
public struct GuardWhatIf: Sendable {
    /// The target's average over the APY window (default: the spot target APY).
    public var windowAPY: Decimal?
    /// Hours of the window the target's readings cover (default: all of it).
    public var historyHours: Decimal?
    /// The target market's supply before the move, in USD (default: not reported, not checked).
    public var marketSupplyUSD: Decimal?
    /// Our position already in the target, in USD.
    public var positionInTargetUSD: Decimal?
    /// Hours since a move last touched the source market (default: never).
    public var hoursSinceMove: Decimal?
    /// The source market's supply fell this many percent within 24 h.
    public var supplyDropPct: Decimal?
    /// The source market's utilization in percent, having stayed there for an hour.
    public var utilizationPct: Decimal?

    public init() {}

    public var isEmpty: Bool {
        windowAPY == nil && historyHours == nil && marketSupplyUSD == nil && positionInTargetUSD == nil && hoursSinceMove == nil
            && supplyDropPct == nil && utilizationPct == nil
    }

    /// The market the calculator's source and target stand for.
    public static let source = MarketID(family: .erc4626, name: "source")!
    public static let target = MarketID(family: .erc4626, name: "target")!

    /// The target APY to judge the move on (the lower of spot and window, after our deposit) and
    /// the guards' checks; nil when no what-if figure is set.
    public func judge(targetAPY spot: Decimal, amountUSD: Decimal, newPosition: Bool, guards: MarketGuards, now: Date)
        -> (targetAPY: Decimal, checks: GuardChecks)? {
        guard !isEmpty else { return nil }
        func units(_ usd: Decimal) -> TokenAmount {
            TokenAmount(baseUnits: UInt128(max(0, usd).shifted(by: Int(Token.usdc.decimals)).rounded(0, .down).plainString) ?? 0,
                        decimals: Token.usdc.decimals)
        }
        let amount = units(amountUSD)
        var target = MarketSnapshot(quote: YieldQuote(marketID: Self.target, token: .usdc, apy: spot, observedAt: now),
                                    position: units(positionInTargetUSD ?? 0))
        target.supply = marketSupplyUSD.map(units)
        let window = guards.apyWindowHours
        let needed = guards.neededHistorySeconds
        func seconds(_ hours: Decimal) -> Int { Int((hours * 3600).rounded(0, .down).plainString) ?? 0 }
        let covered = historyHours.map(seconds) ?? window * 3600
        let condition = MarketCondition(marketID: Self.target, spotAPY: spot, windowAPY: window > 0 ? (windowAPY ?? spot) : nil,
                                        windowHours: window, coveredSeconds: covered, neededSeconds: needed)
        let optimizer = YieldOptimizer(allowed: [Self.target], minimumAmountUSD: 0, maxTransactionValueUSD: amountUSD, guards: guards)
        let judged = optimizer.targetAPY(target, condition, deposit: amount)
        var exit: ExitReason?
        if let drop = supplyDropPct, drop >= guards.exitTVLDropPct {
            exit = .supplyDrop(Self.source, peak: units(100), peakAt: now, now: units(100 - min(drop, 100)), dropPct: drop)
        } else if let u = utilizationPct, u / 100 >= MarketGuards.exitUtilization {
            exit = .utilizationStuck(Self.source, since: now.addingTimeInterval(-MarketGuards.utilizationStaysSeconds), now: u / 100)
        }
        let patience = newPosition ? nil : PatienceCheck(
            marketID: Self.source, lastMoveAt: hoursSinceMove.map { now.addingTimeInterval(-TimeInterval(seconds($0))) },
            now: now, minimumHours: guards.minHoursBetweenMoves)
        let checks = GuardChecks(targetRate: RateCheck(condition, judgedAPY: judged), size: SizeCheck(target, receiving: amount, guards: guards),
                                 patience: patience, exit: exit)
        return (judged, checks)
    }
}
