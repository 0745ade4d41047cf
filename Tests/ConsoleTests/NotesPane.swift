import Foundation
import TerminalKit
@testable import Console

extension PaneID {
    static let notes = PaneID("notes")
}

/// A pane only the tests know, written as a new pane is: one file with its view, its size rule and
/// what its keys do. `NewPaneTests` registers it with one line.
struct NotesPane: ConsolePane {
    let id = PaneID.notes
    let title = "Notes"
    let band = DashboardBand.bottom

    /// At least 20 columns beside Errors, a third of the band if it can.
    func width(_ state: ConsoleState, available: Int) -> SizeRule { SizeRule(minimum: 20, preferred: available / 3) }

    func height(_ state: ConsoleState, available: Int) -> SizeRule { SizeRule(minimum: 3) }

    func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, context: PaneContext) {
        let inner = Pane(title: context.caption(title), focused: context.focused).render(into: &buffer, area: area, theme: theme)
        guard !inner.isEmpty else { return }
        buffer.put("\(state.log.count) log lines", x: inner.x + 1, y: inner.y, style: theme[.muted], maxWidth: inner.width - 2)
    }

    func details(_ state: ConsoleState) -> Modal? { .details(title: "Notes", lines: ["\(state.log.count) log lines"], scroll: 0) }
}
