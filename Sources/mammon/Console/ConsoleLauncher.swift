import Engine
import Foundation
import Store

/// Starts the terminal console for `mammon run` in a terminal.
enum ConsoleLauncher {
    static func run(engine: Engine, store: AppDatabase, network: NetworkOptions, console: ConsoleFlags? = nil, configuredTheme: String? = nil)
        async throws -> Int32 {
        let options = ConsoleOptions(themeName: console?.theme ?? configuredTheme, network: network.network, databasePath: network.databasePath,
                                     startScheduler: !(console?.stopped ?? false))
        return try await ConsoleRunner.run(engine: engine, store: store, options: options)
    }
}
