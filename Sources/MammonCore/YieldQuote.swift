import Foundation

/// A market's supply rate for a token at one moment. APY is in percent (5.0 means 5 %).
public struct YieldQuote: Codable, Hashable, Sendable {
    public var marketID: MarketID
    public var token: Token
    public var apy: Decimal
    public var tvlUSD: Decimal?
    public var observedAt: Date

    public init(marketID: MarketID, token: Token, apy: Decimal, tvlUSD: Decimal? = nil, observedAt: Date) {
        self.marketID = marketID
        self.token = token
        self.apy = apy
        self.tvlUSD = tvlUSD
        self.observedAt = observedAt
    }

    enum CodingKeys: String, CodingKey { case marketID = "protocol", token, apy, tvlUSD = "tvl_usd", observedAt = "observed_at" }
}

/// What one scan saw in one market: its rate and the wallet's position there, and what the engine
/// needs to trust it as a target: whether the APY was measured and how much the market can pay out.
public struct MarketSnapshot: Codable, Hashable, Sendable {
    public var quote: YieldQuote
    public var position: TokenAmount
    /// False while the APY is not measured (a vault before its first share-price window): such a
    /// market is neither a source nor a target, since its "0 %" is not a rate.
    public var apyMeasured: Bool
    /// What the market could pay out now (Aave: USDC held by the aToken; Moonwell: `getCash()`;
    /// a vault: `maxWithdraw`-style liquidity). nil: unknown, so never a target.
    public var withdrawableLiquidity: TokenAmount?
    /// The block the position was read at, when the chain says (the simulated chain does); nil: unknown.
    public var block: UInt64?
    /// Everything supplied to the market (ours included), in the token: sizes a position against
    /// the market. nil: not read (events stored before it was).
    public var supply: TokenAmount?
    /// Borrowed / supplied, 0…1, for lending markets (vaults: nil). At or near 1, withdrawals wait.
    public var utilization: Decimal?
    /// How the rate answers a deposit; nil: unknown, judged as `.dilution`.
    public var rateModel: SupplyRateModel?

    public init(quote: YieldQuote, position: TokenAmount, apyMeasured: Bool = true, withdrawableLiquidity: TokenAmount? = nil,
                block: UInt64? = nil, supply: TokenAmount? = nil, utilization: Decimal? = nil, rateModel: SupplyRateModel? = nil) {
        self.quote = quote
        self.position = position
        self.apyMeasured = apyMeasured
        self.withdrawableLiquidity = withdrawableLiquidity
        self.block = block
        self.supply = supply
        self.utilization = utilization
        self.rateModel = rateModel
    }

    enum CodingKeys: String, CodingKey {
        case quote, position, apyMeasured = "apy_measured", withdrawableLiquidity = "withdrawable_liquidity", block
        case supply, utilization, rateModel = "rate_model"
    }

    // Events stored before these fields existed decode as measured, liquidity and block unknown.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(quote: try c.decode(YieldQuote.self, forKey: .quote), position: try c.decode(TokenAmount.self, forKey: .position),
                  apyMeasured: try c.decodeIfPresent(Bool.self, forKey: .apyMeasured) ?? true,
                  withdrawableLiquidity: try c.decodeIfPresent(TokenAmount.self, forKey: .withdrawableLiquidity),
                  block: try c.decodeIfPresent(UInt64.self, forKey: .block),
                  supply: try c.decodeIfPresent(TokenAmount.self, forKey: .supply),
                  utilization: try c.decodeIfPresent(Decimal.self, forKey: .utilization),
                  rateModel: try c.decodeIfPresent(SupplyRateModel.self, forKey: .rateModel))
    }
}
