import ArgumentParser
import Foundation
import Runtime

/// `mammon simulate-history`: a new database holding weeks of simulated operation, made in seconds
/// with a hand-moved clock, to try the portfolio view and the report on (and for the screenshots).
struct SimulateHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-history",
        abstract: "Write a new simulated-network database holding DAYS of operation ending now.")

    @Option(help: "Days of history.") var days = 30
    @Option(help: "Hours between scans.") var intervalHours = 4
    @Option(help: "The database to create (must not exist).") var db: String

    func validate() throws {
        guard (1...3650).contains(days) else { throw ValidationError("--days: 1–3650") }
        guard (1...24).contains(intervalHours) else { throw ValidationError("--interval-hours: 1–24") }
        guard !FileManager.default.fileExists(atPath: db) else { throw ValidationError("\(db) exists: simulate-history only creates a new database") }
    }

    func run() async throws {
        let built = try await SimulatedHistory.build(days: days, intervalHours: intervalHours, path: db)
        print("\(db): \(built.cycles) scans, \(built.executions) executions, \(built.events) events in \(String(format: "%.1f", built.seconds)) s")
    }
}
