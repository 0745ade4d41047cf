import ArgumentParser
import Foundation
import MammonCore
import Runtime

/// `mammon markets`: every market's APY, TVL where known, and the wallet's position in it.
struct MarketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "markets", abstract: "List every market's APY, TVL and the wallet's position (reads only; never signs).")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        let listing = try await MarketListing.read(network.selection, config: config)
        print(json ? try JSONReport.text(listing.lines) : listing.text)
    }
}
