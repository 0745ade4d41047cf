internal import CCurl
import Dispatch
import Foundation

/// HTTP POST (and GET, for pings) over one reused libcurl easy handle, so the connection to the
/// node stays open between requests (keep-alive).
///
/// A curl handle must not be used from two threads at once, and `curl_easy_perform` blocks:
/// every transfer runs on this transport's own serial queue, off Swift's cooperative pool, and
/// the handle is touched nowhere else. That confinement is why the class is `@unchecked Sendable`.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    public let url: String
    public let options: TransportOptions
    private let queue: DispatchQueue
    private let handle: UnsafeMutableRawPointer
    private let headers: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let sink = ResponseSink()

    public init(url: String, options: TransportOptions = TransportOptions()) throws(TransportError) {
        guard mammon_curl_load() != 0 else {
            throw TransportError(url: url, kind: .setup, code: 0, message: String(cString: mammon_curl_load_error()))
        }
        guard let handle = mammon_curl_easy_init() else {
            throw TransportError(url: url, kind: .setup, code: 0, message: "curl_easy_init failed")
        }
        self.url = url
        self.options = options
        self.handle = handle
        self.queue = DispatchQueue(label: "mammon.curl.\(EndpointURL.redacted(url))")
        let errorSize = Int(mammon_curl_error_size())
        errorBuffer = .allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
        var list: UnsafeMutablePointer<curl_slist>? = nil
        // "Expect:" stops curl from waiting for a 100-continue on bodies over 1 KiB.
        for header in ["Content-Type: application/json", "Accept: application/json", "Expect:"] {
            list = mammon_curl_slist_append(list, header)
        }
        headers = list
        // Every stored property is set: if configure() throws, deinit runs and frees them.
        try configure()
    }

    deinit {
        mammon_curl_easy_cleanup(handle)
        mammon_curl_slist_free_all(headers)
        errorBuffer.deallocate()
    }

    public func post(_ body: [UInt8]) async throws(TransportError) -> HTTPResponse {
        try await transfer(body)
    }

    /// A GET of the URL on the same handle (a heartbeat ping): no body sent, the answer's status and body kept.
    public func get() async throws(TransportError) -> HTTPResponse {
        try await transfer(nil)
    }

    /// POSTs `body`, or GETs when it is nil.
    private func transfer(_ body: [UInt8]?) async throws(TransportError) -> HTTPResponse {
        let cancellation = CancellationFlag()
        let result: Result<HTTPResponse, TransportError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: self.perform(body, cancellation: cancellation)) }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    // MARK: - Private (runs on `queue` after init)

    private func configure() throws(TransportError) {
        try check(mammon_curl_setopt_str(handle, CURLOPT_URL, url), "CURLOPT_URL")
        try check(mammon_curl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        try check(mammon_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(mammon_curl_setopt_long(handle, CURLOPT_POST, 1), "CURLOPT_POST")
        try check(mammon_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "CURLOPT_FOLLOWLOCATION")
        try check(mammon_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        try check(mammon_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(options.connectTimeout)),
                  "CURLOPT_CONNECTTIMEOUT_MS")
        try check(mammon_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(options.totalTimeout)),
                  "CURLOPT_TIMEOUT_MS")
        try check(mammon_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, headers), "CURLOPT_HTTPHEADER")
        try check(mammon_curl_setopt_str(handle, CURLOPT_USERAGENT, "mammon"), "CURLOPT_USERAGENT")
        // libcurl sends through http_proxy / https_proxy / ALL_PROXY from the environment. A request to
        // this machine (a local node, a loopback notifier or heartbeat) never leaves it through a proxy,
        // which could read and rewrite plain http; the operator's own NO_PROXY still applies.
        try check(mammon_curl_setopt_str(handle, CURLOPT_NOPROXY, Self.noProxy()), "CURLOPT_NOPROXY")
        try check(mammon_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(mammon_curl_setopt_write_function(handle, curlWriteCallback), "CURLOPT_WRITEFUNCTION")
        try check(mammon_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque()),
                  "CURLOPT_WRITEDATA")
        // The progress callback runs often during a transfer; it is how a cancelled task stops one.
        try check(mammon_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "CURLOPT_NOPROGRESS")
        try check(mammon_curl_setopt_xferinfo_function(handle, curlProgressCallback), "CURLOPT_XFERINFOFUNCTION")
        try check(mammon_curl_setopt_ptr(handle, CURLOPT_XFERINFODATA, Unmanaged.passUnretained(sink).toOpaque()),
                  "CURLOPT_XFERINFODATA")
    }

    /// Loopback hosts, then NO_PROXY / no_proxy (setting CURLOPT_NOPROXY makes libcurl ignore them).
    static func noProxy(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let operator_ = [environment["NO_PROXY"], environment["no_proxy"]].compactMap { $0 }.filter { !$0.isEmpty }
        return (["localhost", "127.0.0.1", "127.0.0.0/8", "::1"] + operator_).joined(separator: ",")
    }

    private func perform(_ body: [UInt8]?, cancellation: CancellationFlag) -> Result<HTTPResponse, TransportError> {
        guard !cancellation.isCancelled else {
            return .failure(TransportError(url: url, kind: .cancelled, code: 0, message: "cancelled before sending"))
        }
        sink.reset(limit: options.maxResponseBytes, cancellation: cancellation)
        errorBuffer[0] = 0
        let code: CURLcode
        if let body {
            code = body.withUnsafeBufferPointer { buffer in
                // POSTFIELDS is not copied: the buffer must outlive curl_easy_perform, which it does here.
                _ = mammon_curl_setopt_long(handle, CURLOPT_POST, 1)
                _ = mammon_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(buffer.count))
                _ = mammon_curl_setopt_ptr(handle, CURLOPT_POSTFIELDS, buffer.baseAddress)
                return mammon_curl_easy_perform(handle)
            }
            _ = mammon_curl_setopt_ptr(handle, CURLOPT_POSTFIELDS, nil)
        } else {
            _ = mammon_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            code = mammon_curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            if code == CURLE_ABORTED_BY_CALLBACK && cancellation.isCancelled {
                return .failure(TransportError(url: url, kind: .cancelled, code: Int(code.rawValue),
                                               message: "cancelled during the transfer"))
            }
            if code == CURLE_WRITE_ERROR && sink.overflowed {
                return .failure(TransportError(url: url, kind: .responseTooLarge, code: Int(code.rawValue),
                                               message: "response larger than \(options.maxResponseBytes) bytes"))
            }
            return .failure(error(for: code))
        }
        var status = 0
        _ = mammon_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var newConnections = 0
        _ = mammon_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        var retryAfter: curl_off_t = 0
        _ = mammon_curl_getinfo_off_t(handle, CURLINFO_RETRY_AFTER, &retryAfter)
        return .success(HTTPResponse(status: status, body: sink.bytes,
                                     retryAfter: retryAfter > 0 ? Double(retryAfter) : nil,
                                     reusedConnection: newConnections == 0))
    }

    private func check(_ code: CURLcode, _ option: String) throws(TransportError) {
        guard code == CURLE_OK else {
            let base = error(for: code)
            throw TransportError(url: url, kind: .setup, code: base.code, message: "\(option): \(base.message)")
        }
    }

    private func error(for code: CURLcode) -> TransportError {
        var message = String(cString: mammon_curl_easy_strerror(code))
        let detail = String(cString: errorBuffer)
        if !detail.isEmpty { message += ": " + detail }
        return TransportError(url: url, kind: Self.kind(of: code), code: Int(code.rawValue), message: message)
    }

    private static func kind(of code: CURLcode) -> TransportError.Kind {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT: return .badURL
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .couldNotResolve
        case CURLE_COULDNT_CONNECT: return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT: return .timedOut
        case CURLE_SEND_ERROR: return .sendFailed
        case CURLE_RECV_ERROR: return .receiveFailed
        case CURLE_GOT_NOTHING: return .emptyReply
        case CURLE_PARTIAL_FILE: return .partialBody
        case CURLE_FILESIZE_EXCEEDED: return .responseTooLarge
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_USE_SSL_FAILED,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .tls
        default: return .other
        }
    }

    private func milliseconds(_ seconds: Double) -> Int { max(1, Int((seconds * 1000).rounded())) }
}

/// Set from any thread when the requesting task is cancelled; read by the progress callback.
private final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    var isCancelled: Bool { lock.withLock { cancelled } }
    func cancel() { lock.withLock { cancelled = true } }
}

/// Collects the body curl hands to the write callback, refusing more than `limit` bytes, and
/// carries the current request's cancellation flag to the progress callback.
private final class ResponseSink {
    var bytes: [UInt8] = []
    var limit = Int.max
    var overflowed = false
    var cancellation: CancellationFlag?

    func reset(limit: Int, cancellation: CancellationFlag) {
        bytes = []
        self.limit = limit
        overflowed = false
        self.cancellation = cancellation
    }
}

private let curlProgressCallback: curl_xferinfo_callback = { context, _, _, _, _ in
    guard let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    return sink.cancellation?.isCancelled == true ? 1 : 0  // non-zero aborts the transfer
}

private let curlWriteCallback: curl_write_callback = { data, size, count, context in
    guard let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard sink.bytes.count + length <= sink.limit else {
        sink.overflowed = true
        return 0  // anything but `length` makes curl stop with CURLE_WRITE_ERROR
    }
    if let data, length > 0 {
        data.withMemoryRebound(to: UInt8.self, capacity: length) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
    }
    return length
}
