import ArgumentParser
import Foundation
import MammonCore
import Runtime
import Store

/// `mammon history`: recent executions with their steps, newest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List recent executions and their steps.")

    @OptionGroup var network: NetworkOptions
    @Option(help: "How many executions.") var limit = 20
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let history = try ExecutionHistory.read(try AppDatabase.openReadOnly(path: network.databasePath), limit: limit, network: network.network)
        print(json ? try JSONReport.text(history.entries) : history.text)
    }
}
