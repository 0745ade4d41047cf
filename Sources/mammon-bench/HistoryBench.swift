import Console
import ConsoleRuntime
import Foundation
import MammonCore
import Runtime
import Store
import TerminalKit

/// A year of operation, and what reading it back costs: the engine runs hourly scans for a year on
/// the simulated network (a hand-moved clock, gates loose enough that it moves funds, a failed read
/// now and then) into a database, then the operator's commands and the console open it.
enum HistoryBench: BenchSuite {
    static let name = "history"

    static func run(scale: Double) async throws -> [String: BenchFigure] {
        var figures: [String: BenchFigure] = [:]
        // MAMMON_BENCH_KEEP=DIR leaves the databases there (to open them in a console or a profiler).
        let kept = ProcessInfo.processInfo.environment["MAMMON_BENCH_KEEP"]
        let dir = kept ?? NSTemporaryDirectory() + "mammon-bench-history-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if kept == nil { try? FileManager.default.removeItem(atPath: dir) } }

        let days = max(7, Int(365 * scale))
        // MAMMON_BENCH_DATABASE=FILE measures that database (an operator's own, or a kept year) instead
        // of building one; it is only read (the console opens a copy).
        let given = ProcessInfo.processInfo.environment["MAMMON_BENCH_DATABASE"]
        let hourly = dir + "/year-hourly.sqlite"
        if let given {
            try FileManager.default.copyItem(atPath: given, toPath: hourly)
        } else {
            let built = try await SimulatedHistory.build(days: days, intervalHours: 1, path: hourly)
            figures["build_cycles"] = BenchFigure(Double(built.cycles), "cycles")
            figures["build_seconds"] = BenchFigure(built.seconds, "s")
            figures["executions"] = BenchFigure(Double(built.executions), "executions")
            figures["events"] = BenchFigure(Double(built.events), "events")
        }
        figures["database_size_hourly"] = BenchFigure(Double(ConsoleBench.fileSize(hourly)) / 1_048_576, "MB")
        let store = try AppDatabase.openReadOnly(path: hourly)
        for (type, count, bytes) in try store.eventVolume().prefix(6) {
            figures["events_\(type)_count"] = BenchFigure(Double(count), "events")
            figures["events_\(type)_payload"] = BenchFigure(Double(bytes) / 1_048_576, "MB")
        }

        // The default interval (4 h): what a year adds to the database.
        if given == nil {
            let fourHourly = dir + "/year-4h.sqlite"
            _ = try await SimulatedHistory.build(days: days, intervalHours: 4, path: fourHourly)
            figures["database_size_4_hourly"] = BenchFigure(Double(ConsoleBench.fileSize(fourHourly)) / 1_048_576, "MB")
        }

        figures["status_command"] = BenchFigure(try timeCommand(["status", "--db", hourly]) * 1000, "ms")
        figures["history_command"] = BenchFigure(try timeCommand(["history", "--db", hourly]) * 1000, "ms")
        figures["report_csv_year"] = BenchFigure(try timeCommand(["report", "--csv", "--db", hourly]) * 1000, "ms")

        // Where reading a year goes (in this process, without process start).
        figures["read_event_log_1000"] = BenchFigure(try time { _ = try store.recentEvents(limit: 1000, excluding: ["scheduler.status"]) } * 1000, "ms")
        figures["read_position_history_year"] = BenchFigure(try time { _ = try store.balanceObservations() } * 1000, "ms")
        figures["read_flows_year"] = BenchFigure(try time { _ = try store.treasuryFlows() } * 1000, "ms")
        figures["read_moves_year"] = BenchFigure(try time { _ = try store.moveRecords() } * 1000, "ms")
        figures["read_transactions_year"] = BenchFigure(try time { _ = try store.minedTransactions() } * 1000, "ms")
        figures["read_position_history_console"] = BenchFigure(try time {
            _ = try store.balanceObservations(dailyBefore: Date().addingTimeInterval(-PortfolioBook.fourHourlyResolution),
                                              fourHourlyBefore: Date().addingTimeInterval(-PortfolioBook.fullResolution))
        } * 1000, "ms")
        figures["read_moves_console"] = BenchFigure(try time { _ = try store.moveRecords(limit: PortfolioBook.maxMoves) } * 1000, "ms")

        let portfolio = try portfolioView(store)
        figures["portfolio_read_and_fold"] = BenchFigure(portfolio.read * 1000, "ms")
        figures["portfolio_summary"] = BenchFigure(portfolio.summary * 1000, "ms")
        figures["portfolio_render_200x60"] = BenchFigure(portfolio.render * 1000, "ms")
        // What the console keeps of a year: the stored records (the portfolio book, recent executions,
        // errors), then the summary and screen state folded from them.
        figures["portfolio_records_heap"] = BenchFigure(Double(portfolio.recordsBytes) / 1024, "KB")
        figures["portfolio_summary_heap"] = BenchFigure(Double(portfolio.summaryBytes) / 1024, "KB")

        // The floor: the same console on a new, empty database.
        let empty = try ConsoleProcessProbe.firstFrame(database: dir + "/empty.sqlite", markers: ["STOPPED", "Portfolio"], timeout: 30)
        figures["console_first_full_frame_empty_database"] = BenchFigure(empty.seconds * 1000, "ms")
        figures["console_process_resident_memory_empty_database"] = BenchFigure(empty.residentMB, "MB")
        let console = try ConsoleProcessProbe.firstFrame(database: hourly, markers: ["STOPPED", "blended"], timeout: 30)
        figures["console_first_full_frame"] = BenchFigure(console.seconds * 1000, "ms")
        figures["console_process_resident_memory"] = BenchFigure(console.residentMB, "MB")
        figures["console_process_resident_memory_peak"] = BenchFigure(console.peakMB, "MB")
        return figures
    }

    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Wall time of the `mammon` binary run with `arguments`, as an operator types it (process start included).
    static func timeCommand(_ arguments: [String]) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ConsoleProcessProbe.binary)
        p.arguments = arguments
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        let start = DispatchTime.now().uptimeNanoseconds
        try p.run()
        p.waitUntilExit()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The console's portfolio view on the year: reading and folding the stored records, the summary,
    /// and one 200×60 frame.
    static func portfolioView(_ store: AppDatabase) throws -> (read: Double, summary: Double, render: Double, recordsBytes: Int, summaryBytes: Int) {
        func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try body()
            return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        store.releaseMemory()
        let before = ProcessMemory.heapInUse()
        let ((records, verdicts), read) = try time {
            let records = try StoredRecordsReader.read(store, now: Date())
            return (records, try StoredRecordsReader.verdicts(store, for: records))
        }
        store.releaseMemory()  // SQLite's page caches are not the records'
        let held = ProcessMemory.heapInUse()
        var state = ConsoleState(now: Date(), size: Size(width: 200, height: 60))
        let (_, summary) = time {
            _ = ConsoleReducer.reduce(&state, .restored(records))
            if let verdicts { _ = ConsoleReducer.reduce(&state, verdicts) }
        }
        let withSummary = ProcessMemory.heapInUse()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("p")))
        let (_, render) = time { _ = ConsoleRenderer.render(state, size: Size(width: 200, height: 60)) }
        return (read, summary, render, Int(held) - Int(before), Int(withSummary) - Int(held))
    }
}
