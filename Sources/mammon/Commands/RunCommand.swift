import ArgumentParser
import Engine
import Foundation
import Logging
import MammonCore

/// `mammon [run]`: the engine with its console, or headless JSON lines with `--no-ui`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the engine: the console in a terminal, JSON lines on stdout with --no-ui.")

    @Flag(help: "No terminal UI: one JSON object per event on stdout.")
    var noUI = false

    @Flag(help: "Run one cycle and exit: 0 when it completed, 1 when it failed.")
    var once = false

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions
    @OptionGroup var console: ConsoleFlags

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        Logging.bootstrapOnce()
        let logger = Logger(label: "mammon")
        let headless = noUI || once || isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0
        let (engine, store) = try await EngineSetup.make(network: network, config: config, logger: logger, interactive: !headless)
        let code: Int32
        if headless {
            code = await HeadlessRunner.run(engine: engine, once: once)
        } else {
            code = try await ConsoleLauncher.run(engine: engine, store: store, network: network, console: console, configuredTheme: config.consoleTheme)
        }
        if code != 0 { throw ExitCode(code) }
    }
}

extension Logging {
    /// Logs go to stderr, never stdout (which carries events in headless mode).
    static func bootstrapOnce() {
        let level = ProcessInfo.processInfo.environment["MAMMON_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}

enum Logging {}
