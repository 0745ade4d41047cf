import Foundation

/// A finished execution as the scorecard reads it: what was moved, what it cost, and the gate
/// verdict it was decided on.
public struct MoveRecord: Hashable, Sendable {
    public var execution: ExecutionSummary
    /// The newest gate verdict for the move's recommendation (an approved move's re-check); nil when
    /// the log no longer holds it.
    public var analysis: ProfitabilityAnalysis?
    public var steps: [StepRecord]

    public init(execution: ExecutionSummary, analysis: ProfitabilityAnalysis?, steps: [StepRecord] = []) {
        self.execution = execution
        self.analysis = analysis
        self.steps = steps
    }

    public var completedAt: Date { execution.finishedAt ?? execution.startedAt }
}

/// How one completed move did: predicted at decision time against measured since.
public struct MoveScore: Hashable, Sendable, Identifiable {
    /// An estimate far enough off that the gates need tuning.
    public enum Flag: Hashable, Sendable, CustomStringConvertible {
        case gas(estimatedUSD: Decimal, actualUSD: Decimal)
        case apy(predictedPoints: Decimal, realizedPoints: Decimal)

        public var description: String {
            switch self {
            case .gas(let e, let a):
                "gas $\(a.fixed(4)) vs $\(e.fixed(4)) estimated (\(e > 0 ? (abs(a - e) / e * 100).fixed(0) + "% " + (a > e ? "above" : "below") : "no estimate"))"
            case .apy(let p, let r):
                "APY gain \(r.fixed(2)) pp vs \(p.fixed(2)) pp predicted"
            }
        }
    }

    public var move: MoveRecord
    /// The period measured: from the move to the newest scan, or to when a later move took funds
    /// out of the target.
    public var from: Date
    public var to: Date
    /// The target's realized APY over the period, from its balance growth.
    public var targetRealizedAPY: Decimal?
    /// The source's APY over the period as the position history recorded it (time-weighted); 0 for
    /// idle funds (the wallet pays nothing).
    public var sourceMeasuredAPY: Decimal?
    public var earnedInTargetUSD: Decimal
    public var sourceWouldHaveEarnedUSD: Decimal
    public var flags: [Flag]

    public var id: UUID { move.execution.id }
    public var execution: ExecutionSummary { move.execution }
    public var extraEarnedUSD: Decimal { earnedInTargetUSD - sourceWouldHaveEarnedUSD }
    public var actualGasUSD: Decimal { move.execution.gasCostUSD }
    public var estimatedGasUSD: Decimal? { move.analysis?.costs.gasUSD }
    /// What moving gained over staying, after the gas it paid.
    public var netBenefitUSD: Decimal { extraEarnedUSD - actualGasUSD }
    /// The extra earnings have paid the gas back.
    public var paidBack: Bool { netBenefitUSD > 0 }
    public var days: Decimal { EarningsCalculator.seconds(from: from, to: to) / 86_400 }
    /// What the verdict predicted for a period this long: the annual gain pro rata, less its costs.
    public var predictedSoFarUSD: Decimal? {
        move.analysis.map { $0.annualGainUSD * days / 365 - $0.costs.totalUSD }
    }
    public var realizedImprovementPoints: Decimal? {
        guard let t = targetRealizedAPY, let s = sourceMeasuredAPY else { return nil }
        return t - s
    }
}

/// The scorecard's totals.
public struct ScorecardSummary: Hashable, Sendable {
    public var moves = 0
    public var wins = 0
    public var totalGasUSD: Decimal = 0
    public var estimatedGasUSD: Decimal = 0
    /// Gas of executions that moved nothing (failed, stranded): a cost with no benefit.
    public var failedGasUSD: Decimal = 0
    public var extraEarnedUSD: Decimal = 0
    /// All rebalancing against never moving: extra earnings less every execution's gas.
    public var netBenefitUSD: Decimal = 0
    public var flagged = 0

    public init() {}

    /// Percent of moves that paid their gas back; nil without moves.
    public var winRate: Decimal? { moves > 0 ? Decimal(wins) * 100 / Decimal(moves) : nil }
    public var paybackAchieved: Bool { netBenefitUSD > 0 }
}

public struct Scorecard: Hashable, Sendable {
    /// Newest first.
    public var moves: [MoveScore]
    public var summary: ScorecardSummary

    public init(moves: [MoveScore] = [], summary: ScorecardSummary = ScorecardSummary()) {
        self.moves = moves
        self.summary = summary
    }
}

/// Did rebalancing beat staying put? Per completed move: what the moved funds earned in the target
/// (its realized APY from balance growth) against what they would have earned in the source (its
/// APY as each scan measured it) over the same period, less the gas the move paid. Pure.
public enum RebalanceScorecard {
    /// Actual gas more than 50 % above or below the estimate is flagged.
    public static let gasTolerance = Decimal(string: "0.5")!
    /// A realized APY gain more than 1 percentage point from the predicted one is flagged...
    public static let apyTolerancePoints: Decimal = 1
    /// ...once the move has been measured for a day (shorter spans are noise on live markets).
    public static let apyMinimumSeconds: TimeInterval = 86_400

    public static func score(_ records: [MoveRecord], intervals: [EarningsInterval]) -> Scorecard {
        let end = intervals.last?.to
        let sums = Cumulative(intervals)
        var summary = ScorecardSummary()
        let moved = records.filter { $0.execution.status == .succeeded }.sorted { $0.completedAt < $1.completedAt }
        var scores: [MoveScore] = []
        for (i, record) in moved.enumerated() {
            let target = record.execution.recommendation.to
            // The funds stay in the target until a later move takes money out of it.
            let leaves = moved[(i + 1)...].first { $0.execution.recommendation.from == target }?.completedAt
            let from = record.completedAt
            let to = max(from, [leaves, end].compactMap { $0 }.min() ?? from)
            let score = measure(record, from: from, to: to, sums: sums)
            scores.append(score)
            summary.moves += 1
            if score.paidBack { summary.wins += 1 }
            summary.extraEarnedUSD += score.extraEarnedUSD
            summary.estimatedGasUSD += score.estimatedGasUSD ?? 0
            if !score.flags.isEmpty { summary.flagged += 1 }
        }
        for r in records where r.execution.status != .running {
            summary.totalGasUSD += r.execution.gasCostUSD
            if r.execution.status != .succeeded { summary.failedGasUSD += r.execution.gasCostUSD }
        }
        summary.netBenefitUSD = summary.extraEarnedUSD - summary.totalGasUSD
        return Scorecard(moves: scores.reversed(), summary: summary)
    }

    /// Running totals of each market's interval figures: any run of intervals sums in constant
    /// time, so scoring many moves over a long history stays linear.
    struct Cumulative {
        struct Totals {
            var earned: Int128 = 0
            var capitalMillis: Int128 = 0
            var apyMicroMillis: Int128 = 0
            var apyMillis: Int128 = 0
            var intervals = 0
        }
        let starts: [Date]
        let ends: [Date]
        var sums: [MarketID: [Totals]] = [:]

        init(_ intervals: [EarningsInterval]) {
            starts = intervals.map(\.from)
            ends = intervals.map(\.to)
            for market in Set(intervals.flatMap(\.markets.keys)) {
                var running = Totals()
                var prefix = [running]
                prefix.reserveCapacity(intervals.count + 1)
                for interval in intervals {
                    if let e = interval.markets[market] {
                        running.earned += e.earned
                        running.capitalMillis += e.capitalMillis
                        running.apyMicroMillis += e.apyMicroMillis
                        running.apyMillis += e.apyMillis
                        running.intervals += 1
                    }
                    prefix.append(running)
                }
                sums[market] = prefix
            }
        }

        /// The market over the intervals overlapping [from, to); nil when none measured it.
        func merged(_ market: MarketID, from: Date, to: Date) -> MarketEarnings? {
            guard let prefix = sums[market] else { return nil }
            let lo = Self.firstIndex(ends) { $0 > from }
            let hi = Self.firstIndex(starts) { $0 >= to }
            guard hi > lo else { return nil }
            let a = prefix[lo], b = prefix[hi]
            guard b.intervals > a.intervals else { return nil }
            return MarketEarnings(earned: b.earned - a.earned, capitalMillis: b.capitalMillis - a.capitalMillis,
                                  apyMicroMillis: b.apyMicroMillis - a.apyMicroMillis, apyMillis: b.apyMillis - a.apyMillis)
        }

        /// The first index whose date passes `test` (dates ascending); the count when none does.
        static func firstIndex(_ dates: [Date], _ test: (Date) -> Bool) -> Int {
            var low = 0, high = dates.count
            while low < high {
                let mid = (low + high) / 2
                if test(dates[mid]) { high = mid } else { low = mid + 1 }
            }
            return low
        }
    }

    static func measure(_ record: MoveRecord, from: Date, to: Date, sums: Cumulative) -> MoveScore {
        let rec = record.execution.recommendation
        func merged(_ market: MarketID) -> MarketEarnings? { sums.merged(market, from: from, to: to) }
        let targetAPY = merged(rec.to).flatMap { $0.realizedAPY ?? $0.meanQuotedAPY }
        let sourceAPY: Decimal?
        if let source = rec.from { sourceAPY = merged(source)?.meanQuotedAPY } else { sourceAPY = 0 }
        let millis = Int128(EarningsCalculator.milliseconds(from: from, to: to))
        let amount = rec.amount.decimalValue
        // The amount compounded at `apy` for the period, less the amount (fixed point: see DecimalMath).
        func earned(_ apy: Decimal?) -> Decimal {
            guard let apy, millis > 0, let base = DecimalMath.toFixed(1 + apy / 100), base > 0 else { return 0 }
            let exponent = DecimalMath.logFixed(base) * millis / DecimalMath.millisecondsPerYear
            return amount * DecimalMath.fromFixed(DecimalMath.expFixed(exponent) - DecimalMath.one)
        }
        var score = MoveScore(move: record, from: from, to: to, targetRealizedAPY: targetAPY, sourceMeasuredAPY: sourceAPY,
                              earnedInTargetUSD: earned(targetAPY), sourceWouldHaveEarnedUSD: earned(sourceAPY), flags: [])
        if let estimate = score.estimatedGasUSD, estimate > 0, abs(score.actualGasUSD - estimate) > estimate * gasTolerance {
            score.flags.append(.gas(estimatedUSD: estimate, actualUSD: score.actualGasUSD))
        }
        if let predicted = record.analysis?.apyImprovement, let realized = score.realizedImprovementPoints,
           to.timeIntervalSince(from) >= apyMinimumSeconds, abs(realized - predicted) > apyTolerancePoints {
            score.flags.append(.apy(predictedPoints: predicted, realizedPoints: realized))
        }
        return score
    }
}
