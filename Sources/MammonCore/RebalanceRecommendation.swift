import Foundation

/// A proposed move of `amount` from one market (nil: idle wallet funds) to another.
public struct RebalanceRecommendation: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    public var from: MarketID?
    public var to: MarketID
    public var token: Token
    public var amount: TokenAmount
    public var currentAPY: Decimal
    public var expectedAPY: Decimal
    public var reason: String
    /// 0–100, higher first.
    public var confidence: Int
    /// Set when the position leaves its market for safety (a draining or fully borrowed market):
    /// such a move is gated on safety, not profit.
    public var exit: ExitReason?

    public init(id: UUID, from: MarketID?, to: MarketID, token: Token, amount: TokenAmount,
                currentAPY: Decimal, expectedAPY: Decimal, reason: String, confidence: Int, exit: ExitReason? = nil) {
        self.id = id
        self.from = from
        self.to = to
        self.token = token
        self.amount = amount
        self.currentAPY = currentAPY
        self.expectedAPY = expectedAPY
        self.reason = reason
        self.confidence = confidence
        self.exit = exit
    }

    public var isNewPosition: Bool { from == nil }
    public var apyImprovement: Decimal { expectedAPY - currentAPY }

    /// "Aave V3 → Moonwell" or "wallet → Moonwell".
    public var route: String { "\(from?.displayName ?? "wallet") → \(to.displayName)" }

    enum CodingKeys: String, CodingKey {
        case id, from, to, token, amount, reason, confidence, exit
        case currentAPY = "current_apy", expectedAPY = "expected_apy"
    }
}

extension UUID {
    /// A random (version 4) UUID from the system generator (getrandom), without a file open per id.
    public static func random() -> UUID {
        var g = SystemRandomNumberGenerator()
        var bytes = withUnsafeBytes(of: (g.next() as UInt64, g.next() as UInt64)) { Array($0) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
