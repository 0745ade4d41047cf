import Foundation
import MammonCore
import TerminalKit

extension PaneID {
    public static let errors = PaneID("errors")
}

/// Time, source, message; Enter shows the whole text.
struct ErrorsPane: ConsolePane {
    let id = PaneID.errors
    let title = "Errors"
    let shortTitle = "Err"
    let band = DashboardBand.bottom

    func width(_ state: ConsoleState, available: Int) -> SizeRule { .fill(minimum: 40) }

    /// At least two errors inside the border; seven under their header once Opportunities has the rows
    /// it prefers (the bands above are served first).
    func height(_ state: ConsoleState, available: Int) -> SizeRule { SizeRule(minimum: 2 + 2, preferred: 2 + 1 + 7) }

    func tabBadge(_ state: ConsoleState) -> String? { state.errors.isEmpty ? nil : "(\(state.errors.count))" }

    func moveSelection(_ state: inout ConsoleState, by delta: Int) {
        let count = state.filteredErrors.count
        guard count > 0 else { return }
        state.selectedError = max(0, min(count - 1, state.selectedError + delta))
    }

    func details(_ state: ConsoleState) -> Modal? {
        let errors = state.filteredErrors
        guard state.selectedError < errors.count else { return nil }
        let e = errors[state.selectedError]
        return .details(title: "Error from \(e.source)", lines: ["at \(e.at.iso8601)", ""]
            + e.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), scroll: 0)
    }

    func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, context: PaneContext) {
        let focused = context.focused
        let errors = state.filteredErrors
        let inner = Pane(title: context.caption("\(title) (\(errors.count))"), note: state.filter.isEmpty ? nil : "filter: \(state.filter)",
                         focused: focused).render(into: &buffer, area: area, theme: theme)
        guard !inner.isEmpty else { return }
        let body = inner.inset(dx: 1, dy: 0)
        guard !errors.isEmpty else {
            buffer.put("no errors", x: body.x, y: body.y, style: theme[.muted], maxWidth: body.width)
            return
        }
        let table = Table(columns: [.init("Time", .fixed(8)), .init("Source", .fixed(10)), .init("Message", .flex(1))],
                          rowCount: errors.count, selected: min(state.selectedError, errors.count - 1),
                          showSelection: focused, showHeader: body.height > 3) { i in
            let e = errors[i]
            let firstLine = e.message.split(separator: "\n").first.map(String.init) ?? ""
            return TableRow([Format.clock(e.at), e.source, firstLine], cellStyles: [2: theme[.error]])
        }
        table.render(into: &buffer, area: body, theme: theme)
    }
}
