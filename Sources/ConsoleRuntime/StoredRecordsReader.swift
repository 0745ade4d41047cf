import Console
import Foundation
import MammonCore
import Store

/// What the console shows from before it opened, read from the database's own tables: recent
/// executions, errors, the last scan, and the portfolio (every scan of the last 7 days, one per 4
/// hours up to 30 days, one a day before, every flow, the newest moves with their verdicts).
public enum StoredRecordsReader {
    public static func read(_ store: AppDatabase, now: Date) throws -> StoredRecords {
        // The moves do not depend on the rest: on a year of hourly operation they were the longest part
        // of this read, before the console's first frame. They are read on another thread meanwhile
        // (one: every thread's heap stays resident after), without their gate verdicts (`verdicts`).
        let movesRead = Background { try store.moveRecords(limit: PortfolioBook.maxMoves, verdicts: false) }
        let errors = try store.recentEvents(limit: ConsoleState.maxErrors, of: [.error]).compactMap { e -> ErrorRecord? in
            if case .error(let source, let message, _) = e.kind { ErrorRecord(at: e.at, source: source, message: message) } else { nil }
        }
        var lastScan: StoredRecords.LastScan?
        // The newest reading of the markets: a scan's, or a verified move's after it.
        if let scan = try store.recentEvents(limit: 1, of: [.marketsScanned, .positionsVerified]).last {
            switch scan.kind {
            case .marketsScanned(_, let markets, let idle), .positionsVerified(_, let markets, let idle):
                lastScan = StoredRecords.LastScan(at: scan.at, markets: markets, idle: idle)
            default: break
            }
        }
        let newest = try store.latestBalanceObservation()?.at ?? now
        let observations = try store.balanceObservations(dailyBefore: newest.addingTimeInterval(-PortfolioBook.fourHourlyResolution),
                                                         fourHourlyBefore: newest.addingTimeInterval(-PortfolioBook.fullResolution))
        let flows = try store.treasuryFlows()
        var book = PortfolioBook(observations: observations, flows: flows, moves: try movesRead.value())
        // An execution still running (or left by a crash, which recovery will finish) has told no
        // live console its recommendation: its later steps are flows all the same.
        for running in try store.unfinishedExecutions() {
            book.executionStarted(running.id, recommendation: running.recommendation)
        }
        return StoredRecords(executions: try store.executions(limit: ConsoleState.maxRecentExecutions), errors: errors,
                             lastScan: lastScan, portfolio: book)
    }

    /// The gate verdicts of the records' moves: read after the records, since the dashboard shows
    /// nothing that needs them (the scorecard's predictions and flags do).
    public static func verdicts(_ store: AppDatabase, for records: StoredRecords) throws -> ConsoleAction? {
        guard let wanted = records.portfolio.movesWithoutVerdict else { return nil }
        return .verdictsRestored(try store.gateVerdicts(for: wanted.recommendations, since: wanted.since))
    }

    /// A read started on a thread of its own; `value()` waits for it. Not on a global queue: reads
    /// wait for other reads (the records for their moves), and on two cores a global queue runs two
    /// blocks at a time, so a waiting read could hold the thread the read it waits for needs.
    final class Background<T: Sendable>: @unchecked Sendable {
        // Written once on the thread before `done` is signalled, read after waiting for it.
        private var result: Result<T, any Error>?
        private let done = DispatchSemaphore(value: 0)

        init(_ body: @escaping @Sendable () throws -> T) {
            let thread = Thread {
                self.result = Result(catching: body)
                self.done.signal()
            }
            thread.name = "mammon-read"
            thread.start()
        }

        func value() throws -> T {
            done.wait()
            done.signal() // a second call does not wait forever
            return try result!.get()
        }
    }
}
