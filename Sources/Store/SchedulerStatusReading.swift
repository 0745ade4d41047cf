import Foundation
import MammonCore

/// Where a `SchedulerStatus` comes from, in one place: the engine's own (`Engine.makeStatus`, from what
/// it holds in memory) and `mammon status`'s (`StatusReport`, from the database) are both this.
public struct SchedulerStatusReading: Sendable {
    public var persisted: PersistedSchedulerState
    public var budget: DailyBudget
    public var totals: (rebalances: Int, gasUSD: Decimal)
    public var recentErrors: [ErrorRecord]

    public init(persisted: PersistedSchedulerState, budget: DailyBudget, totals: (rebalances: Int, gasUSD: Decimal), recentErrors: [ErrorRecord]) {
        self.persisted = persisted
        self.budget = budget
        self.totals = totals
        self.recentErrors = recentErrors
    }

    /// The status the engine on `network` with `wallet`, `approvalMode` and these daily limits reports.
    public func status(network: String, walletAddress: String, approvalMode: String, maxRebalancesPerDay: Int, maxGasPerDayUSD: Decimal,
                       treasury: TreasuryFenceStatus?) -> SchedulerStatus {
        SchedulerStatus(
            state: persisted.schedulerState, haltReason: persisted.haltReason, network: network,
            walletAddress: walletAddress, approvalMode: approvalMode, startedAt: persisted.startedAt,
            lastScanAt: persisted.lastScanAt, nextScanAt: persisted.nextScanAt, scans: persisted.scans,
            opportunitiesFound: persisted.opportunitiesFound, opportunitiesExecuted: persisted.opportunitiesExecuted,
            opportunitiesSkipped: persisted.opportunitiesSkipped, rebalancesToday: budget.rebalances,
            gasTodayUSD: budget.gasUSD, rebalancesTotal: totals.rebalances, gasTotalUSD: totals.gasUSD,
            maxRebalancesPerDay: maxRebalancesPerDay, maxGasPerDayUSD: maxGasPerDayUSD,
            consecutiveFailures: persisted.breakerState.consecutiveFailures, recentErrors: recentErrors, treasury: treasury)
    }
}

extension AppDatabase {
    /// The newest `limit` errors recorded, oldest first.
    public func recentErrors(limit: Int = 10) throws -> [ErrorRecord] {
        try recentEvents(limit: limit, of: [.error]).compactMap {
            if case .error(let source, let message, _) = $0.kind { ErrorRecord(at: $0.at, source: source, message: message) } else { nil }
        }
    }

    /// The scheduler as stored, with the budget of `now`'s UTC day, the lifetime totals and the recent
    /// errors. A database no engine has opened reads as a stopped scheduler that has done nothing.
    public func schedulerStatusReading(at now: Date) throws -> SchedulerStatusReading {
        SchedulerStatusReading(persisted: try schedulerState() ?? PersistedSchedulerState(updatedAt: now), budget: try budget(day: now.utcDay),
                               totals: try lifetimeTotals(), recentErrors: try recentErrors())
    }
}
