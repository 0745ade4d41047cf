import Foundation

/// Funds the wallet holds in one market, in base units of the token.
public struct Position: Codable, Hashable, Sendable {
    public var marketID: MarketID
    public var token: Token
    public var amount: TokenAmount

    public init(marketID: MarketID, token: Token, amount: TokenAmount) {
        self.marketID = marketID
        self.token = token
        self.amount = amount
    }

    enum CodingKeys: String, CodingKey { case marketID = "protocol", token, amount }
}
