import Foundation
import MammonCore
import TerminalKit

/// Every event as a line, newest at the bottom; scrolls back with ↑/k.
enum EventLogView {
    static func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let lines = state.filteredLog
        var note = "l closes"
        if !state.filter.isEmpty { note = "filter: \(state.filter) · " + note }
        if state.logScroll > 0 { note = "\(state.logScroll) newer below · " + note }
        let inner = Pane(title: "Event log (\(lines.count))", note: note, focused: true).render(into: &buffer, area: area, theme: theme)
        guard !inner.isEmpty else { return }
        let end = max(0, lines.count - state.logScroll)
        let start = max(0, end - inner.height)
        for (row, line) in lines[start..<end].enumerated() {
            let role: ThemeRole = switch line.severity {
            case .info: .text
            case .warning: .warning
            case .error: .error
            }
            let y = inner.y + row
            var x = inner.x + 1
            x += buffer.put(Format.clock(line.at) + " ", x: x, y: y, style: theme[.muted], maxWidth: inner.maxX - x)
            if inner.width > 60 {
                x += buffer.put(line.type.padded(to: 19) + " ", x: x, y: y, style: theme[.accent], maxWidth: inner.maxX - x)
            }
            buffer.put(line.text, x: x, y: y, style: theme[role], maxWidth: inner.maxX - 1 - x)
        }
    }
}
