import Foundation

/// A market's supply rate for a token at one moment. APY is in percent (5.0 means 5 %).
public struct YieldQuote: Codable, Hashable, Sendable {
    public var protocolID: LendingProtocol
    public var token: Token
    public var apy: Decimal
    public var tvlUSD: Decimal?
    public var observedAt: Date

    public init(protocolID: LendingProtocol, token: Token, apy: Decimal, tvlUSD: Decimal? = nil, observedAt: Date) {
        self.protocolID = protocolID
        self.token = token
        self.apy = apy
        self.tvlUSD = tvlUSD
        self.observedAt = observedAt
    }

    enum CodingKeys: String, CodingKey { case protocolID = "protocol", token, apy, tvlUSD = "tvl_usd", observedAt = "observed_at" }
}

/// What one scan saw in one market: its rate and the wallet's position there.
public struct MarketSnapshot: Codable, Hashable, Sendable {
    public var quote: YieldQuote
    public var position: TokenAmount

    public init(quote: YieldQuote, position: TokenAmount) {
        self.quote = quote
        self.position = position
    }
}
