import Engine
import Foundation
import Store

/// Starts the terminal console for `mammon run` in a terminal (engine in process) or `mammon console` (attached).
enum ConsoleLauncher {
    static func run(engine: Engine, store: AppDatabase, network: NetworkOptions, console: ConsoleFlags? = nil,
                    configuredTheme: String? = nil, prefetch: ConsolePrefetch? = nil) async throws -> Int32 {
        // `--theme` reaches here through the config (validated there), as `configuredTheme`.
        let options = ConsoleOptions(themeName: configuredTheme, network: network.network, databasePath: network.databasePath,
                                     startScheduler: !(console?.stopped ?? false))
        return try await ConsoleRunner.run(link: InProcessLink(engine: engine, store: store, startScheduler: options.startScheduler,
                                                               prefetch: prefetch),
                                           options: options)
    }

    static func attach(socketPath: String, readOnly: Bool, databasePath: String, network: String, theme: String?) async throws -> Int32 {
        let options = ConsoleOptions(themeName: theme, network: network, databasePath: databasePath, startScheduler: false)
        return try await ConsoleRunner.run(link: AttachedLink(socketPath: socketPath, readOnly: readOnly), options: options)
    }
}
