import ArgumentParser
import Chain
import ConsoleRuntime
import Engine
import Foundation
import Logging
import MammonCore
import Runtime
import Store

/// `mammon [run]`: the engine with its console, or headless JSON lines with `--no-ui`. Every engine
/// serves its control and observer sockets; in a terminal, when an engine already runs on the
/// database, `mammon` attaches to it instead of starting another.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the engine: the console in a terminal, JSON lines on stdout with --no-ui.")

    @Flag(help: "No terminal UI: one JSON object per event on stdout.")
    var noUI = false

    @Flag(help: "Run one cycle and exit: 0 when it completed, 1 when it failed.")
    var once = false

    @Flag(help: "Open the console with the scheduler stopped (press s to start).")
    var stopped = false

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        if let safe = config.treasurySafe {
            if network.selection.isSimulated { throw ConfigError("TREASURY_SAFE (--safe) fences a live key: it needs a live network").exit() }
            if let watched = network.watch, watched.lowercased() != safe.lowercased() {
                throw ConfigError("--watch \(watched) with TREASURY_SAFE \(safe): a fenced treasury's shadow run watches the Safe itself").exit()
            }
        }
        LogOutput.bootstrap()
        let logger = Logger(label: "mammon")
        let headless = noUI || once || isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0
        if !headless, EngineLock.holder(of: EngineLocks.databaseLockPath(network.databasePath)) != nil {
            // An engine already runs on this database (a service, another terminal): watch and steer it.
            let sockets = try SocketPaths.find(network.databasePath)
            let code = try await ConsoleLauncher.attach(socketPath: sockets.control, readOnly: false, databasePath: network.databasePath,
                                                        network: network.network, theme: config.consoleTheme)
            if code != 0 { throw ExitCode(code) }
            return
        }
        StartupTrace.mark("config loaded")
        let notifiers: [Notifier]
        do { notifiers = try EngineAlerts.notifiers(config) } catch { throw error.exit() }
        // The console's reads of what is stored start as soon as the database is open.
        var prefetch: ConsolePrefetch?
        let made: (engine: Engine, store: AppDatabase, rpc: JSONRPCClient?)
        do {
            made = try await EngineSetup.make(network: network.selection, config: config, logger: logger, interactive: !headless) {
                if !headless { prefetch = ConsolePrefetch(store: $0) }
            }
        } catch let error as ConfigError { throw error.exit() }  // e.g. a fence broader than the plan: EX_CONFIG
        let (engine, store, rpc) = made
        StartupTrace.mark("engine set up")
        let services = try await EngineServices.start(engine: engine, store: store, rpc: rpc, config: config, notifiers: notifiers,
                                                      databasePath: network.databasePath, logger: logger)
        let code: Int32
        do {
            if headless {
                code = await HeadlessRunner.run(engine: engine, once: once, alerts: services.alerts)
            } else {
                await services.alerts?.opened(longRunning: true)
                StartupTrace.mark("servers started")
                code = try await ConsoleLauncher.run(engine: engine, store: store, network: network.network, databasePath: network.databasePath,
                                                     startScheduler: !stopped, themeName: config.consoleTheme, prefetch: prefetch)
                await services.alerts?.stopping(reason: "console closed")
            }
        } catch {
            await services.stop()
            throw error
        }
        await services.stop()
        if code != 0 { throw ExitCode(code) }
    }
}
