import Foundation
import MammonCore

/// Tunables of a live chain; defaults suit Base.
public struct LiveChainOptions: Sendable {
    /// MAX_FEE_GWEI: no transaction is signed with a higher max fee.
    public var maxFeeGwei: Decimal
    /// How long a step waits for fees to come under the ceiling.
    public var feeWaitSeconds: Double
    public var feePollSeconds: Double
    public var receiptTimeoutSeconds: Double
    public var receiptPollSeconds: Double
    /// Shortest window for a vault's share-price APY.
    public var vaultAPYWindowSeconds: UInt64
    /// Gas limit = estimate × (100 + margin) / 100.
    public var gasMarginPercent: UInt64
    /// Batch reads into one HTTP round trip (off for providers that refuse JSON-RPC batches).
    public var batchRequests: Bool
    /// Keeps vault share prices between runs; nil keeps them in memory only.
    public var sharePriceStore: (any SharePriceStore)?
    /// ETH_USD_MIN / ETH_USD_MAX: an ETH/USD round outside blocks spending like a stale one.
    public var ethUSDMin: Decimal
    public var ethUSDMax: Decimal
    /// Wall time, for the age of the ETH/USD round (the block time alone trusts the node's clock).
    public var wallClock: any EngineClock
    /// Told why a step waits (fees above the ceiling). Never given secrets.
    public var notice: @Sendable (String) -> Void
    /// Beaten on every poll of a fee or receipt wait, so a supervisor's watchdog sees a long wait alive.
    public var liveness: Liveness?

    public init(maxFeeGwei: Decimal = 100, feeWaitSeconds: Double = 300, feePollSeconds: Double = 15,
                receiptTimeoutSeconds: Double = 180, receiptPollSeconds: Double = 0.5,
                vaultAPYWindowSeconds: UInt64 = 3600, gasMarginPercent: UInt64 = 25, batchRequests: Bool = true,
                sharePriceStore: (any SharePriceStore)? = nil, ethUSDMin: Decimal = 100, ethUSDMax: Decimal = 100_000,
                wallClock: any EngineClock = SystemClock(),
                notice: @escaping @Sendable (String) -> Void = { _ in }, liveness: Liveness? = nil) {
        self.liveness = liveness
        self.maxFeeGwei = maxFeeGwei
        self.feeWaitSeconds = feeWaitSeconds
        self.feePollSeconds = feePollSeconds
        self.receiptTimeoutSeconds = receiptTimeoutSeconds
        self.receiptPollSeconds = receiptPollSeconds
        self.vaultAPYWindowSeconds = vaultAPYWindowSeconds
        self.gasMarginPercent = gasMarginPercent
        self.batchRequests = batchRequests
        self.sharePriceStore = sharePriceStore
        self.ethUSDMin = ethUSDMin
        self.ethUSDMax = ethUSDMax
        self.wallClock = wallClock
        self.notice = notice
    }
}

/// One line of `mammon markets`: a market's rate, size and the wallet's position, or why the
/// engine does not use it.
public struct MarketListing: Sendable, Hashable {
    public var protocolID: LendingProtocol
    public var address: String
    public var apy: Decimal?
    public var tvlUSD: Decimal?
    public var position: TokenAmount?
    public var note: String?
}
