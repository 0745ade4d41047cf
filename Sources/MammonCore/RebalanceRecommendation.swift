import Foundation

/// A proposed move of `amount` from one market (nil: idle wallet funds) to another.
public struct RebalanceRecommendation: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    public var from: LendingProtocol?
    public var to: LendingProtocol
    public var token: Token
    public var amount: TokenAmount
    public var currentAPY: Decimal
    public var expectedAPY: Decimal
    public var reason: String
    /// 0–100, higher first.
    public var confidence: Int

    public init(id: UUID, from: LendingProtocol?, to: LendingProtocol, token: Token, amount: TokenAmount,
                currentAPY: Decimal, expectedAPY: Decimal, reason: String, confidence: Int) {
        self.id = id
        self.from = from
        self.to = to
        self.token = token
        self.amount = amount
        self.currentAPY = currentAPY
        self.expectedAPY = expectedAPY
        self.reason = reason
        self.confidence = confidence
    }

    public var isNewPosition: Bool { from == nil }
    public var apyImprovement: Decimal { expectedAPY - currentAPY }

    /// "Aave V3 → Moonwell" or "wallet → Moonwell".
    public var route: String { "\(from?.displayName ?? "wallet") → \(to.displayName)" }

    enum CodingKeys: String, CodingKey {
        case id, from, to, token, amount, reason, confidence
        case currentAPY = "current_apy", expectedAPY = "expected_apy"
    }
}
