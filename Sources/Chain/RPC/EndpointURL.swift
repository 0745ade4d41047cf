import MammonCore

/// What can be said about an RPC URL without showing its secrets.
///
/// Providers put API keys in the path (`/v2/KEY`), the query (`?apikey=`) or the userinfo
/// (`user:pass@`), so an error, an event or a log line shows only the scheme, host and port, with
/// `/…` where something was left out. The full URL is kept only where a request is made.
public enum EndpointURL {
    /// `https://user:key@rpc.example.com:8443/v2/KEY?x=1` → `https://rpc.example.com:8443/…`.
    public static func redacted(_ url: String) -> String {
        guard let parts = split(url) else {
            if let colon = url.range(of: "://") { return url[..<colon.lowerBound].prefix(12).lowercased() + "://…" }
            return "<not a URL>"
        }
        let hidden = !parts.rest.isEmpty && parts.rest != "/" || parts.hadUserinfo
        return parts.scheme + "://" + parts.hostPort + (hidden ? "/…" : "")
    }

    /// `host[:port]` alone (`rpc.example.com:8443`): a metric label that names the endpoint and
    /// nothing else of its URL. `invalid` when the URL is not http(s).
    public static func label(_ url: String) -> String { split(url).map { $0.hostPort } ?? "invalid" }

    /// The host, lowercased, without brackets for IPv6; nil when the URL is not http(s).
    public static func host(of url: String) -> String? {
        guard let hostPort = split(url)?.hostPort else { return nil }
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            return String(hostPort[hostPort.index(after: hostPort.startIndex)..<close]).lowercased()
        }
        return String(hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "").lowercased()
    }

    /// Whether the URL seems to hold a secret: a user or password, a query, or a path segment that
    /// looks like an API key (16 or more letters, digits, '-' or '_', with a digit). A guess, for a
    /// warning: a secret that looks like a word is not seen.
    public static func seemsToCarrySecret(_ url: String) -> Bool {
        guard let parts = split(url) else { return false }
        if parts.hadUserinfo || parts.rest.contains("?") { return true }
        let path = parts.rest.prefix { $0 != "#" }
        return path.split(separator: "/").contains { segment in
            segment.count >= 16 && segment.contains(where: \.isNumber)
                && segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }

    /// Whether the URL is plain `http://` (nothing on the wire is protected).
    public static func isPlainHTTP(_ url: String) -> Bool { split(url)?.scheme == "http" }

    /// Whether the URL's host is this machine: 127.0.0.0/8, ::1 or localhost. A name that merely
    /// starts with digits (`127.0.0.1.example.com`) is not.
    public static func isLoopback(_ url: String) -> Bool {
        guard let host = host(of: url) else { return false }
        return LoopbackHost.contains(host)
    }

    /// Scheme (lowercased), `host[:port]` and what follows it (path, query, fragment).
    private static func split(_ url: String) -> (scheme: String, hostPort: String, rest: Substring, hadUserinfo: Bool)? {
        guard let colon = url.range(of: "://") else { return nil }
        let scheme = url[..<colon.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let afterScheme = url[colon.upperBound...]
        let authorityEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        var authority = afterScheme[..<authorityEnd]
        var hadUserinfo = false
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
            hadUserinfo = true
        }
        return (scheme, authority.lowercased(), afterScheme[authorityEnd...], hadUserinfo)
    }
}
