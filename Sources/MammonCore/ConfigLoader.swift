import Foundation

/// Where a setting came from, for error messages.
public enum ConfigSource: Sendable, Hashable, CustomStringConvertible {
    case flag(String)
    case environment
    case file(path: String, line: Int)

    public var description: String {
        switch self {
        case .flag(let f): "flag --\(f)"
        case .environment: "environment"
        case .file(let path, let line): "\(path):\(line)"
        }
    }
}

/// A setting that stops start-up: one line naming the key, the value, its source and what is allowed.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    /// EX_CONFIG from sysexits.h.
    public static let exitCode: Int32 = 78
}

/// Builds a `MammonConfig` from layers, highest first: flags, environment, config file, defaults.
/// Pure: the caller reads the file and the environment.
public enum ConfigLoader {
    public struct Setting: Sendable, Hashable {
        public var key: String
        public var value: String
        public var source: ConfigSource
        public init(key: String, value: String, source: ConfigSource) {
            self.key = key
            self.value = value
            self.source = source
        }
    }

    public static func load(flags: [Setting], environment: [String: String], file: (path: String, contents: String)?)
        throws(ConfigError) -> MammonConfig {
        var settings: [String: Setting] = [:]
        if let file {
            for s in try parseFile(path: file.path, contents: file.contents) { settings[s.key] = s }
        }
        for key in ConfigKey.all {
            if let v = environment[key.name] { settings[key.name] = Setting(key: key.name, value: v, source: .environment) }
        }
        for s in flags { settings[s.key] = s }

        var config = MammonConfig()
        // Apply in table order so messages are deterministic.
        for key in ConfigKey.all {
            guard let s = settings[key.name] else { continue }
            guard key.apply(s.value.trimmingCharacters(in: .whitespaces), &config) else {
                let shown = key.secret ? "<secret, not shown>" : s.value
                throw ConfigError("config: \(key.name) = '\(shown)' (from \(s.source)) is invalid: allowed \(key.range)")
            }
        }
        if config.retryBackoffMaxSeconds < config.retryBackoffSeconds {
            let s = settings["RETRY_BACKOFF_MAX_SECONDS"]
            throw ConfigError("config: RETRY_BACKOFF_MAX_SECONDS = '\(config.retryBackoffMaxSeconds)' (from \(s?.source.description ?? "default")) is invalid: allowed ≥ RETRY_BACKOFF_SECONDS (\(config.retryBackoffSeconds))")
        }
        if config.ethUSDMax <= config.ethUSDMin {
            let s = settings["ETH_USD_MAX"]
            throw ConfigError("config: ETH_USD_MAX = '\(config.ethUSDMax.plainString)' (from \(s?.source.description ?? "default")) is invalid: allowed > ETH_USD_MIN (\(config.ethUSDMin.plainString))")
        }
        if let listen = config.metricsListen, !listen.isLoopback, !config.metricsAllowRemote {
            let s = settings["METRICS_LISTEN"]
            throw ConfigError("config: METRICS_LISTEN = '\(listen)' (from \(s?.source.description ?? "default")) is not a loopback address: anyone who can reach it reads the wallet's figures; set METRICS_ALLOW_REMOTE=true to serve it there anyway")
        }
        return config
    }

    /// `KEY = VALUE` lines; `#` starts a comment; values may be quoted. Unknown or repeated keys are errors.
    public static func parseFile(path: String, contents: String) throws(ConfigError) -> [Setting] {
        var seen: [String: Int] = [:]
        var out: [Setting] = []
        for (index, raw) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            var text = String(raw)
            if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
            text = text.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text.hasPrefix("export ") { text = String(text.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = text.firstIndex(of: "=") else {
                throw ConfigError("config: \(path):\(line): expected KEY = VALUE, found '\(text)'")
            }
            let key = text[..<eq].trimmingCharacters(in: .whitespaces).uppercased()
            var value = text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            guard ConfigKey.named(key) != nil else {
                throw ConfigError("config: \(path):\(line): unknown key \(key) (known: \(ConfigKey.all.map(\.name).joined(separator: ", ")))")
            }
            if let first = seen[key] {
                throw ConfigError("config: \(path):\(line): \(key) is already set on line \(first)")
            }
            seen[key] = line
            out.append(Setting(key: key, value: value, source: .file(path: path, line: line)))
        }
        return out
    }
}
