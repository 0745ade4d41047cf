import Foundation

/// The portfolio as a console follows it: the position history folded into earnings intervals (every
/// scan of the last 7 days, one per 4 hours up to 30 days, one per day before), the engine's flows
/// since the last scan, and recent moves with the verdicts they were decided on. Filled from the
/// store when the console opens, then event by event, so the console stays a fold over what the
/// engine publishes.
public struct PortfolioBook: Hashable, Sendable {
    /// Intervals ending within this long of the newest scan keep every scan (the 24 h and 7 d windows
    /// and charts are exact to the scan)...
    public static let fullResolution: TimeInterval = 7 * 86_400
    /// ...then one per 4 UTC hours up to this long (a 30 d chart has no more points than that), and
    /// one per UTC day before. A year of hourly scans is about 640 intervals, not 8,760.
    public static let fourHourlyResolution: TimeInterval = 30 * 86_400
    public static let maxMoves = 100
    static let maxVerdicts = 200

    /// An execution under way: its recommendation (for its flows) and finished steps.
    struct Running: Hashable, Sendable {
        var recommendation: RebalanceRecommendation
        var steps: [StepRecord] = []
    }

    public private(set) var intervals: [EarningsInterval] = []
    public private(set) var last: BalanceObservation?
    /// Oldest first.
    public private(set) var moves: [MoveRecord] = []
    private var pendingFlows: [TreasuryFlow] = []
    private var running: [UUID: Running] = [:]
    private var verdicts: [UUID: ProfitabilityAnalysis] = [:]
    private var verdictOrder: [UUID] = []
    private var scansSinceCompaction = 0

    public init() {}

    /// From the store: the position history (daily beyond 30 days is enough), every flow, recent moves.
    public init(observations: [BalanceObservation], flows: [TreasuryFlow], moves: [MoveRecord]) {
        intervals = EarningsCalculator.intervals(observations, flows: flows)
        last = observations.max { ($0.logPosition, $0.at) < ($1.logPosition, $1.at) }
        pendingFlows = flows.filter { $0.logPosition > last?.logPosition ?? -1 }.sorted { $0.logPosition < $1.logPosition }
        self.moves = Array(moves.suffix(Self.maxMoves))
        compact()
    }

    public var isEmpty: Bool { last == nil }

    /// A scan's balances: closes the interval since the previous scan with the flows in between.
    public mutating func observe(_ observation: BalanceObservation) {
        if let last, observation.logPosition > last.logPosition {
            let inside = pendingFlows.filter { $0.logPosition <= observation.logPosition }
            intervals.append(EarningsCalculator.interval(from: last, to: observation, flows: inside[...]))
            pendingFlows.removeFirst(inside.count)
        } else if last != nil {
            return // older than what is known: the store already had it
        }
        last = observation
        scansSinceCompaction += 1
        if scansSinceCompaction >= 24 { compact() }
    }

    public mutating func executionStarted(_ id: UUID, recommendation: RebalanceRecommendation) {
        running[id] = Running(recommendation: recommendation)
    }

    /// A finished step; a mined deposit or withdraw is a flow the next interval nets out.
    public mutating func stepFinished(_ record: StepRecord, logPosition: Int64, at: Date) {
        guard var r = running[record.executionID] else { return }
        r.steps.removeAll { $0.step == record.step }
        r.steps.append(record)
        running[record.executionID] = r
        if logPosition > last?.logPosition ?? -1,
           let flow = TreasuryFlow.from(record, recommendation: r.recommendation, logPosition: logPosition, at: at) {
            pendingFlows.append(flow)
        }
    }

    public mutating func verdict(_ recommendationID: UUID, _ analysis: ProfitabilityAnalysis) {
        if verdicts.updateValue(analysis, forKey: recommendationID) == nil { verdictOrder.append(recommendationID) }
        if verdictOrder.count > Self.maxVerdicts { verdicts[verdictOrder.removeFirst()] = nil }
    }

    /// Gate verdicts read after the moves (the dashboard shows nothing that needs them): each fills
    /// the analysis of the moves decided on it that have none.
    public mutating func attach(verdicts: [UUID: ProfitabilityAnalysis]) {
        for i in moves.indices where moves[i].analysis == nil {
            moves[i].analysis = verdicts[moves[i].execution.recommendation.id]
        }
    }

    /// The recommendations whose moves have no verdict yet, and the oldest of those moves' starts.
    public var movesWithoutVerdict: (recommendations: Set<UUID>, since: Date)? {
        let bare = moves.filter { $0.analysis == nil }
        guard let since = bare.map(\.execution.startedAt).min() else { return nil }
        return (Set(bare.map(\.execution.recommendation.id)), since)
    }

    public mutating func executionFinished(_ summary: ExecutionSummary) {
        let r = running.removeValue(forKey: summary.id)
        moves.removeAll { $0.execution.id == summary.id }
        moves.append(MoveRecord(execution: summary, analysis: verdicts[summary.recommendation.id], steps: r?.steps ?? []))
        if moves.count > Self.maxMoves { moves.removeFirst(moves.count - Self.maxMoves) }
    }

    private mutating func compact() {
        scansSinceCompaction = 0
        guard let last else { return }
        intervals = EarningsCalculator.compacted(intervals, everyScanFrom: last.at.addingTimeInterval(-Self.fullResolution),
                                                 dailyBefore: last.at.addingTimeInterval(-Self.fourHourlyResolution))
    }
}
