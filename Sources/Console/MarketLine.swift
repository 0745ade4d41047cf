import Foundation
import MammonCore

/// A market as the console tracks it: the latest rate, the wallet's position, and recent rates.
public struct MarketLine: Hashable, Sendable {
    public var marketID: MarketID
    public var apy: Decimal
    public var position: TokenAmount
    public var history: [Double]

    public init(marketID: MarketID, apy: Decimal, position: TokenAmount, history: [Double]) {
        self.marketID = marketID
        self.apy = apy
        self.position = position
        self.history = history
    }
}
