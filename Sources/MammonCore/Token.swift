/// An ERC-20 token by symbol and decimals (its address belongs to a network, not to the token).
public struct Token: Codable, Hashable, Sendable, CustomStringConvertible {
    public var symbol: String
    public var decimals: UInt8

    public init(symbol: String, decimals: UInt8) {
        self.symbol = symbol
        self.decimals = decimals
    }

    public static let usdc = Token(symbol: "USDC", decimals: 6)
    public var description: String { symbol }
}
