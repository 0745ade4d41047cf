import Foundation

/// XDG locations: data under $XDG_DATA_HOME/mammon, config under $XDG_CONFIG_HOME/mammon.
public enum Paths {
    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    public static var home: String { environment["HOME"] ?? NSHomeDirectory() }

    public static var dataHome: String {
        nonEmpty(environment["XDG_DATA_HOME"]) ?? home + "/.local/share"
    }

    public static var configHome: String {
        nonEmpty(environment["XDG_CONFIG_HOME"]) ?? home + "/.config"
    }

    /// The default database of a network. The name comes from the command line or a network file,
    /// so it is reduced to a safe file name: it can never leave the data directory.
    public static func database(network: String) -> String { "\(dataHome)/mammon/\(safeFileName(network)).sqlite" }

    /// Letters, digits, '.', '-' and '_' (anything else becomes '_'), not starting with a dot, at most 64.
    public static func safeFileName(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var safe = String(name.prefix(64).map { allowed.contains($0) ? $0 : "_" })
        if safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        return safe.isEmpty ? "network" : safe
    }

    public static var defaultConfigFile: String { "\(configHome)/mammon/mammon.conf" }

    private static func nonEmpty(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
}
