import Foundation

/// Thresholds the gates compare against (from config).
public struct GateThresholds: Codable, Hashable, Sendable {
    public var minProfitUSD: Decimal
    public var maxBreakEvenDays: Int
    /// A fraction: 0.01 means costs may be at most 1 % of the amount.
    public var maxCostPct: Decimal
    /// Percentage points.
    public var minAPYImprovement: Decimal
    public var minRebalanceAmountUSD: Decimal

    public init(minProfitUSD: Decimal = 10, maxBreakEvenDays: Int = 30, maxCostPct: Decimal = Decimal(string: "0.01")!,
                minAPYImprovement: Decimal = Decimal(string: "0.5")!, minRebalanceAmountUSD: Decimal = 100) {
        self.minProfitUSD = minProfitUSD
        self.maxBreakEvenDays = maxBreakEvenDays
        self.maxCostPct = maxCostPct
        self.minAPYImprovement = minAPYImprovement
        self.minRebalanceAmountUSD = minRebalanceAmountUSD
    }
}

/// Proves a move pays for itself: the original's four profitability gates plus the two strategy gates,
/// all evaluated (never short-circuited) so the operator sees every reason at once. With the market
/// guards' measures, their gates follow (rate window, market size and share, patience); an exit's
/// profit gates are then shown but waived.
public enum ProfitabilityGate {
    public static let sentinelDays = 999_999
    public static let sentinelROI: Decimal = 999_999

    public static func analyze(currentAPY: Decimal, targetAPY: Decimal, amountUSD: Decimal,
                               plan: MovePlan, thresholds: GateThresholds, guards: GuardChecks? = nil) -> ProfitabilityAnalysis {
        let improvement = targetAPY - currentAPY
        let annualGain = (amountUSD * improvement).shifted(by: -2)
        let swapBase = plan.swapAmountUSD ?? amountUSD
        let costs = CostBreakdown(
            withdrawGasUSD: plan.withdrawGas.map(plan.usd(gas:)) ?? 0,
            approveGasUSD: plan.approveGas.map(plan.usd(gas:)) ?? 0,
            swapGasUSD: plan.swapGas.map(plan.usd(gas:)) ?? 0,
            depositGasUSD: plan.usd(gas: plan.depositGas),
            slippageUSD: plan.requiresSwap ? (swapBase * plan.slippageBps).shifted(by: -4) : 0,
            protocolFeesUSD: (amountUSD * plan.protocolFeePct).shifted(by: -2))
        let total = costs.totalUSD
        let net = annualGain - total
        let breakEven = annualGain > 0 ? breakEvenDays(costs: total, annualGain: annualGain) : sentinelDays
        let roi = total > 0 ? (net / total).shifted(by: 2) : sentinelROI
        let costShare = amountUSD > 0 ? total / amountUSD : 0

        var gates = [
            GateVerdict(name: "apy_improvement", passed: improvement > 0,
                        measure: .apyImprovement(improvement: improvement, current: currentAPY, target: targetAPY)),
            GateVerdict(name: "min_profit", passed: net >= thresholds.minProfitUSD,
                        measure: .minProfit(net: net, minimum: thresholds.minProfitUSD)),
            GateVerdict(name: "break_even", passed: breakEven <= thresholds.maxBreakEvenDays,
                        measure: .breakEven(days: breakEven, maximum: thresholds.maxBreakEvenDays)),
            GateVerdict(name: "max_cost", passed: costShare <= thresholds.maxCostPct,
                        measure: .maxCost(share: costShare, maximum: thresholds.maxCostPct)),
            GateVerdict(name: "min_apy_improvement", passed: improvement >= thresholds.minAPYImprovement,
                        measure: .minAPYImprovement(improvement: improvement, minimum: thresholds.minAPYImprovement)),
            GateVerdict(name: "min_rebalance_amount", passed: amountUSD >= thresholds.minRebalanceAmountUSD,
                        measure: .minAmount(amount: amountUSD, minimum: thresholds.minRebalanceAmountUSD)),
        ]
        if let guards {
            if guards.exit != nil { gates = gates.map { GuardChecks.waivedForExit.contains($0.name) ? $0.waiving() : $0 } }
            gates += guards.gates
        }
        return ProfitabilityAnalysis(currentAPY: currentAPY, targetAPY: targetAPY, amountUSD: amountUSD,
                                     apyImprovement: improvement, annualGainUSD: annualGain, costs: costs,
                                     netGainUSD: net, breakEvenDays: breakEven, roiPct: roi, gates: gates, guards: guards)
    }

    /// round-half-even(costs / gain × 365). Multiplies before dividing, so an exact half (3.5 days)
    /// stays exact and rounds to even; the original divided first and could land on 3.4999….
    public static func breakEvenDays(costs: Decimal, annualGain: Decimal) -> Int {
        let days = (costs * 365 / annualGain).rounded(0, .bankers)
        return days > Decimal(sentinelDays) ? sentinelDays : NSDecimalNumber(decimal: days).intValue
    }

    /// The original SimpleYield confidence score, 0–100.
    public static func confidence(_ a: ProfitabilityAnalysis) -> Int {
        var score = 60
        if a.netGainUSD > 100 { score += min(20, NSDecimalNumber(decimal: (a.netGainUSD / 10).rounded(0, .down)).intValue) }
        score += a.breakEvenDays <= 7 ? 10 : a.breakEvenDays <= 14 ? 5 : 0
        score += a.roiPct > 1000 ? 10 : a.roiPct > 500 ? 5 : 0
        return min(score, 100)
    }
}
