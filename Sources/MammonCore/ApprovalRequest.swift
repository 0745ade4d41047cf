import Foundation

/// A recommendation that passed every gate and waits for the operator.
public struct ApprovalRequest: Codable, Hashable, Sendable, Identifiable {
    public enum Outcome: String, Codable, Sendable { case pending, approved, declined, expired, cancelled, rejectedOnRecheck = "rejected_on_recheck" }

    public var recommendation: RebalanceRecommendation
    public var analysis: ProfitabilityAnalysis
    public var plan: MovePlan
    public var steps: [ExecutionStep]
    public var requestedAt: Date
    public var expiresAt: Date
    public var outcome: Outcome

    public var id: UUID { recommendation.id }

    public init(recommendation: RebalanceRecommendation, analysis: ProfitabilityAnalysis, plan: MovePlan,
                steps: [ExecutionStep], requestedAt: Date, expiresAt: Date, outcome: Outcome = .pending) {
        self.recommendation = recommendation
        self.analysis = analysis
        self.plan = plan
        self.steps = steps
        self.requestedAt = requestedAt
        self.expiresAt = expiresAt
        self.outcome = outcome
    }

    enum CodingKeys: String, CodingKey {
        case recommendation, analysis, plan, steps, requestedAt = "requested_at", expiresAt = "expires_at", outcome
    }
}

/// When a move needs a person's yes: always, never, or above a USD amount.
public enum ApprovalMode: Codable, Hashable, Sendable, CustomStringConvertible {
    case auto
    case manual
    case aboveUSD(Decimal)

    public init?(text: String) {
        switch text.lowercased() {
        case "auto": self = .auto
        case "manual": self = .manual
        default:
            guard let v = Decimal.strict(text), v >= 0 else { return nil }
            self = .aboveUSD(v)
        }
    }

    public func requiresApproval(amountUSD: Decimal) -> Bool {
        switch self {
        case .auto: false
        case .manual: true
        case .aboveUSD(let t): amountUSD > t
        }
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .manual: "manual"
        case .aboveUSD(let t): "manual above $\(t.fixed(2))"
        }
    }
}
