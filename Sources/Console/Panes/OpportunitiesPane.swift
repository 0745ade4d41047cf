import Foundation
import MammonCore
import TerminalKit

extension PaneID {
    public static let opportunities = PaneID("opportunities")
}

/// The table of recommendations: route, amount, APYs, Δ, net gain a year, break-even, verdict.
struct OpportunitiesPane: ConsolePane {
    enum Field { case found, route, token, amount, apy, delta, costs, net, breakEven, verdict }

    let id = PaneID.opportunities
    let title = "Opportunities"
    let shortTitle = "Opps"
    let band = DashboardBand.middle

    func width(_ state: ConsoleState, available: Int) -> SizeRule { .fill(minimum: 40) }

    /// At least a header and one row inside the border; a header and ten rows before the band below
    /// grows; then every row left over.
    func height(_ state: ConsoleState, available: Int) -> SizeRule {
        SizeRule(minimum: 2 + 1 + 1, preferred: 2 + 1 + 10, fills: true)
    }

    func tabBadge(_ state: ConsoleState) -> String? {
        state.pendingApprovals.isEmpty ? nil : "●\(state.pendingApprovals.count)"
    }

    func moveSelection(_ state: inout ConsoleState, by delta: Int) {
        guard !state.opportunityOrder.isEmpty else { return }
        let current = state.selectedOpportunityIndex ?? -1
        let next = max(0, min(state.opportunityOrder.count - 1, current + delta))
        state.selectedOpportunity = state.opportunityOrder[next]
    }

    func details(_ state: ConsoleState) -> Modal? {
        guard let id = state.selectedOpportunity, let row = state.opportunities[id] else { return nil }
        var lines = DetailsBuilder.approvalLines(row, now: state.now).map(\.text)
        lines.insert("Verdict: \(Format.verdict(row.verdict, now: state.now))", at: 0)
        if case .rejected(_, let reason) = row.verdict { lines.insert("  \(reason)", at: 1) }
        if case .resolved(_, let detail) = row.verdict { lines.insert("  \(detail)", at: 1) }
        lines.append("Reason: \(row.recommendation.reason)")
        lines.append("ID \(row.id.uuidString.lowercased())")
        return .details(title: row.recommendation.route, lines: lines, scroll: 0)
    }

    func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, context: PaneContext) {
        let focused = context.focused
        var notes: [String] = []
        if !state.filter.isEmpty { notes.append("filter: \(state.filter)") }
        let stale = state.staleReason
        if let stale { notes.append("STALE: \(stale)") } else if let age = state.dataAge { notes.append("data \(age) old") }
        let waiting = state.pendingApprovals.count
        let caption = context.caption("\(title) (\(state.opportunityOrder.count))") + (waiting > 0 ? " · \(waiting) awaiting approval" : "")
        let inner = Pane(title: caption, note: notes.joined(separator: " · "), focused: focused)
            .render(into: &buffer, area: area, theme: theme, noteStyle: stale == nil ? theme[.muted] : theme[.stale])
        guard !inner.isEmpty else { return }
        let body = inner.inset(dx: 1, dy: 0)
        guard !state.opportunityOrder.isEmpty else {
            buffer.put(state.filter.isEmpty ? "no opportunities yet: press r to scan now" : "no opportunity matches the filter",
                       x: body.x, y: body.y, style: theme[.muted], maxWidth: body.width)
            return
        }
        let fields: [(Field, TableColumn)]
        if body.width >= 100 {
            fields = [(.found, .init("Found", .fixed(8))), (.route, .init("Route", .fixed(20))), (.token, .init("Token", .fixed(5))),
                      (.amount, .init("Amount", .fixed(12), alignRight: true)), (.apy, .init("APY now→target", .fixed(15))),
                      (.delta, .init("Δ pts", .fixed(6), alignRight: true)), (.costs, .init("Costs", .fixed(8), alignRight: true)),
                      (.net, .init("Net/yr", .fixed(10), alignRight: true)),
                      (.breakEven, .init("B/E", .fixed(6), alignRight: true)), (.verdict, .init("Verdict", .flex(1)))]
        } else if body.width >= 60 {
            fields = [(.route, .init("Route", .flex(3))), (.amount, .init("Amount", .fixed(9), alignRight: true)),
                      (.apy, .init("APY", .fixed(9))), (.delta, .init("Δ", .fixed(5), alignRight: true)),
                      (.net, .init("Net/yr", .fixed(8), alignRight: true)), (.breakEven, .init("B/E", .fixed(4), alignRight: true)),
                      (.verdict, .init("Verdict", .flex(2)))]
        } else {
            fields = [(.route, .init("Route", .flex(1))), (.net, .init("Net/yr", .fixed(9), alignRight: true)),
                      (.verdict, .init("Verdict", .flex(1)))]
        }
        let sortField: Field? = switch state.sort.column {
        case .found: nil
        case .route: .route
        case .amount: .amount
        case .improvement: .delta
        case .netGain: .net
        case .breakEven: .breakEven
        }
        let order = state.opportunityOrder
        let table = Table(columns: fields.map(\.1), rowCount: order.count, selected: state.selectedOpportunityIndex,
                          sortColumn: fields.firstIndex { $0.0 == sortField }, ascending: state.sort.ascending,
                          showSelection: focused || state.modal != nil) { index in
            guard let row = state.opportunities[order[index]] else { return TableRow([]) }
            return Self.tableRow(row, fields: fields.map(\.0), state: state, theme: theme)
        }
        table.render(into: &buffer, area: body, theme: theme)
    }

    static func tableRow(_ row: OpportunityRow, fields: [Field], state: ConsoleState, theme: Theme) -> TableRow {
        let d = row.display
        let short = !fields.contains { $0 == .token }
        var cellStyles: [Int: Style] = [:]
        let cells = fields.enumerated().map { i, field -> String in
            switch field {
            case .found: return Format.clock(row.foundAt)
            case .route: return d.route
            case .token: return row.recommendation.token.symbol
            case .amount: return d.amount
            case .apy: return short ? d.apyShort : d.apyLong
            case .delta: return d.delta
            case .costs: return d.costs
            case .net:
                if let positive = d.netPositive { cellStyles[i] = theme[positive ? .ok : .error] }
                return d.net
            case .breakEven: return d.breakEven
            case .verdict:
                cellStyles[i] = theme[verdictRole(row.verdict)]
                return Format.verdict(row.verdict, now: state.now)
            }
        }
        return TableRow(cells, cellStyles: cellStyles)
    }

    static func verdictRole(_ v: OpportunityRow.Verdict) -> ThemeRole {
        switch v {
        case .analysing: .muted
        case .passed, .approved, .executed: .ok
        case .rejected, .failed: .error
        case .awaitingApproval, .executing: .warning
        case .resolved(let outcome, _): outcome == .rejectedOnRecheck ? .error : .muted
        }
    }
}
