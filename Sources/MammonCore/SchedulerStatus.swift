import Foundation

/// A cycle error kept for the operator (the last ten are shown).
public struct ErrorRecord: Codable, Hashable, Sendable {
    public var at: Date
    public var source: String
    public var message: String

    public init(at: Date, source: String, message: String) {
        self.at = at
        self.source = source
        self.message = message
    }
}

/// What the scheduler is doing and has done. Counters "today" are for the current UTC day and come
/// from the database, so a restart does not reset them.
public struct SchedulerStatus: Codable, Hashable, Sendable {
    public enum State: String, Codable, Sendable { case stopped, running, halted }

    public var state: State
    public var haltReason: String?
    public var network: String
    public var walletAddress: String
    public var approvalMode: String
    public var startedAt: Date?
    public var lastScanAt: Date?
    public var nextScanAt: Date?
    public var scans: Int
    public var opportunitiesFound: Int
    public var opportunitiesExecuted: Int
    public var opportunitiesSkipped: Int
    public var rebalancesToday: Int
    public var gasTodayUSD: Decimal
    public var rebalancesTotal: Int
    public var gasTotalUSD: Decimal
    public var maxRebalancesPerDay: Int
    public var maxGasPerDayUSD: Decimal
    public var consecutiveFailures: Int
    public var recentErrors: [ErrorRecord]
    /// A fenced treasury's allowance, gas and fence check (nil in plain mode).
    public var treasury: TreasuryFenceStatus?

    public init(state: State = .stopped, haltReason: String? = nil, network: String = "", walletAddress: String = "",
                approvalMode: String = "auto", startedAt: Date? = nil, lastScanAt: Date? = nil, nextScanAt: Date? = nil,
                scans: Int = 0, opportunitiesFound: Int = 0, opportunitiesExecuted: Int = 0, opportunitiesSkipped: Int = 0,
                rebalancesToday: Int = 0, gasTodayUSD: Decimal = 0, rebalancesTotal: Int = 0, gasTotalUSD: Decimal = 0,
                maxRebalancesPerDay: Int = 5, maxGasPerDayUSD: Decimal = 50, consecutiveFailures: Int = 0,
                recentErrors: [ErrorRecord] = [], treasury: TreasuryFenceStatus? = nil) {
        self.treasury = treasury
        self.state = state
        self.haltReason = haltReason
        self.network = network
        self.walletAddress = walletAddress
        self.approvalMode = approvalMode
        self.startedAt = startedAt
        self.lastScanAt = lastScanAt
        self.nextScanAt = nextScanAt
        self.scans = scans
        self.opportunitiesFound = opportunitiesFound
        self.opportunitiesExecuted = opportunitiesExecuted
        self.opportunitiesSkipped = opportunitiesSkipped
        self.rebalancesToday = rebalancesToday
        self.gasTodayUSD = gasTodayUSD
        self.rebalancesTotal = rebalancesTotal
        self.gasTotalUSD = gasTotalUSD
        self.maxRebalancesPerDay = maxRebalancesPerDay
        self.maxGasPerDayUSD = maxGasPerDayUSD
        self.consecutiveFailures = consecutiveFailures
        self.recentErrors = recentErrors
    }

    public var running: Bool { state == .running }
    public var halted: Bool { state == .halted }

    enum CodingKeys: String, CodingKey {
        case state, haltReason = "halt_reason", network, walletAddress = "wallet_address", approvalMode = "approval_mode",
             startedAt = "start_time", lastScanAt = "last_scan_time", nextScanAt = "next_scan_time", scans = "total_scans",
             opportunitiesFound = "opportunities_found", opportunitiesExecuted = "opportunities_executed",
             opportunitiesSkipped = "opportunities_skipped", rebalancesToday = "rebalances_today",
             gasTodayUSD = "gas_today_usd", rebalancesTotal = "total_rebalances", gasTotalUSD = "total_gas_spent_usd",
             maxRebalancesPerDay = "max_rebalances_per_day", maxGasPerDayUSD = "max_gas_per_day_usd",
             consecutiveFailures = "consecutive_failures", recentErrors = "recent_errors", treasury
    }
}
