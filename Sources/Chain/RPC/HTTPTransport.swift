/// One HTTP answer: the status, the body and what the connection did.
public struct HTTPResponse: Sendable, Hashable {
    public let status: Int
    public let body: [UInt8]
    /// Seconds from a `Retry-After` header, when the server sent one (429, 503).
    public let retryAfter: Double?
    /// False when this request had to open a new connection (keep-alive did not hold).
    public let reusedConnection: Bool

    public init(status: Int, body: [UInt8], retryAfter: Double? = nil, reusedConnection: Bool = false) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
        self.reusedConnection = reusedConnection
    }
}

/// A request that got no HTTP answer: what kind of failure, the URL and the library's words.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case badURL, couldNotResolve, couldNotConnect, timedOut, sendFailed, receiveFailed
        case emptyReply, partialBody, responseTooLarge, tls, setup, cancelled, other
    }

    public let url: String
    public let kind: Kind
    /// The libcurl `CURLcode` (0 when the failure did not come from libcurl).
    public let code: Int
    public let message: String

    public init(url: String, kind: Kind, code: Int, message: String) {
        self.url = url
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(EndpointURL.redacted(url)): \(kind.rawValue) (curl \(code)): \(message)" }
}

/// Posts JSON bodies to one endpoint. Implementations own their connection; calls may come
/// from any task, and a cancelled task's request ends with a `.cancelled` error.
public protocol HTTPTransport: Sendable {
    var url: String { get }
    func post(_ body: [UInt8]) async throws(TransportError) -> HTTPResponse
}

/// Timeouts and limits of one endpoint's transport.
public struct TransportOptions: Sendable, Hashable {
    /// Seconds to establish the TCP (and TLS) connection.
    public var connectTimeout: Double
    /// Seconds for the whole request, connection included.
    public var totalTimeout: Double
    /// A larger body is refused (a broken or hostile node must not exhaust memory).
    public var maxResponseBytes: Int

    public init(connectTimeout: Double = 5, totalTimeout: Double = 30, maxResponseBytes: Int = 32 << 20) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}
