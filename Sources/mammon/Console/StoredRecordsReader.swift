import Console
import Foundation
import MammonCore
import Store

/// What the console shows from before it opened, read from the database's own tables: recent
/// executions, errors, the last scan, and the portfolio (every scan of the last 30 days, one a day
/// before, every flow, the newest moves with their verdicts).
enum StoredRecordsReader {
    static func read(_ store: AppDatabase, now: Date) throws -> StoredRecords {
        let errors = try store.recentEvents(limit: ConsoleState.maxErrors, types: ["error"]).compactMap { e -> ErrorRecord? in
            if case .error(let source, let message) = e.kind { ErrorRecord(at: e.at, source: source, message: message) } else { nil }
        }
        var lastScan: StoredRecords.LastScan?
        if let scan = try store.recentEvents(limit: 1, types: ["markets.scanned"]).last, case .marketsScanned(_, let markets, let idle) = scan.kind {
            lastScan = StoredRecords.LastScan(at: scan.at, markets: markets, idle: idle)
        }
        let observations = try store.balanceObservations(dailyBefore: (try store.latestBalanceObservation()?.at ?? now)
            .addingTimeInterval(-PortfolioBook.fullResolution))
        var book = PortfolioBook(observations: observations, flows: try store.treasuryFlows(),
                                 moves: try store.moveRecords(limit: PortfolioBook.maxMoves))
        // An execution still running (or left by a crash, which recovery will finish) has told no
        // live console its recommendation: its later steps are flows all the same.
        for running in try store.unfinishedExecutions() {
            book.executionStarted(running.id, recommendation: running.recommendation)
        }
        return StoredRecords(executions: try store.executions(limit: ConsoleState.maxRecentExecutions), errors: errors,
                             lastScan: lastScan, portfolio: book)
    }
}
