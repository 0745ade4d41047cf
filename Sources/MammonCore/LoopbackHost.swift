/// Whether a host is this machine: 127.0.0.0/8, ::1 or localhost. A name that merely starts with
/// digits (`127.0.0.1.example.com`) is not. The one rule for every place plain http is allowed.
public enum LoopbackHost {
    /// `host` lowercased, without brackets or port.
    public static func contains(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        let values = octets.map { $0.count <= 3 && !$0.isEmpty && $0.allSatisfy({ $0 >= "0" && $0 <= "9" }) ? UInt8($0) : nil }
        guard values.allSatisfy({ $0 != nil }) else { return false }
        return values[0] == 127
    }

    /// The host of `host[:port]` or `[v6]:port`, lowercased, without brackets.
    public static func host(ofAuthority hostPort: String) -> String {
        if hostPort.hasPrefix("[") {
            let inner = hostPort.dropFirst()
            return String(inner.prefix { $0 != "]" }).lowercased()
        }
        return String(hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").lowercased()
    }
}
