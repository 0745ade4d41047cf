import MammonCore

/// Which endpoint and which method a failure belongs to. `url` is the full URL (it may hold an API
/// key); the description shows it redacted.
public struct RPCContext: Sendable, Hashable, CustomStringConvertible {
    public let url: String
    /// The JSON-RPC method, or `batch(n)` for a batch request.
    public let method: String

    public init(url: String, method: String) {
        self.url = url
        self.method = method
    }

    public var description: String { "\(method) at \(EndpointURL.redacted(url))" }
}

/// Everything a JSON-RPC call can fail with, each case keeping what an operator needs.
public enum RPCError: Error, Sendable, Hashable {
    /// No HTTP answer at all (connection refused, timeout, reset, cut-off body).
    case transport(method: String, TransportError)
    /// An HTTP answer other than 2xx. 429 and 5xx make the client back off.
    case httpStatus(RPCContext, status: Int, retryAfter: Double?, body: String)
    /// The node answered with a JSON-RPC error object.
    case rpc(RPCContext, code: Int, message: String, data: JSONValue?)
    /// The EVM reverted (eth_call, eth_estimateGas). `data` is the raw revert data as `0x` hex,
    /// when the node sent it, for the EVM module's ABI decoding (Error(string), custom errors).
    case executionReverted(RPCContext, message: String, data: String?)
    /// The body is not the JSON-RPC answer asked for. `truncated` when the JSON stops early.
    case malformedResponse(RPCContext, reason: String, truncated: Bool, body: String)
    /// Every endpoint is cooling down after repeated failures; try again in `retryIn` seconds.
    case noHealthyEndpoint(urls: [String], retryIn: Double)
    /// A result of the wrong shape for a typed call (e.g. a chain id that is not a quantity).
    case unexpectedResult(RPCContext, expected: String, got: String)
    /// The endpoint reported another chain (when first used, or at a head check): it is set aside for good.
    case wrongChain(url: String, expected: UInt64, reported: UInt64)
    /// With several endpoints, none that may serve the call has the state it needs: each one not
    /// refused or cooling down is stale (its head far behind another endpoint's), or, for a read pinned
    /// to `block`, none has reported that block yet. `heads`: each endpoint's head, redacted
    /// (`https://rpc.example.com/… 1200`). The call was sent nowhere an older state would answer it.
    case behindTheChain(method: String, block: UInt64?, heads: [String])
    case cancelled
}

extension RPCError {
    /// True for failures that say nothing about the request itself, only about the endpoint:
    /// these count against the endpoint's health and move the call to another endpoint.
    var isEndpointFailure: Bool {
        switch self {
        case .transport, .httpStatus, .malformedResponse: return true
        default: return false
        }
    }

    /// True when no endpoint could be asked at all (every one cooling down).
    var isNoHealthyEndpoint: Bool {
        if case .noHealthyEndpoint = self { return true }
        return false
    }

    /// True when the endpoint asked us to slow down (429) or is overloaded (5xx).
    var isThrottle: Bool {
        if case .httpStatus(_, let status, _, _) = self { return status == 429 || (500...599).contains(status) }
        return false
    }
}

extension RPCError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .transport(let method, let error):
            return "\(method): no answer from \(EndpointURL.redacted(error.url)): \(error.kind.rawValue) — \(error.message)"
        case .httpStatus(let context, let status, let retryAfter, let body):
            let wait = retryAfter.map { ", retry after \($0) s" } ?? ""
            return "\(context): HTTP \(status)\(wait): \(body.prefix(200))"
        case .rpc(let context, let code, let message, let data):
            return "\(context): JSON-RPC error \(code): \(message)" + (data.map { " (data: \($0.serialized.prefix(200)))" } ?? "")
        case .executionReverted(let context, let message, let data):
            return "\(context): \(message)" + (data.map { " (revert data \($0.prefix(138)))" } ?? " (no revert data)")
        case .malformedResponse(let context, let reason, let truncated, let body):
            return "\(context): \(truncated ? "truncated" : "malformed") answer: \(reason); body starts '\(body.prefix(120))'"
        case .noHealthyEndpoint(let urls, let retryIn):
            return "no healthy RPC endpoint among \(urls.map(EndpointURL.redacted).joined(separator: ", ")); next retry in \(Int(retryIn.rounded(.up))) s"
        case .unexpectedResult(let context, let expected, let got):
            return "\(context): expected \(expected), got \(got.prefix(120))"
        case .wrongChain(let url, let expected, let reported):
            return "refusing the RPC endpoint \(EndpointURL.redacted(url)): it reports chain \(reported), not the network's chain \(expected); it is never used again (check its URL)"
        case .behindTheChain(let method, let block, let heads):
            let known = heads.isEmpty ? "no head known" : "heads: " + heads.joined(separator: ", ")
            if let block {
                return "\(method) at block \(block): no usable RPC endpoint has reached that block (\(known)); not asked where an older state would answer"
            }
            return "\(method): every usable RPC endpoint is stale, far behind another's head (\(known)); not asked where an older state would answer"
        case .cancelled:
            return "RPC call cancelled"
        }
    }
}

extension RPCError: AlertCoded {
    /// No answer at all: the endpoint is down, every endpoint is cooling down, or every one left is
    /// behind the chain.
    public var alertCode: AlertCode? {
        switch self {
        case .transport, .noHealthyEndpoint, .behindTheChain: .rpcUnreachable
        default: nil
        }
    }
}
