import Foundation
import MammonCore

/// What `mammon profitability` prints: the move, every cost, the net gain, break-even, ROI and each
/// gate with its verdict.
public enum ProfitabilityReport {
    public static func text(_ a: ProfitabilityAnalysis, plan: MovePlan) -> String {
        func usd(_ d: Decimal) -> String { "$" + d.fixed(d < 1 && d > -1 ? 6 : 2) }
        var lines = [
            "Move $\(a.amountUSD.fixed(2)) from \(a.currentAPY.plainString)% to \(a.targetAPY.plainString)% APY (+\(a.apyImprovement.plainString) pp)",
            "  annual gain        \(usd(a.annualGainUSD))",
            "  costs (gas at \(plan.gasPriceGwei.plainString) gwei, ETH $\(plan.ethUSD.plainString))",
        ]
        let c = a.costs
        if let g = plan.withdrawGas { lines.append("    withdraw  \(g) gas   \(usd(c.withdrawGasUSD))") }
        if let g = plan.approveGas { lines.append("    approve   \(g) gas    \(usd(c.approveGasUSD))") }
        if let g = plan.swapGas { lines.append("    swap      \(g) gas   \(usd(c.swapGasUSD))") }
        lines.append("    deposit   \(plan.depositGas) gas   \(usd(c.depositGasUSD))")
        if plan.requiresSwap { lines.append("    slippage  \(plan.slippageBps.plainString) bps     \(usd(c.slippageUSD))") }
        if c.protocolFeesUSD != 0 { lines.append("    protocol fees       \(usd(c.protocolFeesUSD))") }
        lines += [
            "    total               \(usd(c.totalUSD))",
            "  net gain (1st year) \(usd(a.netGainUSD))",
            "  break-even          \(a.breakEvenDays) days",
            "  ROI on costs        \(a.roiPct.fixed(2))%",
            "  gates:",
        ]
        for g in a.gates {
            let mark = g.waived ? "–" : g.passed ? "✓" : "✗"
            lines.append("    \(mark) \(g.name.padding(toLength: 21, withPad: " ", startingAt: 0)) \(g.reason)\(g.waived ? " (waived: exit)" : "")")
        }
        if a.guards == nil {
            lines.append("    (market guards not applied: give --window-apy, --history-hours, --market-supply, --hours-since-move, … to apply them)")
        }
        lines.append(a.profitable ? "PROFITABLE" : "NOT PROFITABLE: " + a.failedGates.map(\.name).joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
