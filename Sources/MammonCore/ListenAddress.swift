import Foundation

/// A TCP address to listen on, from `HOST:PORT` (`127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`).
/// Only literal addresses and `localhost`: a listener must not depend on name resolution.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address without brackets (`::1`), or `localhost`.
    public let host: String
    public let port: Int

    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        let hostPart: Substring, portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
            guard hostPart.contains(":"), hostPart.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            hostPart = parts[0]
            portPart = parts[1]
            guard hostPart.lowercased() == "localhost" || Self.ipv4(hostPart) != nil else { return nil }
        }
        guard portPart.count <= 5, portPart.allSatisfy({ $0 >= "0" && $0 <= "9" }), let port = Int(portPart), (1...65_535).contains(port) else { return nil }
        self.host = hostPart.lowercased()
        self.port = port
    }

    /// 127.0.0.0/8, ::1 or localhost: reachable from this machine only.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        return Self.ipv4(Substring(host))?.first == 127
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func ipv4(_ text: Substring) -> [UInt8]? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        let values = octets.compactMap { $0.count <= 3 && !$0.isEmpty && $0.allSatisfy({ $0 >= "0" && $0 <= "9" }) ? UInt8($0) : nil }
        return values.count == 4 ? values : nil
    }
}
