import Foundation
import MammonCore
import TerminalKit

/// Draws the whole screen for a state: `render(state, size) -> ScreenBuffer`. Pure; the backend diffs
/// the result against what it drew last.
public enum ConsoleRenderer {
    /// Below this the console shows one line saying so.
    public static let minimumSize = Size(width: 40, height: 12)

    public static func render(_ state: ConsoleState, size: Size, theme: Theme = ThemeLoader.fallback) -> ScreenBuffer {
        render(state, size: size, theme: theme, panes: .standard)
    }

    static func render(_ state: ConsoleState, size: Size, theme: Theme, panes: PaneRegistry) -> ScreenBuffer {
        var buffer = ScreenBuffer(size: size, fill: Cell(" ", style: theme[.text]))
        guard size.width > 0, size.height > 0 else { return buffer }
        guard size.width >= minimumSize.width, size.height >= minimumSize.height else {
            buffer.put("terminal too small: \(size.width)×\(size.height), need \(minimumSize.width)×\(minimumSize.height)",
                       x: 0, y: 0, style: theme[.warning], maxWidth: size.width)
            return buffer
        }
        let (main, bottom) = buffer.area.splitBottom(2)
        if state.view == .eventLog {
            EventLogView.render(state, into: &buffer, area: main, theme: theme)
        } else if state.view == .portfolio {
            PortfolioView.render(state, into: &buffer, area: main, theme: theme)
        } else if let placements = DashboardLayout.arrange(panes.panes, state, in: main) {
            for placed in placements {
                placed.pane.render(state, into: &buffer, area: placed.area, theme: theme, context: panes.context(for: placed.pane, state))
            }
        } else {
            // The panes do not fit side by side at their minimum sizes: one at a time, under tabs.
            let (tabs, body) = main.splitTop(1)
            renderTabs(state, panes: panes, into: &buffer, area: tabs, theme: theme)
            if let pane = panes.focusable.first(where: { $0.id == state.focus }) ?? panes.focusable.first {
                pane.render(state, into: &buffer, area: body, theme: theme, context: PaneContext(focused: true, number: panes.number(of: pane.id)))
            }
        }
        StatusLineView.render(state, into: &buffer, area: Rect(x: 0, y: bottom.y, width: size.width, height: 1), theme: theme)
        KeyBar(panes.keymap.barHints).render(into: &buffer, area: Rect(x: 0, y: bottom.y + 1, width: size.width, height: 1), theme: theme)
        if state.modal != nil { ModalView.render(state, keymap: panes.keymap, into: &buffer, area: main, theme: theme) }
        return buffer
    }

    /// One pane alone in `area`, as the dashboard or the tabs draw it.
    static func renderPane(_ id: PaneID, _ state: ConsoleState, panes: PaneRegistry = .standard, into buffer: inout ScreenBuffer,
                           area: Rect, theme: Theme) {
        guard let pane = panes.pane(id) else { return }
        pane.render(state, into: &buffer, area: area, theme: theme, context: panes.context(for: pane, state))
    }

    /// `1 Scheduler  2 Opportunities ●1  3 Execution  4 Errors (2)`, short names when narrow. The
    /// badges say what waits in the tabs that are not shown: approvals, errors.
    static func renderTabs(_ state: ConsoleState, panes: PaneRegistry, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        buffer.fill(area, with: Cell(" ", style: theme[.tabInactive]))
        let shown = panes.focusable
        func labels(_ name: (any ConsolePane) -> String) -> [String] {
            shown.enumerated().map { n, pane in
                " \(n + 1) \(name(pane))" + (pane.tabBadge(state).map { " \($0)" } ?? "") + " "
            }
        }
        let long = labels(\.title)
        let chosen = long.reduce(0) { $0 + $1.displayWidth } <= area.width ? long : labels(\.shortTitle)
        var x = area.x
        for (pane, label) in zip(shown, chosen) {
            x += buffer.put(label, x: x, y: area.y, style: theme[pane.id == state.focus ? .tabActive : .tabInactive],
                            maxWidth: area.maxX - x)
        }
    }
}
