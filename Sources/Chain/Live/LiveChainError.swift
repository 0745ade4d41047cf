import EVM
import MammonCore

/// Why a live-chain read or step failed, in words an operator can act on. Never carries a key or
/// a password; revert reasons are decoded.
public enum LiveChainError: Error, Sendable, CustomStringConvertible {
    case rpc(RPCError)
    /// `eth_call` or gas estimation of `call` reverted.
    case reverted(call: String, reason: String)
    case chainIDMismatch(network: String, expected: UInt64, node: UInt64, url: String)
    /// A built-in network's address for `role` is compiled in, and `source` reported another.
    case pinMismatch(role: String, expected: String, reported: String, source: String)
    /// A built-in network uses a market whose address is not compiled in.
    case unpinned(network: String, role: String)
    /// Plain http:// to another machine on a network that moves real money.
    case insecureEndpoint(url: String, chainID: UInt64)
    /// A number from the node outside what the protocol allows: `call` answered `value`.
    case outOfRange(call: String, value: String, limit: String)
    /// The fee cap the rule asks for is above MAX_FEE_GWEI and stayed there for the whole wait.
    case feeAboveCeiling(maxFeeGwei: String, ceilingGwei: String, waitedSeconds: Int)
    /// `ageSeconds` counts from the later of the block time and the wall clock.
    case stalePrice(feed: String, updatedAt: UInt64, ageSeconds: UInt64, limitSeconds: UInt64)
    case incompleteRound(feed: String, roundID: String, answeredInRound: String)
    case badPrice(feed: String, answer: String)
    /// A round outside ETH_USD_MIN…ETH_USD_MAX: as unusable as a stale one.
    case priceOutOfBounds(feed: String, price: String, min: String, max: String)
    /// A round that moved further from the last accepted one than ETH_USD_MAX_CHANGE_PCT_PER_HOUR allows.
    case priceJump(feed: String, price: String, last: String, secondsSinceLast: UInt64, allowedPercent: String)
    /// The L2 sequencer uptime feed reports the sequencer down, or up for less than the grace period.
    case sequencerDown(feed: String, since: UInt64)
    case sequencerGrace(feed: String, upSince: UInt64, remainingSeconds: UInt64, graceSeconds: UInt64)
    /// `eth_estimateGas` × the margin is above the most this action is ever signed with.
    case gasLimitAboveCap(call: String, estimate: UInt64, gasLimit: String, cap: UInt64)
    case receiptTimeout(hash: String, seconds: Int)
    /// A Compound-style market answered an error code instead of reverting.
    case marketErrorCode(market: String, call: String, code: UInt64)
    case badResult(call: String, detail: String)
    case misconfigured(String)
    case notALendingMarket(String)
    case marketNotConfigured(MarketID)
    /// A market whose token is not the network's USDC (`name`: what it is, when known).
    case wrongAsset(market: String, verb: String, asset: Address, name: String?, usdc: Address)
    /// Markets a scan could not read, each with why (the others, `read`, answered). A market that
    /// cannot be read is never taken as holding nothing, so the scan as a whole fails.
    case marketsUnreadable([MarketReadFailure], read: [MarketID])
    /// A signing or sending call on a chain connected without a key.
    case watchOnly(String)

    public var description: String {
        switch self {
        case .rpc(let e): return e.description
        case .reverted(let call, let reason): return "\(call) \(reason)"
        case .chainIDMismatch(let network, let expected, let node, let url):
            return "refusing to sign: network '\(network)' is chain \(expected) but the node at \(EndpointURL.redacted(url)) reports chain \(node)"
        case .pinMismatch(let role, let expected, let reported, let source):
            return "refusing to sign: \(role) is pinned to \(expected) but \(source) reports \(reported); an endpoint that answers with another contract would receive the funds — check the RPC URL (nothing was sent)"
        case .unpinned(let network, let role):
            return "refusing to sign: network '\(network)' has no compiled-in address for \(role); remove that market (on the chain id of a built-in network, a network file is held to its compiled-in addresses too)"
        case .insecureEndpoint(let url, let chainID):
            return "refusing the RPC endpoint \(EndpointURL.redacted(url)): plain http:// on chain \(chainID) lets anyone on the path rewrite answers; use https:// (plain http is allowed only to 127.0.0.1, ::1 or localhost)"
        case .outOfRange(let call, let value, let limit):
            return "\(call) answered \(value), outside what the protocol allows (\(limit)); the node cannot be trusted with this read, nothing was sent"
        case .priceOutOfBounds(let feed, let price, let min, let max):
            return "ETH/USD feed \(feed) answered \(price) USD, outside ETH_USD_MIN \(min) to ETH_USD_MAX \(max); spending is blocked until it is back in bounds"
        case .priceJump(let feed, let price, let last, let seconds, let allowed):
            return "ETH/USD feed \(feed) answered \(price) USD, more than \(allowed) % from the last accepted \(last) USD \(seconds) s ago (ETH_USD_MAX_CHANGE_PCT_PER_HOUR); spending is blocked until the price comes back within the band or the band widens with time"
        case .sequencerDown(let feed, let since):
            return "the L2 sequencer uptime feed \(feed) reports the sequencer down since \(since); prices are not trusted and nothing is sent until it is back up and the grace period has passed"
        case .sequencerGrace(let feed, let upSince, let remaining, let grace):
            return "the L2 sequencer uptime feed \(feed) reports the sequencer up since \(upSince), less than SEQUENCER_GRACE_SECONDS \(grace) s ago; nothing is sent for another \(remaining) s"
        case .gasLimitAboveCap(let call, let estimate, let gasLimit, let cap):
            return "\(call): eth_estimateGas says \(estimate) gas, so the gas limit would be \(gasLimit), above the cap of \(cap) for this step; not signed"
        case .feeAboveCeiling(let fee, let ceiling, let waited):
            return "max fee \(fee) gwei (2 × base fee + tip) is above MAX_FEE_GWEI \(ceiling) gwei after waiting \(waited) s; not sent"
        case .stalePrice(let feed, let updatedAt, let age, let limit):
            return "ETH/USD feed \(feed) is stale: last update at \(updatedAt), \(age) s ago by the later of block time and wall clock (limit \(limit) s); spending is blocked until it updates"
        case .incompleteRound(let feed, let round, let answered):
            return "ETH/USD feed \(feed) round \(round) is incomplete (answered in round \(answered)); spending is blocked"
        case .badPrice(let feed, let answer): return "ETH/USD feed \(feed) answered \(answer), not a positive price; spending is blocked"
        case .receiptTimeout(let hash, let seconds): return "no receipt for \(hash) within \(seconds) s (it may still be mined; recovery will check)"
        case .marketErrorCode(let market, let call, let code):
            return "\(market) \(call) returned error code \(code) (\(CompoundError.name(code))) instead of succeeding"
        case .badResult(let call, let detail): return "\(call): unexpected result: \(detail)"
        case .misconfigured(let m): return m
        case .notALendingMarket(let m): return m
        case .marketNotConfigured(let p): return "\(p.displayName) is not configured on this network"
        case .wrongAsset(let market, let verb, let asset, let name, let usdc):
            let token = name == nil ? "" : " (its token is \(asset.checksummed))"
            return "\(market) \(verb) \(name ?? asset.checksummed), not native USDC \(usdc.checksummed): refused\(token); every market must hold the network's USDC, and nothing is read from or sent to this one"
        case .marketsUnreadable(let failures, let read):
            let what = failures.map { "\($0.market) could not be read: \($0.error)" }.joined(separator: "; ")
            return read.isEmpty ? what : "\(what) (read: \(read.map(\.rawValue).joined(separator: ", ")))"
        case .watchOnly(let wallet): return "watch-only: \(wallet) is watched without its key, so nothing can be signed or sent"
        }
    }
}

extension LiveChainError: AlertCoded {
    public var alertCode: AlertCode? {
        switch self {
        case .rpc(let e): e.alertCode
        case .stalePrice, .incompleteRound, .badPrice, .priceOutOfBounds: .priceFeedUnusable
        case .marketsUnreadable(let failures, _): failures.lazy.compactMap(\.error.alertCode).first
        default: nil
        }
    }
}

/// One market a scan could not read, and why.
public struct MarketReadFailure: Sendable {
    public let market: MarketID
    public let error: LiveChainError
}

/// Compound v2's ErrorReporter codes (Moonwell keeps them).
enum CompoundError {
    static func name(_ code: UInt64) -> String {
        switch code {
        case 0: "NO_ERROR"
        case 1: "UNAUTHORIZED"
        case 2: "BAD_INPUT"
        case 3: "COMPTROLLER_REJECTION"
        case 4: "COMPTROLLER_CALCULATION_ERROR"
        case 5: "INTEREST_RATE_MODEL_ERROR"
        case 6: "INVALID_ACCOUNT_PAIR"
        case 7: "INVALID_CLOSE_AMOUNT_REQUESTED"
        case 8: "INVALID_COLLATERAL_FACTOR"
        case 9: "MATH_ERROR"
        case 10: "MARKET_NOT_FRESH"
        case 11: "MARKET_NOT_LISTED"
        case 12: "TOKEN_INSUFFICIENT_ALLOWANCE"
        case 13: "TOKEN_INSUFFICIENT_BALANCE"
        case 14: "TOKEN_INSUFFICIENT_CASH"
        case 15: "TOKEN_TRANSFER_IN_FAILED"
        case 16: "TOKEN_TRANSFER_OUT_FAILED"
        default: "unknown error"
        }
    }
}
