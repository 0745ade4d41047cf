import Foundation
import MammonCore
import Synchronization

/// Posts notifier requests through the RPC layer's `CurlTransport`: one kept-alive handle per
/// webhook URL, the same timeouts, status and Retry-After handling, no second HTTP stack.
public final class CurlNotifierPoster: NotifierPoster {
    private let options: TransportOptions
    private let transports = Mutex<[String: CurlTransport]>([:])

    public init(options: TransportOptions = TransportOptions(connectTimeout: 5, totalTimeout: 15, maxResponseBytes: 1 << 20)) {
        self.options = options
    }

    public func post(_ request: NotifierRequest) async -> NotifierResponse {
        let transport: CurlTransport
        do { transport = try self.transport(for: request.url) } catch {
            return NotifierResponse(status: nil, error: "\(error.kind.rawValue): \(error.message)")
        }
        do {
            let response = try await transport.post(request.body)
            return NotifierResponse(status: response.status, retryAfter: response.retryAfter)
        } catch {
            // The description names the URL redacted; the caller scrubs the rest.
            return NotifierResponse(status: nil, error: "\(error.kind.rawValue): \(error.message)")
        }
    }

    private func transport(for url: String) throws(TransportError) -> CurlTransport {
        if let existing = transports.withLock({ $0[url] }) { return existing }
        let made = try CurlTransport(url: url, options: options)
        return transports.withLock { cache in
            if let existing = cache[url] { return existing }
            cache[url] = made
            return made
        }
    }
}
