import Foundation
import MammonCore
import Store

/// What a console shows from before it opened, as the engine's own tables hold it (not the newest
/// events, which a year of scans buries): recent executions and errors, the last reading of the
/// markets, and the portfolio's history (every scan of the last 7 days, one per 4 hours up to 30
/// days, one a day before, every flow, the newest moves). Read by one function for both consoles:
/// an in-process console reads it from the database, an attached one from the socket (`records`),
/// so an observer never needs the database.
public struct ConsoleRecords: Codable, Hashable, Sendable {
    /// Newest first.
    public var executions: [ExecutionSummary]
    public var errors: [ErrorRecord]
    public var lastScan: LastScan?
    public var observations: [Observation]
    public var flows: [Flow]
    /// Oldest first, without their gate verdicts (see `verdicts`).
    public var moves: [Move]
    /// Executions still running (or left by a crash): their later steps are flows all the same.
    public var running: [Running]
    /// The moves' gate verdicts, when asked for with the records (the socket serves them together;
    /// in process they are read after the first frame).
    public var verdicts: [UUID: ProfitabilityAnalysis]?

    public struct LastScan: Codable, Hashable, Sendable {
        public var at: Date
        public var markets: [MarketSnapshot]
        public var idle: TokenAmount
    }

    public struct Running: Codable, Hashable, Sendable {
        public var executionID: UUID
        public var recommendation: RebalanceRecommendation
    }

    /// Reads every table the console opens with. `verdicts`: also the moves' gate verdicts.
    public static func read(_ store: AppDatabase, now: Date, verdicts: Bool = false,
                            moves movesRead: (() throws -> [MoveRecord])? = nil) throws -> ConsoleRecords {
        let errors = try store.recentEvents(limit: ConsoleRecords.maxErrors, of: [.error]).compactMap { e -> ErrorRecord? in
            if case .error(let source, let message, _) = e.kind { ErrorRecord(at: e.at, source: source, message: message) } else { nil }
        }
        var lastScan: LastScan?
        // The newest reading of the markets: a scan's, or a verified move's after it.
        if let scan = try store.recentEvents(limit: 1, of: [.marketsScanned, .positionsVerified]).last {
            switch scan.kind {
            case .marketsScanned(_, let markets, let idle), .positionsVerified(_, let markets, let idle):
                lastScan = LastScan(at: scan.at, markets: markets, idle: idle)
            default: break
            }
        }
        let newest = try store.latestBalanceObservation()?.at ?? now
        let observations = try store.balanceObservations(dailyBefore: newest.addingTimeInterval(-PortfolioBook.fourHourlyResolution),
                                                         fourHourlyBefore: newest.addingTimeInterval(-PortfolioBook.fullResolution))
        let flows = try store.treasuryFlows()
        let moves = try movesRead?() ?? store.moveRecords(limit: PortfolioBook.maxMoves, verdicts: false)
        var records = ConsoleRecords(
            executions: try store.executions(limit: ConsoleRecords.maxRecentExecutions), errors: errors, lastScan: lastScan,
            observations: observations.map(Observation.init), flows: flows.map(Flow.init), moves: moves.map(Move.init),
            running: try store.unfinishedExecutions().map { Running(executionID: $0.id, recommendation: $0.recommendation) })
        if verdicts { records.verdicts = try Self.verdicts(store, for: records.portfolio) ?? [:] }
        return records
    }

    /// The gate verdicts of a book's moves that lack one (nil: none does).
    public static func verdicts(_ store: AppDatabase, for book: PortfolioBook) throws -> [UUID: ProfitabilityAnalysis]? {
        guard let wanted = book.movesWithoutVerdict else { return nil }
        return try store.gateVerdicts(for: wanted.recommendations, since: wanted.since)
    }

    /// The portfolio as the console folds it on: the history's intervals, the flows since the last
    /// scan, the moves, and what the running executions will add.
    public var portfolio: PortfolioBook {
        var book = PortfolioBook(observations: observations.map(\.observation), flows: flows.map(\.flow), moves: moves.map(\.record))
        for r in running { book.executionStarted(r.executionID, recommendation: r.recommendation) }
        return book
    }

    /// The console's limits on what it keeps (the same numbers as `ConsoleState`'s).
    public static let maxErrors = 200
    public static let maxRecentExecutions = 20

    /// As the socket carries it: the event log's JSON (decimals exact, dates ISO 8601).
    public func json() throws -> String { try JSONLineWriter.encode(self) }

    public static func decode(_ json: String) throws -> ConsoleRecords {
        try JSONLineReader.decode(ConsoleRecords.self, from: json)
    }
}

extension ConsoleRecords {
    /// A `BalanceObservation` as it crosses the socket (APYs as exact decimal text).
    public struct Observation: Codable, Hashable, Sendable {
        public var at: Date
        public var block: UInt64?
        public var logPosition: Int64
        public var idle: TokenAmount
        public var markets: [Market]

        public struct Market: Codable, Hashable, Sendable {
            public var marketID: MarketID
            public var amount: TokenAmount
            public var apy: String
            public var apyMicroPercent: Int64
            public var apyMeasured: Bool
        }

        init(_ o: BalanceObservation) {
            self.init(at: o.at, block: o.block, logPosition: o.logPosition, idle: o.idle, markets: o.markets.map {
                Market(marketID: $0.marketID, amount: $0.amount, apy: $0.apy.plainString, apyMicroPercent: $0.apyMicroPercent,
                       apyMeasured: $0.apyMeasured)
            })
        }

        init(at: Date, block: UInt64?, logPosition: Int64, idle: TokenAmount, markets: [Market]) {
            self.at = at
            self.block = block
            self.logPosition = logPosition
            self.idle = idle
            self.markets = markets
        }

        var observation: BalanceObservation {
            BalanceObservation(at: at, block: block, logPosition: logPosition, idle: idle, markets: markets.map {
                MarketBalance(marketID: $0.marketID, amount: $0.amount, apy: Decimal(string: $0.apy) ?? 0,
                              apyMicroPercent: $0.apyMicroPercent, apyMeasured: $0.apyMeasured)
            })
        }
    }

    /// A `TreasuryFlow` as it crosses the socket.
    public struct Flow: Codable, Hashable, Sendable {
        public var logPosition: Int64
        public var at: Date
        public var market: MarketID
        public var direction: String
        public var amount: TokenAmount
        public var executionID: UUID

        init(_ f: TreasuryFlow) {
            logPosition = f.logPosition
            at = f.at
            market = f.market
            direction = f.direction.rawValue
            amount = f.amount
            executionID = f.executionID
        }

        var flow: TreasuryFlow {
            TreasuryFlow(logPosition: logPosition, at: at, market: market, direction: TreasuryFlow.Direction(rawValue: direction) ?? .deposit,
                         amount: amount, executionID: executionID)
        }
    }
}

extension ConsoleRecords {
    /// A `MoveRecord` as it crosses the socket.
    public struct Move: Codable, Hashable, Sendable {
        public var execution: ExecutionSummary
        public var analysis: ProfitabilityAnalysis?
        public var steps: [StepRecord]

        init(_ m: MoveRecord) {
            execution = m.execution
            analysis = m.analysis
            steps = m.steps
        }

        var record: MoveRecord { MoveRecord(execution: execution, analysis: analysis, steps: steps) }
    }
}
