import Foundation
import MammonCore

/// The settings' layers as the commands read them: flags, then the environment, then the config file
/// (`--config FILE`, else `$XDG_CONFIG_HOME/mammon/mammon.conf` when it exists), then defaults.
public enum ConfigSources {
    /// Loads and validates every layer. Throws `ConfigError` (exit 78) before anything is written.
    public static func load(flags: [ConfigLoader.Setting], configFile: String?,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> MammonConfig {
        var file: (path: String, contents: String)?
        let path = configFile ?? Paths.defaultConfigFile
        if FileManager.default.fileExists(atPath: path) {
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError("config: cannot read \(path) as UTF-8 text")
            }
            file = (path, contents)
        } else if configFile != nil {
            throw ConfigError("config: file \(path) (from --config) does not exist")
        }
        return try ConfigLoader.load(flags: flags, environment: environment, file: file)
    }
}
