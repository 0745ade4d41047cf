import Foundation
import MammonCore
import TerminalKit

extension PaneID {
    public static let portfolio = PaneID("portfolio")
}

/// The portfolio at a glance, beside the dashboard's top panes when the screen is wide: positions,
/// total, blended APY, earnings and how the moves did. `p` opens the full view.
struct PortfolioPane: ConsolePane {
    let id = PaneID.portfolio
    let title = "Portfolio"
    let focusable = false
    let band = DashboardBand.top

    /// A holding's line (name, amount, share, APY, realized APY) inside the border, or nothing: it is
    /// left out when the panes before it in its band would have less than they prefer.
    func width(_ state: ConsoleState, available: Int) -> SizeRule { .fixed(58, optional: true) }

    /// Its lines and the border, up to a third of the dashboard.
    func height(_ state: ConsoleState, available: Int) -> SizeRule {
        SizeRule(minimum: 2 + 1, preferred: 2 + lineCount(state), maximum: available / 3)
    }

    /// The lines `render` draws with room for all.
    func lineCount(_ state: ConsoleState) -> Int {
        let s = state.portfolioSummary
        guard s.asOf != nil else { return 1 }
        return s.holdings.count + 2 + (s.window(.all) == nil ? 0 : 1) + (s.scorecard.summary.moves > 0 ? 1 : 0)
    }

    func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, context: PaneContext) {
        let s = state.portfolioSummary
        let inner = Pane(title: context.caption(title), note: "p full view").render(into: &buffer, area: area, theme: theme)
        guard !inner.isEmpty else { return }
        let x = inner.x + 1, width = inner.width - 2
        var y = inner.y
        func line(_ text: String, _ style: Style) {
            guard y < inner.maxY else { return }
            buffer.put(text.truncated(to: width), x: x, y: y, style: style, maxWidth: width)
            y += 1
        }
        guard s.asOf != nil else {
            line("no scans recorded yet", theme[.muted])
            return
        }
        for h in s.holdings {
            let apy = h.apyNow.map { h.apyMeasured ? Format.apy($0) : "unmeas." } ?? ""
            let realized = h.realizedAPY.map { " ↻\(Format.apy($0))" } ?? ""
            line(h.name.padded(to: 9) + Format.amount(h.amount).padded(to: 12, right: true) + (h.sharePct.fixed(1) + "%").padded(to: 7, right: true)
                 + apy.padded(to: 8, right: true) + realized, theme[h.market == nil ? .muted : .text])
        }
        line("Total \(Format.amount(s.total))" + (s.blendedAPY.map { " · blended \(Format.apy($0))" } ?? ""), theme[.accent])
        let earned = s.windows.filter { $0.span != .all }.map { "\($0.span.rawValue) \(Format.earned(units: $0.treasury.earned, decimals: $0.decimals))" }
        line("earned " + earned.joined(separator: " · "), theme[.text])
        if let all = s.window(.all) { line("since start \(Format.earned(units: all.treasury.earned, decimals: all.decimals))", theme[.text]) }
        let card = s.scorecard.summary
        if card.moves > 0 {
            line("\(card.moves) moves, \(card.wins) paid back · net \(Format.earned(card.netBenefitUSD)) vs staying", theme[card.paybackAchieved ? .ok : .warning])
        }
    }
}
