import Foundation
import MammonCore
import TerminalKit

/// Everything the console shows, folded from engine events, keys, resizes and ticks. Plain data:
/// the reducer changes it, `ConsoleRenderer` draws it.
public struct ConsoleState: Hashable, Sendable {
    public enum View: Hashable, Sendable { case dashboard, eventLog, portfolio }

    public var now: Date
    public var size: Size
    /// Where the engine keeps its records, shown in the Scheduler details.
    public var databasePath: String?
    /// How this console reaches the engine: in this process, or attached through its socket.
    public var link: EngineLinkState = .inProcess
    /// This console's name in `command.handled` events, to tell its own commands from another's.
    public var clientName = "console"

    // From the engine.
    public var status: SchedulerStatus?
    public var engineConnected = true
    public var lastEventAt: Date?
    public var scanningCycle: Int?
    public var markets: [MarketLine] = []
    public var idle: TokenAmount?
    public var marketsAt: Date?
    public var opportunities: [UUID: OpportunityRow] = [:]
    /// Opportunity ids in table order after sort and filter; kept by the reducer so drawing never sorts.
    public var opportunityOrder: [UUID] = []
    /// Ids waiting for the operator, oldest first; kept by the reducer so drawing never scans every row.
    public internal(set) var awaitingApproval: [UUID] = []
    public var execution: ExecutionView?
    public var recentExecutions: [ExecutionSummary] = []
    /// Newest first.
    public var errors: [ErrorRecord] = []
    /// Oldest first.
    public var log: [LogLine] = []
    /// The position history, flows and moves, folded from stored events; `portfolioSummary` is what
    /// it adds up to, recomputed when it changes (never while drawing).
    public var portfolio = PortfolioBook()
    public var portfolioSummary = PortfolioSummary()

    // The operator's view.
    public var focus: PaneID = .scheduler
    public var view: View = .dashboard
    public var sort = OpportunitySort()
    public var selectedOpportunity: UUID?
    public var selectedError = 0
    public var selectedExecution = 0
    /// Where in `log` the lines read back from the database begin (nil before they came, or once
    /// the oldest of them scrolled out), so earlier history can go above them.
    public internal(set) var logHistoryStart: Int?
    /// Older history waits in the database until the event log is opened.
    public internal(set) var earlierHistoryAvailable = false
    /// Lines scrolled up from the newest in the event log view.
    public var logScroll = 0
    public var filter = ""
    public var filterEditing = false
    public var modal: Modal?
    public var flash: Flash?
    /// The portfolio charts' window.
    public var chartSpan: EarningsSpan = .week
    /// The scorecard's selected move (newest first) and the moves shown expanded.
    public var selectedMove = 0
    public var expandedMoves: Set<UUID> = []

    public init(now: Date, size: Size = .zero) {
        self.now = now
        self.size = size
    }

    // Bounds: the console runs for weeks; memory must not grow with it.
    public static let maxOpportunities = 1000
    public static let maxLog = 1000
    /// The history a console opens with: more lines than any event log pane shows at once.
    public static let openingLog = 100
    public static let maxErrors = 200
    public static let maxRecentExecutions = 20
    public static let sparklinePoints = 120
    /// A scan this late past its due time marks market data stale.
    public static let staleGrace: TimeInterval = 120
    public static let flashSeconds: TimeInterval = 6

    // Derived.

    public var orderedOpportunities: [OpportunityRow] { opportunityOrder.compactMap { opportunities[$0] } }

    public var selectedOpportunityIndex: Int? {
        selectedOpportunity.flatMap { id in opportunityOrder.firstIndex(of: id) }
    }

    public var pendingApprovals: [OpportunityRow] { awaitingApproval.compactMap { opportunities[$0] } }

    public var executionInFlight: Bool { execution?.inFlight ?? false }

    public var filteredErrors: [ErrorRecord] {
        guard !filter.isEmpty else { return errors }
        let f = filter.lowercased()
        return errors.filter { "\($0.source) \($0.message)".lowercased().contains(f) }
    }

    public var filteredLog: [LogLine] {
        guard !filter.isEmpty else { return log }
        let f = filter.lowercased()
        return log.filter { "\($0.type) \($0.text)".lowercased().contains(f) }
    }

    /// Why market data cannot be trusted as current, or nil when it is fresh.
    public var staleReason: String? {
        if case .offline(let since, _, _) = link { return "engine offline since \(Format.clock(since)): nothing shown is live" }
        if !engineConnected { return "engine disconnected" }
        guard let status, status.running, let due = status.nextScanAt else { return nil }
        let late = now.timeIntervalSince(due)
        return late > Self.staleGrace ? "scan overdue by \(Format.duration(late))" : nil
    }

    /// Recomputes what the portfolio adds up to; keeps the scorecard selection on a move.
    mutating func refreshPortfolio() {
        portfolioSummary = PortfolioSummary(book: portfolio, chartSpan: chartSpan)
        selectedMove = max(0, min(selectedMove, portfolioSummary.scorecard.moves.count - 1))
    }

    /// Age of the market data, e.g. "12s"; nil before the first scan.
    public var dataAge: String? { marketsAt.map { Format.duration(now.timeIntervalSince($0)) } }
}
