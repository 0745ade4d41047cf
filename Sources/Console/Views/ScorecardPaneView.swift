import Foundation
import MammonCore
import TerminalKit

/// The rebalance scorecard: one row per completed move, newest first; Enter expands the selected
/// one into what was predicted, what was measured, the gas and its transactions (with explorer
/// links as plain text: ncurses cannot pass OSC 8 hyperlinks through its cell buffer).
enum ScorecardPaneView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let card = state.portfolioSummary.scorecard
        let inner = Pane(title: "Scorecard", note: summaryText(card.summary, room: area.width - 16), focused: true)
            .render(into: &buffer, area: area, theme: theme)
        guard !inner.isEmpty else { return }
        let body = inner.inset(dx: 1, dy: 0)
        guard !card.moves.isEmpty else {
            buffer.put("no completed move yet", x: body.x, y: body.y, style: theme[.muted], maxWidth: body.width)
            return
        }
        let wide = body.width >= 100
        let columns: [TableColumn] = wide
            ? [.init("Done", .fixed(11)), .init("Route", .fixed(22)), .init("Amount", .fixed(10), alignRight: true),
               .init("Pred./yr", .fixed(9), alignRight: true), .init("Gas est→act", .fixed(17), alignRight: true),
               .init("Extra", .fixed(9), alignRight: true), .init("Net", .fixed(9), alignRight: true), .init("Result", .flex(1))]
            : [.init("Done", .fixed(11)), .init("Route", .flex(1)), .init("Net", .fixed(9), alignRight: true), .init("Result", .fixed(13))]
        let widths = Table(columns: columns, rowCount: 0) { _ in TableRow([]) }.columnWidths(body.width)
        func row(_ cells: [String]) -> String {
            zip(zip(cells, widths), columns).filter { $0.0.1 > 0 }
                .map { $0.0.0.truncated(to: $0.0.1).padded(to: $0.0.1, right: $0.1.alignRight) }.joined(separator: " ")
        }
        buffer.put(row(columns.map(\.title)), x: body.x, y: body.y, style: theme[.header], maxWidth: body.width)

        // Rows and, under an expanded move, its details.
        var lines: [(move: Int, text: String, detail: Bool)] = []
        for (i, score) in card.moves.enumerated() {
            lines.append((i, row(cells(score, wide: wide)), false))
            if state.expandedMoves.contains(score.id) {
                lines += details(score, network: state.status?.network ?? "").map { (i, "  " + $0, true) }
            }
        }
        let visible = body.height - 1
        guard visible > 0 else { return }
        let selected = min(state.selectedMove, card.moves.count - 1)
        let first = lines.firstIndex { $0.move == selected && !$0.detail } ?? 0
        let last = lines.lastIndex { $0.move == selected } ?? first
        let offset = max(0, min(first, last - visible + 1))
        for (n, line) in lines.dropFirst(offset).prefix(visible).enumerated() {
            let score = card.moves[line.move]
            let style: Style = line.detail ? theme[score.flags.isEmpty ? .muted : .warning]
                : (line.move == selected ? theme[.selected] : theme[score.paidBack ? .text : .warning])
            let y = body.y + 1 + n
            if !line.detail && line.move == selected { buffer.fill(Rect(x: body.x, y: y, width: body.width, height: 1), with: Cell(" ", style: style)) }
            buffer.put(line.text, x: body.x, y: y, style: style, maxWidth: body.width)
        }
    }

    /// The totals for the pane's title line, shorter when the line is narrow.
    static func summaryText(_ s: ScorecardSummary, room: Int) -> String {
        guard s.moves > 0 else { return "Enter expands" }
        let rate = s.winRate.map { " (\($0.fixed(0))%)" } ?? ""
        let flags = s.flagged > 0 ? " · ⚠ \(s.flagged)" : ""
        let long = "\(s.moves) moves · paid back \(s.wins)\(rate) · gas \(Format.usd(s.totalGasUSD, digits: 4)) · net \(Format.earned(s.netBenefitUSD)) vs staying" + flags
        if long.displayWidth <= room { return long }
        return "\(s.moves) moves · \(s.wins) paid back\(rate) · net \(Format.earned(s.netBenefitUSD))" + flags
    }

    static func cells(_ s: MoveScore, wide: Bool) -> [String] {
        let x = s.execution
        let done = String(x.finishedAt.map { "\($0.utcDay.dropFirst(5)) \(Format.clock($0).prefix(5))" } ?? "")
        let route = "\(x.recommendation.route) \(Format.amount(x.recommendation.amount))"
        let result = (s.paidBack ? "✓ paid back" : "✗ not yet") + (s.flags.isEmpty ? "" : " ⚠")
        guard wide else { return [done, route, Format.earned(s.netBenefitUSD), result] }
        let gas = "\(s.estimatedGasUSD.map { Format.usd($0, digits: 4) } ?? "?")→\(Format.usd(s.actualGasUSD, digits: 4))"
        return [done, x.recommendation.route, Format.amount(x.recommendation.amount),
                s.move.analysis.map { Format.usd($0.netGainUSD) } ?? "—", gas, Format.earned(s.extraEarnedUSD),
                Format.earned(s.netBenefitUSD), result]
    }

    /// What an expanded move shows.
    static func details(_ s: MoveScore, network: String) -> [String] {
        let rec = s.execution.recommendation
        let source = rec.from?.displayName ?? "the wallet"
        var out: [String] = []
        if let a = s.move.analysis {
            out.append("decided: \(Format.apy(a.currentAPY)) → \(Format.apy(a.targetAPY)) (\(Format.points(a.apyImprovement)) pp), "
                       + "net \(Format.usd(a.netGainUSD))/yr, break-even \(a.breakEvenDays) d, est. gas \(Format.usd(a.costs.gasUSD, digits: 4))")
        } else {
            out.append("decided: the gate verdict is no longer in the log")
        }
        let target = s.targetRealizedAPY.map { "\(Format.apy($0)) realized" } ?? "not measured"
        let sourceAPY = s.sourceMeasuredAPY.map { "\(Format.apy($0)) recorded" } ?? "not recorded"
        var measured = "measured \(s.days.fixed(1)) d to \(Format.clock(s.to).prefix(5)) \(s.to.utcDay): \(rec.to.displayName) \(target), \(source) \(sourceAPY)"
        if let gain = s.realizedImprovementPoints { measured += " (\(Format.points(gain)) pp)" }
        out.append(measured)
        var outcome = "earned \(Format.earned(s.earnedInTargetUSD)) vs \(Format.earned(s.sourceWouldHaveEarnedUSD)) staying: "
            + "extra \(Format.earned(s.extraEarnedUSD)) − gas \(Format.usd(s.actualGasUSD, digits: 4)) = \(Format.earned(s.netBenefitUSD))"
        if let predicted = s.predictedSoFarUSD { outcome += " (predicted \(Format.earned(predicted)))" }
        out.append(outcome)
        out += s.flags.map { "⚠ \($0)" }
        for step in s.move.steps where step.txHash != nil {
            let hash = step.txHash!
            out.append("\(step.step.rawValue.padded(to: 9)) \(hash)" + (Explorer.transactionURL(network: network, hash: hash).map { "  \($0)" } ?? ""))
        }
        return out
    }
}
