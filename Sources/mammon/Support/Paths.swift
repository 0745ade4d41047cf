import Foundation

/// XDG locations: data under $XDG_DATA_HOME/mammon, config under $XDG_CONFIG_HOME/mammon.
enum Paths {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static var home: String { environment["HOME"] ?? NSHomeDirectory() }

    static var dataHome: String {
        nonEmpty(environment["XDG_DATA_HOME"]) ?? home + "/.local/share"
    }

    static var configHome: String {
        nonEmpty(environment["XDG_CONFIG_HOME"]) ?? home + "/.config"
    }

    static func database(network: String) -> String { "\(dataHome)/mammon/\(network).sqlite" }

    static var defaultConfigFile: String { "\(configHome)/mammon/mammon.conf" }

    private static func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
}
