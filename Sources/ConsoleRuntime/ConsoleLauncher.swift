import Engine
import Foundation
import Store

/// Starts the terminal console for `mammon run` in a terminal (engine in process) or `mammon console` (attached).
public enum ConsoleLauncher {
    /// The console over an engine in this process; quitting stops it. `themeName` is `--theme` or
    /// CONSOLE_THEME, already held to the setting's rule; `prefetch` holds reads begun when the database opened.
    public static func run(engine: Engine, store: AppDatabase, network: String, databasePath: String, startScheduler: Bool,
                           themeName: String?, prefetch: ConsolePrefetch? = nil) async throws -> Int32 {
        let options = ConsoleOptions(themeName: themeName, network: network, databasePath: databasePath, startScheduler: startScheduler)
        return try await ConsoleRunner.run(link: InProcessLink(engine: engine, store: store, startScheduler: options.startScheduler,
                                                               prefetch: prefetch),
                                           options: options)
    }

    /// The console attached to a running engine through its socket; quitting detaches.
    public static func attach(socketPath: String, readOnly: Bool, databasePath: String, network: String, theme: String?) async throws -> Int32 {
        let options = ConsoleOptions(themeName: theme, network: network, databasePath: databasePath, startScheduler: false)
        return try await ConsoleRunner.run(link: AttachedLink(socketPath: socketPath, readOnly: readOnly), options: options)
    }
}
