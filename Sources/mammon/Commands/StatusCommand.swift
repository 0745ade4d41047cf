import ArgumentParser
import Foundation
import MammonCore
import Runtime
import Store

/// `mammon status`: the scheduler's state and today's counters, read from the database. Works while
/// another process runs the engine (WAL readers never block the writer).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show scheduler state, limits and recent errors.")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        let store = try AppDatabase.openReadOnly(path: network.databasePath)
        var report = try StatusReport.read(store: store, config: config, network: network.network, now: Date())
        report.observeEngine(databasePath: network.databasePath)
        print(json ? try JSONReport.text(report) : report.text)
    }
}

