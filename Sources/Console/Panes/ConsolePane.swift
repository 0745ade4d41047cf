import Foundation
import MammonCore
import TerminalKit

/// One pane of the dashboard: its name, its view, the room it asks for, and what the keys do while it
/// has the focus. A new pane is one file with a type conforming to this and one line in
/// `PaneRegistry.standard`; the layout, Tab, the number keys, the tabs and the help follow from them.
protocol ConsolePane: Sendable {
    var id: PaneID { get }
    /// "Scheduler": the tab, the focus key's help.
    var title: String { get }
    /// The tab label when the tabs do not fit with full titles.
    var shortTitle: String { get }
    /// Whether Tab and a number key reach it; focusable panes are numbered in registry order.
    var focusable: Bool { get }
    /// Which band of the dashboard it sits in; the panes of a band sit left to right in registry order.
    var band: DashboardBand { get }

    /// The columns it asks for, out of the band's width.
    func width(_ state: ConsoleState, available: Int) -> SizeRule
    /// The rows it asks for, border included, out of the dashboard's height. The band is as tall as
    /// the most demanding of its panes asks.
    func height(_ state: ConsoleState, available: Int) -> SizeRule

    func render(_ state: ConsoleState, into buffer: inout ScreenBuffer, area: Rect, theme: Theme, context: PaneContext)

    /// A short count on its tab (approvals waiting, errors), or nil.
    func tabBadge(_ state: ConsoleState) -> String?
    /// ↑ ↓ PgUp PgDn Home End while it has the focus.
    func moveSelection(_ state: inout ConsoleState, by delta: Int)
    /// What Enter opens while it has the focus.
    func details(_ state: ConsoleState) -> Modal?
}

extension ConsolePane {
    var shortTitle: String { title }
    var focusable: Bool { true }
    func tabBadge(_ state: ConsoleState) -> String? { nil }
    func moveSelection(_ state: inout ConsoleState, by delta: Int) {}
    func details(_ state: ConsoleState) -> Modal? { nil }
}

/// What a pane is told when drawn: whether it has the focus, and its number key.
struct PaneContext: Sendable {
    var focused: Bool
    /// 1 for the first focusable pane; nil for a pane the keys do not reach.
    var number: Int?

    /// "2 Opportunities": the pane's title with its number key in front.
    func caption(_ title: String) -> String { number.map { "\($0) \(title)" } ?? title }
}
