import Foundation
import MammonCore

/// Tunables of a live chain; defaults suit Base.
public struct LiveChainOptions: Sendable {
    /// MAX_FEE_GWEI: no transaction is signed with a higher max fee. nil: the network's default
    /// (`NetworkConfig.defaultMaxFeeGwei`, 2 gwei on Base).
    public var maxFeeGwei: Decimal?
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
    /// ETH_USD_MAX_CHANGE_PCT_PER_HOUR: a round further than this (× the hours since, at least one)
    /// from the last accepted round blocks spending. The last accepted round is kept in
    /// `sharePriceStore`, so a restart does not forget it.
    public var ethUSDMaxChangePercentPerHour: Decimal
    /// SEQUENCER_GRACE_SECONDS: after the sequencer uptime feed reports it back up, nothing is sent
    /// for this long (prices catch up first).
    public var sequencerGraceSeconds: UInt64
    /// Wall time, for the age of the ETH/USD round (the block time alone trusts the node's clock).
    public var wallClock: any EngineClock
    /// Told why a step waits (fees above the ceiling). Never given secrets.
    public var notice: @Sendable (String) -> Void
    /// Beaten on every poll of a fee or receipt wait, so a supervisor's watchdog sees a long wait alive.
    public var liveness: Liveness?

    public init(maxFeeGwei: Decimal? = nil, feeWaitSeconds: Double = 300, feePollSeconds: Double = 15,
                receiptTimeoutSeconds: Double = 180, receiptPollSeconds: Double = 0.5,
                vaultAPYWindowSeconds: UInt64 = 3600, gasMarginPercent: UInt64 = 25, batchRequests: Bool = true,
                sharePriceStore: (any SharePriceStore)? = nil, ethUSDMin: Decimal = 100, ethUSDMax: Decimal = 100_000,
                ethUSDMaxChangePercentPerHour: Decimal = 10, sequencerGraceSeconds: UInt64 = 3600, wallClock: any EngineClock = SystemClock(),
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
        self.ethUSDMaxChangePercentPerHour = ethUSDMaxChangePercentPerHour
        self.sequencerGraceSeconds = sequencerGraceSeconds
        self.wallClock = wallClock
        self.notice = notice
    }
}

/// One line of `mammon markets`: a market's rate, size and the wallet's position, or why the
/// engine does not use it.
public struct MarketListing: Sendable, Hashable {
    public var marketID: MarketID
    public var address: String
    public var apy: Decimal?
    public var tvlUSD: Decimal?
    public var position: TokenAmount?
    public var note: String?
}
