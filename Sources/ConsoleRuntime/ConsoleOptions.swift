import Foundation
import MammonCore

/// How the console runs, as `mammon run` decides it.
struct ConsoleOptions: Sendable {
    /// `--theme NAME`, else the `CONSOLE_THEME` setting (environment or config file); nil: the default theme.
    var themeName: String?
    var network: String
    var databasePath: String
    /// NO_COLOR set (any non-empty value) and no theme asked for: the monochrome theme, attributes only.
    /// A theme named explicitly (flag or setting) overrides NO_COLOR, as no-color.org asks.
    var noColor: Bool
    /// Start the scheduler when the console opens, as the headless run does.
    var startScheduler: Bool
    var environment: [String: String]

    init(themeName: String? = nil, network: String, databasePath: String, startScheduler: Bool = true,
         environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.themeName = themeName
        self.network = network
        self.databasePath = databasePath
        self.noColor = !(environment["NO_COLOR"] ?? "").isEmpty && self.themeName == nil
        self.startScheduler = startScheduler
        self.environment = environment
    }
}
