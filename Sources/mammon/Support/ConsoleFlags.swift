import ArgumentParser
import MammonCore

/// The console's command-line flags, for `mammon run`'s `@OptionGroup`.
struct ConsoleFlags: ParsableArguments {
    @Option(help: "Console theme (wins over CONSOLE_THEME): default, light, high-contrast, monochrome, solarized-dark, gruvbox-dark, or a file NAME.theme in $XDG_CONFIG_HOME/mammon/themes.")
    var theme: String?

    @Flag(help: "Open the console with the scheduler stopped (press s to start).")
    var stopped = false

    /// `--theme` as the CONSOLE_THEME setting: one rule for the flag, the environment and the file
    /// (a name, never a path: it becomes a file name under the themes directory).
    var configSettings: [ConfigLoader.Setting] {
        theme.map { [ConfigLoader.Setting(key: "CONSOLE_THEME", value: $0, source: .flag("theme"))] } ?? []
    }
}
