import ArgumentParser
import Foundation
import MammonCore
import Runtime
import Store

/// `mammon report`: the books for accounting (transactions, moves, daily balances and earnings), exact
/// amounts, read-only beside a running engine.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Transactions, moves, daily balances and earnings as CSV or JSON (columns in the README).")

    @OptionGroup var network: NetworkOptions
    @Option(help: "First UTC day (YYYY-MM-DD) or instant (ISO 8601) included.") var from: String?
    @Option(help: "Last UTC day (YYYY-MM-DD, included) or instant (ISO 8601, excluded).") var to: String?
    @Flag(help: "CSV: every table, each row led by its table's name (or one table with --table).") var csv = false
    @Flag(help: "JSON: an object of tables, each an array of rows.") var json = false
    @Option(help: "With --csv, only this table: transactions, moves, balances, earnings.") var table: String?

    func validate() throws {
        guard csv != json else { throw ValidationError("choose one of --csv or --json") }
        if let table, !AccountingReport.tableNames.contains(table) {
            throw ValidationError("--table \(table): one of \(AccountingReport.tableNames.joined(separator: ", "))")
        }
        _ = try period()
    }

    func period() throws -> AccountingReport.Period {
        func parse(_ text: String, flag: String, endOfDay: Bool) throws -> Date {
            if let instant = Date(iso8601: text) { return instant }
            guard let day = Date(iso8601: text + "T00:00:00Z") else {
                throw ValidationError("\(flag) \(text): a UTC day YYYY-MM-DD or an ISO 8601 instant like 2027-01-15T10:00:00Z")
            }
            return endOfDay ? day.addingTimeInterval(86_400) : day
        }
        let period = AccountingReport.Period(from: try from.map { try parse($0, flag: "--from", endOfDay: false) },
                                             until: try to.map { try parse($0, flag: "--to", endOfDay: true) })
        if let a = period.from, let b = period.until, b <= a { throw ValidationError("--to is not after --from") }
        return period
    }

    func run() async throws {
        let store = try AppDatabase.openReadOnly(path: network.databasePath)
        let period = try period()
        let identity = try store.identity()
        let networkName = identity?.network ?? network.network
        if let identity, identity.isShadow {
            // On stderr, so the CSV or JSON on stdout stays exactly the documented columns.
            FileHandle.standardError.write(Data("shadow run of \(identity.wallet): nothing in this report was signed or sent (hashes start with shadow:, gas is what each step would have cost)\n".utf8))
        }
        // Read from the scan before the period on, so its first day's earnings can be measured.
        let report = AccountingReport.build(
            network: networkName, period: period, transactions: try store.minedTransactions(), moves: try store.moveRecords(),
            observations: try store.balanceObservations(from: period.from, to: period.until), flows: try store.treasuryFlows())
        if csv {
            FileHandle.standardOutput.write(Data(report.csv(table: table).utf8))
        } else {
            FileHandle.standardOutput.write(Data((try JSONReport.text(report.jsonObject()) + "\n").utf8))
        }
    }
}
