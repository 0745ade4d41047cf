import Foundation

/// Which `Host` headers the metrics endpoint answers: loopback names and addresses, and the address
/// it listens on. A web page in a local browser can reach 127.0.0.1 under a name it controls (DNS
/// rebinding); its requests carry that name, and are refused.
struct HostCheck: Sendable {
    let listenHost: String

    init(listenHost: String) { self.listenHost = Self.bare(listenHost) }

    /// Whether a request with this `Host` header (nil: none) may be answered.
    func allows(_ header: String?) -> Bool {
        guard let header, let host = Self.hostPart(of: header) else { return false }
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        if Self.isIPv4Loopback(host) { return true }
        return !listenHost.isEmpty && host == listenHost && listenHost != "0.0.0.0" && listenHost != "::"
    }

    /// The name or address in a Host header, lower-cased, without port or IPv6 brackets.
    static func hostPart(of header: String) -> String? {
        let value = header.trimmingCharacters(in: .whitespaces).lowercased()
        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]") else { return nil }
            let rest = value[value.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            return String(value[value.index(after: value.startIndex)..<close])
        }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.first, !name.isEmpty else { return nil }
        if parts.count == 2 && !parts[1].allSatisfy(\.isNumber) { return nil }
        return name.hasSuffix(".") ? String(name.dropLast()) : String(name)
    }

    private static func bare(_ host: String) -> String {
        var h = host.lowercased()
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        return h
    }

    private static func isIPv4Loopback(_ host: String) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }) else { return false }
        return octets.first == "127" && octets.allSatisfy { (Int($0) ?? 256) <= 255 }
    }
}
