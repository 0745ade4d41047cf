import Foundation
import MammonCore
import TerminalKit

/// Draws the whole screen for a state: `render(state, size) -> ScreenBuffer`. Pure; the backend diffs
/// the result against what it drew last.
public enum ConsoleRenderer {
    /// Below this the console shows one line saying so.
    public static let minimumSize = Size(width: 40, height: 12)
    /// Narrower than this, panes become tabs.
    public static let tabsBelowWidth = 80
    /// From this width the dashboard shows the portfolio pane beside Execution.
    public static let portfolioPaneFromWidth = 160

    public static func render(_ state: ConsoleState, size: Size, theme: Theme = ThemeLoader.fallback) -> ScreenBuffer {
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
        } else if size.width < tabsBelowWidth {
            let (tabs, body) = main.splitTop(1)
            renderTabs(state, into: &buffer, area: tabs, theme: theme)
            renderPane(state.focus, state, into: &buffer, area: body, theme: theme)
        } else {
            renderDashboard(state, into: &buffer, area: main, theme: theme)
        }
        StatusLineView.render(state, into: &buffer, area: Rect(x: 0, y: bottom.y, width: size.width, height: 1), theme: theme)
        KeyBar(Keymap.barHints).render(into: &buffer, area: Rect(x: 0, y: bottom.y + 1, width: size.width, height: 1), theme: theme)
        if state.modal != nil { ModalView.render(state, into: &buffer, area: main, theme: theme) }
        return buffer
    }

    /// Scheduler and Execution side by side on top, Opportunities in the middle, Errors below.
    static func renderDashboard(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let schedulerRows = 6 + state.markets.count
        let executionRows = 8 + min(state.recentExecutions.count, area.height >= 40 ? 6 : 2)
        let topHeight = min(max(11, 2 + max(schedulerRows, executionRows)), max(11, area.height / 3))
        let errorsHeight = area.height >= 40 ? 10 : (area.height >= 30 ? 7 : 4)
        let (top, rest) = area.splitTop(topHeight)
        let (middle, bottom) = rest.splitBottom(errorsHeight)
        let (left, right) = top.splitLeft(max(42, min(70, top.width * 2 / 5)))
        renderPane(.scheduler, state, into: &buffer, area: left, theme: theme)
        if top.width >= portfolioPaneFromWidth {
            let (execution, portfolio) = right.splitLeft(right.width - 58)
            renderPane(.execution, state, into: &buffer, area: execution, theme: theme)
            PortfolioPaneView.render(state, into: &buffer, area: portfolio, theme: theme)
        } else {
            renderPane(.execution, state, into: &buffer, area: right, theme: theme)
        }
        renderPane(.opportunities, state, into: &buffer, area: middle, theme: theme)
        renderPane(.errors, state, into: &buffer, area: bottom, theme: theme)
    }

    static func renderPane(_ pane: PaneID, _ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        let focused = state.focus == pane
        switch pane {
        case .scheduler: SchedulerPaneView.render(state, into: &buffer, area: area, theme: theme, focused: focused)
        case .opportunities: OpportunitiesPaneView.render(state, into: &buffer, area: area, theme: theme, focused: focused)
        case .execution: ExecutionPaneView.render(state, into: &buffer, area: area, theme: theme, focused: focused)
        case .errors: ErrorsPaneView.render(state, into: &buffer, area: area, theme: theme, focused: focused)
        }
    }

    /// `1 Scheduler  2 Opportunities ●1  3 Execution  4 Errors (2)`, short names when narrow. The
    /// counts say what waits in the tabs that are not shown: approvals, errors.
    static func renderTabs(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) {
        buffer.fill(area, with: Cell(" ", style: theme[.tabInactive]))
        let waiting = state.pendingApprovals.count
        func labels(_ name: (PaneID) -> String) -> [String] {
            PaneID.allCases.map { pane in
                var text = " \(pane.rawValue + 1) \(name(pane))"
                if pane == .opportunities, waiting > 0 { text += " ●\(waiting)" }
                if pane == .errors, !state.errors.isEmpty { text += " (\(state.errors.count))" }
                return text + " "
            }
        }
        let long = labels(\.title)
        let chosen = long.reduce(0) { $0 + $1.displayWidth } <= area.width ? long : labels(\.shortTitle)
        var x = area.x
        for (pane, label) in zip(PaneID.allCases, chosen) {
            x += buffer.put(label, x: x, y: area.y, style: theme[pane == state.focus ? .tabActive : .tabInactive],
                            maxWidth: area.maxX - x)
        }
    }
}
