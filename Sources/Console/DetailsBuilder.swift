import Foundation
import MammonCore
import TerminalKit

/// The text of the approval dialog and of the `Enter` details for each pane.
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

    /// The details dialog for the focused pane's selection.
    static func details(for state: ConsoleState) -> Modal? {
        switch state.focus {
        case .scheduler:
            guard let s = state.status else { return nil }
            var lines = [
                "state        \(s.state.rawValue)" + (s.haltReason.map { " (\($0))" } ?? ""),
                "network      \(s.network)", "wallet       \(s.walletAddress)", "approval     \(s.approvalMode)",
                "started      \(s.startedAt.map { $0.iso8601 } ?? "-")",
                "last scan    \(s.lastScanAt.map { $0.iso8601 } ?? "-")",
                "next scan    \(s.nextScanAt.map { $0.iso8601 } ?? "-")",
                "scans        \(s.scans)",
                "found        \(s.opportunitiesFound), executed \(s.opportunitiesExecuted), skipped \(s.opportunitiesSkipped)",
                "today        \(s.rebalancesToday)/\(s.maxRebalancesPerDay) rebalances, gas \(Format.usd(s.gasTodayUSD))/\(Format.usdShort(s.maxGasPerDayUSD))",
                "total        \(s.rebalancesTotal) rebalances, gas \(Format.usd(s.gasTotalUSD))",
                "failures     \(s.consecutiveFailures) in a row",
            ]
            if let idle = state.idle { lines.append("idle         \(Format.amount(idle)) USDC") }
            if let db = state.databasePath { lines.append("database     \(db)") }
            for m in state.markets {
                lines.append("\(m.marketID.displayName.padded(to: 12)) \(Format.apy(m.apy)), position \(Format.amount(m.position))")
            }
            return .details(title: "Scheduler", lines: lines, scroll: 0)
        case .opportunities:
            guard let id = state.selectedOpportunity, let row = state.opportunities[id] else { return nil }
            var lines = approvalLines(row, now: state.now).map(\.text)
            lines.insert("Verdict: \(Format.verdict(row.verdict, now: state.now))", at: 0)
            if case .rejected(_, let reason) = row.verdict { lines.insert("  \(reason)", at: 1) }
            if case .resolved(_, let detail) = row.verdict { lines.insert("  \(detail)", at: 1) }
            lines.append("Reason: \(row.recommendation.reason)")
            lines.append("ID \(row.id.uuidString.lowercased())")
            return .details(title: row.recommendation.route, lines: lines, scroll: 0)
        case .execution:
            guard let ex = state.execution else { return nil }
            var lines = ["\(ex.recommendation.route) \(Format.amount(ex.recommendation.amount)) \(ex.recommendation.token.symbol)",
                         "started \(ex.startedAt.iso8601)", "execution \(ex.id.uuidString.lowercased())", ""]
            for s in ex.steps {
                lines.append("\(Format.stepSymbol(s.status)) \(Format.stepName(s.step)) \(s.status.rawValue)")
                if let r = s.record {
                    if let tx = r.txHash { lines.append("    tx \(tx)") }
                    if let gas = r.gasUsed { lines.append("    gas \(Format.gas(gas)) (\(Format.usd(r.gasCostUSD ?? 0, digits: 4)))") }
                    if let d = r.detail { lines.append("    \(d)") }
                }
            }
            if let sum = ex.summary {
                lines += ["", "result \(sum.status.rawValue), gas \(Format.usd(sum.gasCostUSD, digits: 4))"]
                if let e = sum.error { lines.append("error: \(e)") }
            }
            return .details(title: "Execution", lines: lines, scroll: 0)
        case .errors:
            let errors = state.filteredErrors
            guard state.selectedError < errors.count else { return nil }
            let e = errors[state.selectedError]
            return .details(title: "Error from \(e.source)", lines: ["at \(e.at.iso8601)", ""]
                + e.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), scroll: 0)
        }
    }
}
