import Foundation
import MammonCore

/// One recommendation as the operator follows it: found, judged by the gates, maybe waiting for
/// approval, then executed or not.
public struct OpportunityRow: Hashable, Sendable, Identifiable {
    public enum Verdict: Hashable, Sendable {
        case analysing
        case passed
        case rejected(gate: String, reason: String)
        case awaitingApproval(expiresAt: Date)
        case approved
        case resolved(ApprovalRequest.Outcome, detail: String)
        case executing
        case executed
        case failed(String)
    }

    public var recommendation: RebalanceRecommendation { didSet { display = Display(recommendation, analysis) } }
    public var analysis: ProfitabilityAnalysis? { didSet { display = Display(recommendation, analysis) } }
    public var approval: ApprovalRequest?
    /// The table's texts, formatted once when the data changes rather than on every frame.
    public private(set) var display: Display
    public var verdict: Verdict
    public var foundAt: Date

    public var id: UUID { recommendation.id }

    public init(recommendation: RebalanceRecommendation, analysis: ProfitabilityAnalysis? = nil,
                approval: ApprovalRequest? = nil, verdict: Verdict = .analysing, foundAt: Date) {
        self.recommendation = recommendation
        self.analysis = analysis
        self.display = Display(recommendation, analysis)
        self.approval = approval
        self.verdict = verdict
        self.foundAt = foundAt
    }

    public var isAwaitingApproval: Bool {
        if case .awaitingApproval = verdict { true } else { false }
    }

    /// Formatted cells of the opportunities table.
    public struct Display: Hashable, Sendable {
        public var route, amount, apyShort, apyLong, delta, costs, net, breakEven: String
        public var netPositive: Bool?

        init(_ rec: RebalanceRecommendation, _ analysis: ProfitabilityAnalysis?) {
            route = rec.exit == nil ? rec.route : "exit " + rec.route
            amount = Format.amount(rec.amount)
            apyShort = "\(rec.currentAPY.fixed(2))→\(rec.expectedAPY.fixed(2))"
            apyLong = "\(Format.apy(rec.currentAPY)) → \(Format.apy(rec.expectedAPY))"
            delta = Format.points(rec.apyImprovement)
            costs = analysis.map { Format.usd($0.costs.totalUSD) } ?? "-"
            net = analysis.map { Format.usd($0.netGainUSD) } ?? "-"
            breakEven = analysis.map { $0.breakEvenDays >= 999_999 ? "never" : "\($0.breakEvenDays)d" } ?? "-"
            netPositive = analysis.map { $0.netGainUSD > 0 }
        }
    }

    /// Text matched by `/` filters.
    var searchText: String {
        "\(recommendation.route) \(recommendation.token.symbol) \(Format.verdict(verdict, now: foundAt))".lowercased()
    }
}

/// How the opportunities table is ordered.
public struct OpportunitySort: Hashable, Sendable {
    public enum Column: Int, CaseIterable, Hashable, Sendable {
        case found, route, amount, improvement, netGain, breakEven

        public var title: String {
            switch self {
            case .found: "time found"
            case .route: "route"
            case .amount: "amount"
            case .improvement: "APY Δ"
            case .netGain: "net gain"
            case .breakEven: "break-even"
            }
        }
    }

    public var column: Column
    public var ascending: Bool

    public init(column: Column = .found, ascending: Bool = false) {
        self.column = column
        self.ascending = ascending
    }

    func orders(_ a: OpportunityRow, before b: OpportunityRow) -> Bool {
        let less: Bool
        let equal: Bool
        switch column {
        case .found: (less, equal) = (a.foundAt < b.foundAt, a.foundAt == b.foundAt)
        case .route: (less, equal) = (a.recommendation.route < b.recommendation.route, a.recommendation.route == b.recommendation.route)
        case .amount: (less, equal) = (a.recommendation.amount < b.recommendation.amount, a.recommendation.amount == b.recommendation.amount)
        case .improvement:
            (less, equal) = (a.recommendation.apyImprovement < b.recommendation.apyImprovement,
                             a.recommendation.apyImprovement == b.recommendation.apyImprovement)
        case .netGain:
            let x = a.analysis?.netGainUSD ?? -1_000_000_000, y = b.analysis?.netGainUSD ?? -1_000_000_000
            (less, equal) = (x < y, x == y)
        case .breakEven:
            let x = a.analysis?.breakEvenDays ?? Int.max, y = b.analysis?.breakEvenDays ?? Int.max
            (less, equal) = (x < y, x == y)
        }
        if equal { return a.foundAt == b.foundAt ? a.id.uuidString < b.id.uuidString : a.foundAt > b.foundAt }
        return ascending ? less : !less
    }
}
