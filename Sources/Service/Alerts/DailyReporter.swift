import Foundation
import MammonCore
import Store

/// Writes the daily report once a day at DAILY_REPORT_HOUR UTC. A report missed while the engine was
/// down is written at the next start (once), never for a time before the database existed.
public struct DailyReporter: Sendable {
    let store: AppDatabase
    let hour: Int
    /// Records the report as an event (the engine's `note`), which queues its alert in the same commit.
    let record: @Sendable (String) async -> Void

    public init(store: AppDatabase, hour: Int, record: @escaping @Sendable (String) async -> Void) {
        self.store = store
        self.hour = hour
        self.record = record
    }

    /// Writes the report when one is due and not yet written; true when it did.
    @discardableResult
    public func reportIfDue(now: Date) async throws -> Bool {
        let due = DailyReport.due(now: now, hour: hour)
        if let last = try store.lastQueued(groupKey: DailyReport.groupKey), last >= due { return false }
        guard let first = try store.firstEventAt(), first < due else { return false }
        await record(try report(since: due.addingTimeInterval(-86_400), until: now).text)
        return true
    }

    /// The report's facts as stored now.
    public func report(since: Date, until: Date) throws -> DailyReport {
        // Each market's APY as the last scan read it (the position history keeps every scan's).
        let apys = Dictionary((try store.latestBalanceObservation()?.markets ?? []).map { ($0.marketID, $0.apy) }, uniquingKeysWith: { $1 })
        let holdings = try store.positions().map { p in
            DailyReport.Holding(market: p.marketID.displayName, amount: p.amount, token: p.token.symbol, apy: apys[p.marketID])
        }
        let moves = try store.executions(limit: 200).filter { $0.startedAt >= since }.reversed()
        let errors = try store.recentEvents(limit: 500, of: [.error]).compactMap { e -> ErrorRecord? in
            guard e.at >= since, case .error(let source, let message, _) = e.kind else { return nil }
            return ErrorRecord(at: e.at, source: source, message: message)
        }
        // Balance growth net of the engine's own moves, over the intervals ending in the last day.
        let intervals = EarningsCalculator.intervals(try store.balanceObservations(from: since.addingTimeInterval(-86_400)),
                                                     flows: try store.treasuryFlows())
        let earnings = intervals.isEmpty ? nil : EarningsCalculator.window(intervals, span: .day)
        return DailyReport(since: since, until: until, holdings: holdings, moves: Array(moves), errors: errors,
                           waiting: try store.pendingApprovals(), earnings: earnings)
    }
}
