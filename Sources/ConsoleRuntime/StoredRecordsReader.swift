import Console
import Foundation
import MammonCore
import Service
import Store

/// What an in-process console shows from before it opened, read from the database's own tables by
/// the same function the engine's socket answers `records` with (`ConsoleRecords.read`).
public enum StoredRecordsReader {
    public static func read(_ store: AppDatabase, now: Date) throws -> StoredRecords {
        // The moves do not depend on the rest: on a year of hourly operation they were the longest part
        // of this read, before the console's first frame. They are read on another thread meanwhile
        // (one: every thread's heap stays resident after), without their gate verdicts (`verdicts`).
        let movesRead = Background { try store.moveRecords(limit: PortfolioBook.maxMoves, verdicts: false) }
        return try ConsoleRecords.read(store, now: now, moves: { try movesRead.value() }).stored
    }

    /// The gate verdicts of the records' moves: read after the records, since the dashboard shows
    /// nothing that needs them (the scorecard's predictions and flags do).
    public static func verdicts(_ store: AppDatabase, for records: StoredRecords) throws -> ConsoleAction? {
        try ConsoleRecords.verdicts(store, for: records.portfolio).map { .verdictsRestored($0) }
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
