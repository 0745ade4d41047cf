import ArgumentParser
import MammonCore
import Runtime

/// The engine settings as flags, one for each `ConfigKey` that has one, plus `--config FILE`. Flags win
/// over the environment, which wins over the file, which wins over defaults.
///
/// The flags are generated from the table (name, help, allowed values): ArgumentParser finds a command's
/// options by reflecting on its option groups, and this group's mirror lists one `Option` per key, so
/// parsing, `--help` and the completion scripts all read the one list.
struct ConfigOptions: ParsableArguments, CustomReflectable {
    @Option(help: "Config file (KEY = VALUE lines). Default: $XDG_CONFIG_HOME/mammon/mammon.conf if it exists.")
    var config: String?

    /// What each key's flag was given, by key name.
    private(set) var flagValues: [String: String] = [:]

    /// The keys that have a flag, in the table's order.
    static let keys = ConfigKey.all.filter { $0.flagName != nil }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FlagKey.self)
        _config = try container.decode(Option<String?>.self, forKey: FlagKey("config"))
        for key in Self.keys {
            if let value = try container.decode(Option<String?>.self, forKey: FlagKey(key.name)).wrappedValue { flagValues[key.name] = value }
        }
    }

    /// `--config`, then one option per key, labelled with the key's name (the decoder's coding key).
    var customMirror: Mirror {
        Mirror(self, children: [(label: "_config", value: _config as Any)] + Self.keys.map { (label: $0.name, value: Self.option(for: $0) as Any) })
    }

    static func option(for key: ConfigKey) -> Option<String?> {
        Option(name: .customLong(key.flagName!), help: ArgumentHelp("\(key.help) (\(key.name): \(key.range))", valueName: "value"))
    }

    var flagSettings: [ConfigLoader.Setting] {
        Self.keys.compactMap { key in
            flagValues[key.name].map { ConfigLoader.Setting(key: key.name, value: $0, source: .flag(key.flagName!)) }
        }
    }

    /// Loads and validates every layer. Throws `ConfigError` (exit 78) before anything is written.
    func load() throws(ConfigError) -> MammonConfig { try ConfigSources.load(flags: flagSettings, configFile: config) }
}

/// Any key: the decoder asks for each option by the label the mirror gave it.
private struct FlagKey: CodingKey {
    let stringValue: String
    init(_ stringValue: String) { self.stringValue = stringValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
