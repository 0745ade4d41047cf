import Foundation
import MammonCore
import TerminalKit

/// The text of the approval dialog (a pane's `Enter` details are the pane's own: `ConsolePane.details`).
enum DetailsBuilder {
    /// Everything an operator needs to decide on a move, as dialog lines.
    static func approvalLines(_ row: OpportunityRow, now: Date) -> [Dialog.Line] {
        let rec = row.recommendation
        var lines: [Dialog.Line] = [
            .init("Move \(Format.amount(rec.amount)) \(rec.token.symbol)", .accent),
            .init("  from  \(rec.from?.displayName ?? "wallet (idle funds)")  at \(Format.apy(rec.currentAPY))"),
            .init("  to    \(rec.to.displayName)  at \(Format.apy(rec.expectedAPY))  (\(Format.points(rec.apyImprovement)) pts)"),
        ]
        if let exit = rec.exit { lines.append(.init("EXIT for safety, not profit: \(exit)", .warning)) }
        if let rate = row.analysis?.guards?.targetRate {
            let window = rate.windowAPY.map { "\(rate.windowHours) h average \(Format.apy($0)) over \(rate.coveredHours.plainString) h" }
                ?? (rate.windowHours == 0 ? "no window" : "no history yet")
            lines.append(.init("  target rate: spot \(Format.apy(rate.spotAPY)), \(window), \(rate.judgedAPY.fixed(4))% after our deposit", .muted))
        }
        if let a = row.analysis {
            let gasPrice = row.approval.map { "gas price now \($0.plan.gasPriceGwei.fixed(4)) gwei, ETH \(Format.usd($0.plan.ethUSD))" }
            lines += [
                .init(""),
                .init("Costs", .header),
                .init("  withdraw gas   \(Format.usd(a.costs.withdrawGasUSD, digits: 4))"),
                .init("  approve gas    \(Format.usd(a.costs.approveGasUSD, digits: 4))"),
                .init("  swap gas       \(Format.usd(a.costs.swapGasUSD, digits: 4))"),
                .init("  deposit gas    \(Format.usd(a.costs.depositGasUSD, digits: 4))"),
                .init("  slippage       \(Format.usd(a.costs.slippageUSD, digits: 4))"),
                .init("  protocol fees  \(Format.usd(a.costs.protocolFeesUSD, digits: 4))"),
                .init("  total          \(Format.usd(a.costs.totalUSD, digits: 4))"),
            ]
            if let gasPrice { lines.append(.init("  \(gasPrice)", .muted)) }
            lines += [
                .init(""),
                .init("Net gain \(Format.usd(a.netGainUSD)) first year (gross \(Format.usd(a.annualGainUSD)))",
                      a.netGainUSD > 0 ? .ok : .error),
                .init("Break-even \(a.breakEvenDays >= 999_999 ? "never" : "\(a.breakEvenDays) days")"),
                .init(""),
                .init("Gates", .header),
            ]
            for gate in a.gates {
                if gate.waived {
                    lines.append(.init("  – \(gate.name): \(gate.reason) (waived: exit)", .muted))
                } else {
                    lines.append(.init("  \(gate.passed ? "✓" : "✗") \(gate.name): \(gate.reason)", gate.passed ? .ok : .error))
                }
            }
        } else {
            lines.append(.init("gates not evaluated yet", .warning))
        }
        let steps = row.approval?.steps ?? ExecutionStep.plan(for: rec)
        lines += [.init(""), .init("Steps to send", .header),
                  .init("  " + steps.map { Format.stepName($0) + ($0.sendsTransaction ? " (tx)" : "") }.joined(separator: " → "))]
        if let approval = row.approval {
            lines.append(.init(""))
            let left = approval.expiresAt.timeIntervalSince(now)
            lines.append(.init(left > 0 ? "Expires in \(Format.duration(left)) (\(Format.clock(approval.expiresAt)) UTC)"
                                        : "Expired at \(Format.clock(approval.expiresAt)) UTC", left > 0 ? .muted : .error))
        }
        lines.append(.init("The engine re-checks every gate and daily limit when you approve.", .muted))
        return lines
    }
}
