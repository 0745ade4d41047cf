import Foundation
import MammonCore

/// What the database holds from before this console opened, read from the tables themselves (not
/// from the newest events, which a year of scans and verdicts buries): recent executions and
/// errors, the last scan (shown with its age), and the portfolio's history.
public struct StoredRecords: Hashable, Sendable {
    public struct LastScan: Hashable, Sendable {
        public var at: Date
        public var markets: [MarketSnapshot]
        public var idle: TokenAmount
        public init(at: Date, markets: [MarketSnapshot], idle: TokenAmount) {
            self.at = at
            self.markets = markets
            self.idle = idle
        }
    }

    /// Newest first.
    public var executions: [ExecutionSummary]
    public var errors: [ErrorRecord]
    public var lastScan: LastScan?
    public var portfolio: PortfolioBook

    public init(executions: [ExecutionSummary] = [], errors: [ErrorRecord] = [], lastScan: LastScan? = nil,
                portfolio: PortfolioBook = PortfolioBook()) {
        self.executions = executions
        self.errors = errors
        self.lastScan = lastScan
        self.portfolio = portfolio
    }
}
