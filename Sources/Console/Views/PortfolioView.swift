import Foundation
import MammonCore
import TerminalKit

/// The portfolio view (`p`): where the money is and what it earns, charts of total value and of each
/// market's APY over the chosen window (`w`), and the rebalance scorecard.
enum PortfolioView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let summary = state.portfolioSummary
        guard summary.asOf != nil else {
            let inner = Pane(title: "Portfolio", note: "p closes", focused: true).render(into: &buffer, area: area, theme: theme)
            buffer.put("no scans recorded yet: press r to scan now", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 2)
            return
        }
        let holdingsHeight = min(2 + 1 + summary.holdings.count + 2, max(0, area.height / 2))
        let (top, rest) = area.splitTop(holdingsHeight)
        let chartHeight = area.height >= 40 ? max(10, rest.height * 2 / 5) : max(7, rest.height / 2)
        let (charts, bottom) = rest.splitTop(chartHeight)
        renderHoldings(state, into: &buffer, area: top, theme: theme)
        let (left, right) = charts.splitLeft(charts.width / 2)
        renderValueChart(summary, into: &buffer, area: left, theme: theme)
        renderAPYChart(summary, into: &buffer, area: right, theme: theme)
        ScorecardPaneView.render(state, into: &buffer, area: bottom, theme: theme)
    }

    static func renderHoldings(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let s = state.portfolioSummary
        let note = "as of \(s.asOf.map(Format.clock) ?? "—") · w window · p closes"
        let inner = Pane(title: "Portfolio", note: note, focused: true).render(into: &buffer, area: area, theme: theme)
        guard !inner.isEmpty else { return }
        let body = inner.inset(dx: 1, dy: 0)
        let lines = summaryLines(s, width: body.width)
        let (tableArea, totals) = body.splitBottom(min(lines.count, max(0, body.height - 1)))
        let table = Table(columns: [.init("Holding", .fixed(10)), .init("Amount", .fixed(14), alignRight: true),
                                    .init("Share", .fixed(6), alignRight: true), .init("APY now", .fixed(8), alignRight: true),
                                    .init("Realized 30d", .fixed(12), alignRight: true), .init("", .flex(1))],
                          rowCount: s.holdings.count, showSelection: false) { i in
            let h = s.holdings[i]
            let apy = h.apyNow.map { h.apyMeasured ? Format.apy($0) : "unmeas." } ?? "—"
            return TableRow([h.name, Format.amount(h.amount), h.sharePct.fixed(1) + "%", apy, h.realizedAPY.map(Format.apy) ?? "—", ""],
                            style: h.market == nil ? theme[.muted] : nil)
        }
        table.render(into: &buffer, area: tableArea, theme: theme)
        for (i, line) in lines.prefix(totals.height).enumerated() {
            buffer.put(line, x: totals.x, y: totals.y + i, style: theme[i == 0 ? .accent : .text], maxWidth: totals.width)
        }
    }

    /// "Total 4,000.12 USDC · blended 4.36 %" and each window's earnings (with its realized APY
    /// where the line has room).
    static func summaryLines(_ s: PortfolioSummary, width: Int) -> [String] {
        var first = "Total \(Format.amount(s.total)) USDC"
        if let blended = s.blendedAPY { first += " · blended APY \(Format.apy(blended)) (idle at 0 %)" }
        func earned(withAPY: Bool) -> String {
            "Earned " + s.windows.map { w -> String in
                let amount = withAPY ? Format.earned(units: w.treasury.earned, decimals: w.decimals)
                    : Format.usd(w.treasury.earned.decimalValue.shifted(by: -Int(w.decimals)))
                let apy = withAPY ? (w.treasury.realizedAPY.map { " (\(Format.apy($0)))" } ?? "") : ""
                return "\(w.span.rawValue) \(amount)\(apy)"
            }.joined(separator: " · ")
        }
        let long = earned(withAPY: true)
        return [first, long.displayWidth <= width ? long : earned(withAPY: false)]
    }

    static func renderValueChart(_ s: PortfolioSummary, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let inner = Pane(title: "Total value · \(s.chartSpan.title)").render(into: &buffer, area: area, theme: theme)
        guard !inner.isEmpty else { return }
        let points = s.valueSeries.map { LineChart.Point(x: $0.at.timeIntervalSince1970, y: $0.value.doubleForDisplay) }
        // Enough digits that the axis labels differ: cents move little on a large treasury.
        let range = (s.valueSeries.map(\.value).max() ?? 0) - (s.valueSeries.map(\.value).min() ?? 0)
        let digits = range >= 1 ? 2 : (range >= Decimal(string: "0.01")! ? 4 : 6)
        LineChart(series: [.init(label: "value", points: points, style: theme[.accent])], xLabels: xLabels(s.valueSeries, s.chartSpan)) {
            Format.grouped(Decimal($0).fixed(digits))
        }.render(into: &buffer, area: inner.inset(dx: 1, dy: 0), theme: theme)
    }

    static func renderAPYChart(_ s: PortfolioSummary, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let inner = Pane(title: "APY by market · \(s.chartSpan.title)").render(into: &buffer, area: area, theme: theme)
        guard !inner.isEmpty else { return }
        let roles: [ThemeRole] = [.accent, .ok, .warning, .error]
        let markets = s.apySeries.keys.sorted()
        let series = markets.enumerated().map { i, m in
            LineChart.Series(label: m.displayName, points: s.apySeries[m]!.map { .init(x: $0.at.timeIntervalSince1970, y: $0.value.doubleForDisplay) },
                             style: theme[roles[i % roles.count]])
        }
        LineChart(series: series, xLabels: xLabels(s.valueSeries, s.chartSpan), showLegend: inner.height >= 7) {
            Decimal($0).fixed(2) + "%"
        }.render(into: &buffer, area: inner.inset(dx: 1, dy: 0), theme: theme)
    }

    /// The window's ends: times within a day, dates beyond.
    static func xLabels(_ points: [PortfolioSummary.ChartPoint], _ span: EarningsSpan) -> [String] {
        guard let first = points.first?.at, let last = points.last?.at else { return [] }
        func label(_ d: Date) -> String { span == .day ? String(Format.clock(d).prefix(5)) : String(d.utcDay.dropFirst(5)) }
        return [label(first), label(last)]
    }
}
