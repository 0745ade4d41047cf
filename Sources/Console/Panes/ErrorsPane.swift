import Foundation
import MammonCore
import TerminalKit

/// Time, source, message; Enter shows the whole text.
enum ErrorsPaneView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, focused: Bool) {
        let errors = state.filteredErrors
        let inner = Pane(title: "4 Errors (\(errors.count))", note: state.filter.isEmpty ? nil : "filter: \(state.filter)",
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
