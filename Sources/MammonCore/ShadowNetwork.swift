/// How a shadow run (`--watch`) names its network everywhere it is shown or stored: "shadow:<network>".
public enum ShadowNetwork {
    public static let prefix = "shadow:"

    public static func name(of network: String) -> String { prefix + network }

    /// The watched network of a shadow run's name ("shadow:base" → "base"), nil for any other network.
    public static func watched(in name: String) -> String? { name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : nil }
}
