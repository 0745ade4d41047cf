import Foundation

/// One market as a scan saw it: the wallet's exact position there and the market's APY then.
public struct MarketBalance: Hashable, Sendable {
    public var marketID: MarketID
    public var amount: TokenAmount
    /// APY in percent, as the chain reported it at this scan.
    public let apy: Decimal
    /// The same APY in millionths of a percent, for integer time-weighting.
    public let apyMicroPercent: Int64
    public var apyMeasured: Bool

    public init(marketID: MarketID, amount: TokenAmount, apy: Decimal, apyMeasured: Bool = true) {
        self.init(marketID: marketID, amount: amount, apy: apy,
                  apyMicroPercent: Int64(clamping: Decimal.scaledInteger(apy.plainString, digits: 6) ?? 0), apyMeasured: apyMeasured)
    }

    /// With the APY already scaled (read from its stored text).
    public init(marketID: MarketID, amount: TokenAmount, apy: Decimal, apyMicroPercent: Int64, apyMeasured: Bool) {
        self.marketID = marketID
        self.amount = amount
        self.apy = apy
        self.apyMicroPercent = apyMicroPercent
        self.apyMeasured = apyMeasured
    }
}

/// What one scan saw of the treasury: every position, each market's APY, the idle balance and the
/// block. The rows of the append-only position history; earnings are measured between them.
public struct BalanceObservation: Hashable, Sendable {
    public var at: Date
    public var block: UInt64?
    /// How many events the log held when the balances were read: orders this observation against
    /// the engine's own deposits and withdrawals (their `step.finished` events) exactly, even when
    /// a clock shows the same time for both.
    public var logPosition: Int64
    public var idle: TokenAmount
    public var markets: [MarketBalance]

    public init(at: Date, block: UInt64? = nil, logPosition: Int64, idle: TokenAmount, markets: [MarketBalance]) {
        self.at = at
        self.block = block
        self.logPosition = logPosition
        self.idle = idle
        self.markets = markets
    }

    /// From what a scan published (`markets.scanned`).
    public init(at: Date, logPosition: Int64, idle: TokenAmount, snapshots: [MarketSnapshot]) {
        self.init(at: at, block: snapshots.compactMap(\.block).max(), logPosition: logPosition, idle: idle,
                  markets: snapshots.map { MarketBalance(marketID: $0.quote.marketID, amount: $0.position,
                                                         apy: $0.quote.apy, apyMeasured: $0.apyMeasured) })
    }

    public func market(_ p: MarketID) -> MarketBalance? { markets.first { $0.marketID == p } }

    /// Idle funds plus every position, in base units.
    public var totalBaseUnits: UInt128 { markets.reduce(idle.baseUnits) { $0 + $1.amount.baseUnits } }
}

/// Money the engine itself moved into or out of a market: a mined deposit or withdraw step.
/// Balance growth net of these is what the market earned.
public struct TreasuryFlow: Hashable, Sendable {
    public enum Direction: String, Sendable { case deposit, withdraw }

    /// The `seq` of the step's `step.finished` event.
    public var logPosition: Int64
    public var at: Date
    public var market: MarketID
    public var direction: Direction
    public var amount: TokenAmount
    public var executionID: UUID

    public init(logPosition: Int64, at: Date, market: MarketID, direction: Direction, amount: TokenAmount, executionID: UUID) {
        self.logPosition = logPosition
        self.at = at
        self.market = market
        self.direction = direction
        self.amount = amount
        self.executionID = executionID
    }

    /// Into the market positive, out of it negative, in base units.
    public var signedBaseUnits: Int128 {
        direction == .deposit ? Int128(amount.baseUnits) : -Int128(amount.baseUnits)
    }

    /// The flows a finished step made, given its execution's recommendation: a mined withdraw takes
    /// the amount out of the source, a mined deposit puts it into the target.
    public static func from(_ record: StepRecord, recommendation rec: RebalanceRecommendation, logPosition: Int64, at: Date) -> TreasuryFlow? {
        guard record.status == .succeeded else { return nil }
        switch record.step {
        case .withdraw:
            guard let source = rec.from else { return nil }
            return TreasuryFlow(logPosition: logPosition, at: record.finishedAt ?? at, market: source, direction: .withdraw,
                                amount: rec.amount, executionID: record.executionID)
        case .deposit:
            return TreasuryFlow(logPosition: logPosition, at: record.finishedAt ?? at, market: rec.to, direction: .deposit,
                                amount: rec.amount, executionID: record.executionID)
        default:
            return nil
        }
    }
}
