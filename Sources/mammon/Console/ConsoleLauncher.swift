import Engine
import Foundation

/// Starts the terminal console for `mammon run` in a terminal.
enum ConsoleLauncher {
    static func run(engine: Engine, network: NetworkOptions, console: ConsoleFlags? = nil, configuredTheme: String? = nil)
        async throws -> Int32 {
        // `--theme` reaches here through the config (validated there), as `configuredTheme`.
        let options = ConsoleOptions(themeName: configuredTheme, network: network.network, databasePath: network.databasePath,
                                     startScheduler: !(console?.stopped ?? false))
        return try await ConsoleRunner.run(engine: engine, options: options)
    }
}
