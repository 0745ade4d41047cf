import Foundation

/// Funds the wallet holds in one market, in base units of the token.
public struct Position: Codable, Hashable, Sendable {
    public var protocolID: LendingProtocol
    public var token: Token
    public var amount: TokenAmount

    public init(protocolID: LendingProtocol, token: Token, amount: TokenAmount) {
        self.protocolID = protocolID
        self.token = token
        self.amount = amount
    }

    enum CodingKeys: String, CodingKey { case protocolID = "protocol", token, amount }
}
