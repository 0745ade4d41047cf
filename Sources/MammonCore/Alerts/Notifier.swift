import Foundation

/// One notification target, configured by an Apprise-style URL (the whole configuration is the URL):
/// `json://` / `jsons://` (Apprise's JSON body over http / https), `slack://A/B/C[/#channel]`,
/// `discord://ID/TOKEN`, `tgram://BOT_TOKEN/CHAT_ID`. `?severity=info|warning|failure` overrides
/// NOTIFY_MIN_SEVERITY for this URL.
///
/// The URL holds secrets (webhook tokens, bot tokens, passwords): only `redacted` and `key` may be
/// shown or stored.
public struct Notifier: Sendable, Hashable {
    public enum Service: String, Sendable, CaseIterable { case json, jsons, slack, discord, tgram }

    public let service: Service
    /// The http(s) URL requests go to. Secret.
    let endpoint: String
    /// Slack's channel or Telegram's chat id, when the service needs one in the body.
    let recipient: String?
    /// This URL's own minimum severity (`?severity=`); nil: NOTIFY_MIN_SEVERITY.
    public let minSeverity: AlertSeverity?
    /// Scheme, host, the first 4 characters of each token and "…": safe for logs and screens.
    public let redacted: String
    /// A stable, non-secret name for this URL in the database (a hash of the URL without its query).
    public let key: String
    /// The parts of the URL that are credentials, for `scrub`.
    let secrets: [String]

    /// Parses one line of NOTIFY_URLS_FILE. Errors never repeat the secret parts of the URL.
    public init(url text: String) throws(NotifierURLError) {
        let line = text.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = line.range(of: "://") else { throw .notAURL }
        let scheme = line[..<schemeEnd.lowerBound].lowercased()
        guard let service = Service(rawValue: scheme) else { throw .unsupportedScheme(String(scheme.prefix(12))) }
        var rest = String(line[schemeEnd.upperBound...])
        var query: [String: String] = [:]
        if let q = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                query[kv[0].lowercased()] = kv.count > 1 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""
            }
            rest = String(rest[..<q])
        }
        if let s = query["severity"] {
            guard let severity = AlertSeverity(text: s) else { throw .badSeverity(service, String(s.prefix(12))) }
            minSeverity = severity
        } else {
            minSeverity = nil
        }
        self.service = service
        self.key = "\(service.rawValue):" + Self.fnv1a(scheme + "://" + rest)

        switch service {
        case .json, .jsons:
            // [user[:password]@]host[:port][/path]
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            let authority = String(rest[..<slash])
            let path = String(rest[slash...])
            let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            let host = hostPort.hasPrefix("[") ? hostPort : String(hostPort.split(separator: ":").first ?? "")
            guard !host.isEmpty, !host.contains(" ") else { throw .missing(service, "a host") }
            // Plain http carries the alert (and any password in the URL) readable and rewritable by
            // anyone on the path: only to this machine.
            if service == .json, !LoopbackHost.contains(LoopbackHost.host(ofAuthority: hostPort)) { throw .plainHTTP }
            endpoint = (service == .jsons ? "https://" : "http://") + authority + (path.isEmpty ? "/" : path)
            recipient = nil
            redacted = "\(scheme)://\(hostPort)" + (path.count > 1 ? "/" + Self.peek(String(path.dropFirst())) : "/")
            let credentials = authority.contains("@") ? authority.split(separator: "@").dropLast().joined(separator: "@").split(separator: ":").map(String.init) : []
            secrets = path.split(separator: "/").map(String.init) + credentials
        case .slack:
            var parts = Self.components(rest)
            var channel: String?
            if let last = parts.last, last.hasPrefix("#") || last.hasPrefix("%23") || parts.count == 4 {
                channel = last.hasPrefix("%23") ? "#" + last.dropFirst(3) : last
                parts.removeLast()
            }
            guard parts.count == 3, parts.allSatisfy(Self.isToken) else { throw .missing(service, "three webhook tokens (slack://TokenA/TokenB/TokenC)") }
            endpoint = "https://hooks.slack.com/services/\(parts[0])/\(parts[1])/\(parts[2])"
            recipient = channel
            secrets = parts
            redacted = "slack://" + parts.map(Self.peek).joined(separator: "/") + (channel.map { "/\($0)" } ?? "")
        case .discord:
            let parts = Self.components(rest)
            guard parts.count == 2, parts.allSatisfy(Self.isToken) else { throw .missing(service, "a webhook id and token (discord://WebhookID/WebhookToken)") }
            endpoint = "https://discord.com/api/webhooks/\(parts[0])/\(parts[1])"
            recipient = nil
            secrets = parts
            redacted = "discord://" + parts.map(Self.peek).joined(separator: "/")
        case .tgram:
            var parts = Self.components(rest)
            guard parts.count >= 2 else { throw .missing(service, "a bot token and a chat id (tgram://BotToken/ChatID)") }
            guard parts.count == 2 else { throw .oneRecipient(service) }
            if parts[0].hasPrefix("bot") { parts[0].removeFirst(3) }
            let token = parts[0], chat = parts[1]
            guard token.contains(":"), token.allSatisfy({ Self.isToken(String($0)) || $0 == ":" }),
                  !chat.isEmpty, chat.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "@" || $0.isLetter || $0 == "_" })
            else { throw .missing(service, "a bot token (digits:letters) and a chat id") }
            endpoint = "https://api.telegram.org/bot\(token)/sendMessage"
            recipient = chat
            secrets = [token, chat]
            redacted = "tgram://" + Self.peek(token) + "/" + Self.peek(chat)
        }
    }

    /// The HTTP request that tells this notifier `title` and `message`.
    public func request(title: String, message: String, severity: AlertSeverity) -> NotifierRequest {
        let body: [String: JSONField]
        switch service {
        case .json, .jsons:
            body = ["version": .string("1.0"), "title": .string(title), "message": .string(message),
                    "attachments": .emptyArray, "type": .string(severity.appriseType)]
        case .slack:
            // Text from the node must not become a mention (<!channel>) or a link (<https://x|Approve>).
            var b: [String: JSONField] = ["text": .string(Self.clip("*\(Self.slackEscaped(title))*\n\(Self.slackEscaped(message))", 35_000))]
            if let recipient { b["channel"] = .string(recipient) }
            body = b
        case .discord:
            // No mention is ever parsed (@everyone, roles, users), and markdown links are shown as text.
            body = ["content": .string(Self.clip("**\(Self.discordEscaped(title))**\n\(Self.discordEscaped(message))", 2000)),
                    "allowed_mentions": .object(["parse": .emptyArray])]
        case .tgram:
            // Plain text: no parse_mode, so nothing in the message is read as HTML or Markdown.
            body = ["chat_id": .string(recipient ?? ""), "text": .string(Self.clip("\(title)\n\(message)", 4096))]
        }
        return NotifierRequest(url: endpoint, body: JSONField.encode(body))
    }

    /// Removes every secret of this notifier from `text` (an error message from the HTTP layer).
    public func scrub(_ text: String) -> String {
        var out = text.replacingOccurrences(of: endpoint, with: redacted)
        for secret in secrets.sorted(by: { $0.count > $1.count }) where secret.count > 4 {
            out = out.replacingOccurrences(of: secret, with: Self.peek(secret))
        }
        return out
    }

    // MARK: - Helpers

    /// Slack's control characters in message text: `&`, `<`, `>` (api.slack.com, "Escaping text").
    static func slackEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Discord markdown (bold, links, code, quotes, spoilers, headings) backslash-escaped, so text from
    /// a node reads as it was written and never as a masked link.
    static func discordEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\*_~`|>[]()#-<:@".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    private static func components(_ rest: String) -> [String] {
        var text = rest
        // Apprise allows a bot name before the tokens: slack://name@A/B/C.
        if let at = text.firstIndex(of: "@"), !(text[..<at].contains("/")) { text = String(text[text.index(after: at)...]) }
        return text.split(separator: "/").map(String.init)
    }

    private static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// The first 4 characters and "…".
    static func peek(_ secret: String) -> String { String(secret.prefix(4)) + "…" }

    private static func clip(_ text: String, _ limit: Int) -> String { text.count <= limit ? text : String(text.prefix(limit - 1)) + "…" }

    static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// What to send: a POST of a JSON body to `url` (which holds the notifier's secrets).
public struct NotifierRequest: Sendable, Hashable {
    public let url: String
    public let body: [UInt8]
}

/// What came back from one POST: a status, or no answer at all (`error`, already scrubbed of secrets).
public struct NotifierResponse: Sendable, Hashable {
    public var status: Int?
    public var retryAfter: Double?
    public var error: String?

    public init(status: Int?, retryAfter: Double? = nil, error: String? = nil) {
        self.status = status
        self.retryAfter = retryAfter
        self.error = error
    }

    public var delivered: Bool { status.map { (200..<300).contains($0) } ?? false }

    /// "HTTP 204", "HTTP 429 (retry after 1 s)", or the transport error.
    public var summary: String {
        if let status { return "HTTP \(status)" + (retryAfter.map { " (retry after \(Int($0)) s)" } ?? "") }
        return error ?? "no answer"
    }
}

/// Sends notifier requests over HTTP (libcurl in the program, a fake in tests).
public protocol NotifierPoster: Sendable {
    func post(_ request: NotifierRequest) async -> NotifierResponse
}

public enum NotifierURLError: Error, Hashable, Sendable, CustomStringConvertible {
    case notAURL
    case unsupportedScheme(String)
    case missing(Notifier.Service, String)
    case oneRecipient(Notifier.Service)
    case badSeverity(Notifier.Service, String)
    case plainHTTP

    public var description: String {
        switch self {
        case .notAURL: "not a URL (scheme://…)"
        case .unsupportedScheme(let s): "unsupported scheme '\(s)': use json, jsons, slack, discord or tgram"
        case .missing(let s, let what): "\(s.rawValue):// needs \(what)"
        case .oneRecipient(let s): "\(s.rawValue):// takes one chat per URL: write one line per chat"
        case .badSeverity(let s, let v): "\(s.rawValue)://…?severity='\(v)': use info, warning or failure"
        case .plainHTTP: "json:// is plain http, allowed only to this machine (127.0.0.1, ::1, localhost): use jsons:// (https)"
        }
    }
}

/// The notifiers of NOTIFY_URLS_FILE: one URL per line, blank lines and `#` comments ignored.
public enum NotifierList {
    public static func parse(_ text: String) throws(NotifierListError) -> [Notifier] {
        var notifiers: [Notifier] = []
        // isNewline: "\r\n" is one Character in Swift, so splitting on "\n" would not see it.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            do { notifiers.append(try Notifier(url: line)) } catch { throw NotifierListError(line: index + 1, reason: error) }
        }
        return notifiers
    }
}

public struct NotifierListError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var reason: NotifierURLError
    public var description: String { "line \(line): \(reason)" }
}

/// A notifier body's values, written by the project's one JSON writer (keys sorted, so the bytes
/// are stable in tests; text escaped as in every line Mammon writes).
enum JSONField: Sendable, Encodable {
    case string(String)
    case emptyArray
    case object([String: JSONField])

    static func encode(_ object: [String: JSONField]) -> [UInt8] {
        // Strings and objects of strings only: nothing here can fail to encode.
        (try? JSONLineWriter.bytes(object, style: .sorted)) ?? Array("{}".utf8)
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .emptyArray:
            _ = encoder.unkeyedContainer()
        case .object(let inner):
            var c = encoder.singleValueContainer()
            try c.encode(inner)
        }
    }
}
