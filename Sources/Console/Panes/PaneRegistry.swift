import TerminalKit

/// The dashboard's panes, in focus order: the one list of them. The number keys and Tab follow this
/// order, the dashboard places each pane in its band left to right in this order, and the keymap's
/// focus keys are made from it.
struct PaneRegistry: Sendable {
    let panes: [any ConsolePane]
    /// The keys, with a number key for each focusable pane.
    let keymap: Keymap

    init(_ panes: [any ConsolePane]) {
        self.panes = panes
        keymap = Keymap(focusable: panes.filter(\.focusable).map { ($0.id, $0.title) })
    }

    static let standard = PaneRegistry([
        SchedulerPane(),
        OpportunitiesPane(),
        ExecutionPane(),
        ErrorsPane(),
        PortfolioPane(),
    ])

    var focusable: [any ConsolePane] { panes.filter(\.focusable) }

    func pane(_ id: PaneID) -> (any ConsolePane)? { panes.first { $0.id == id } }

    /// The pane's number key, counted over the focusable panes.
    func number(of id: PaneID) -> Int? { focusable.firstIndex { $0.id == id }.map { $0 + 1 } }

    /// The focusable pane after `id`, round to the first.
    func next(after id: PaneID) -> PaneID { step(from: id, by: 1) }

    func previous(before id: PaneID) -> PaneID { step(from: id, by: -1) }

    private func step(from id: PaneID, by delta: Int) -> PaneID {
        let ids = focusable.map(\.id)
        guard let i = ids.firstIndex(of: id) else { return ids.first ?? id }
        return ids[(i + delta + ids.count) % ids.count]
    }

    func context(for pane: any ConsolePane, _ state: ConsoleState) -> PaneContext {
        PaneContext(focused: pane.focusable && state.focus == pane.id, number: number(of: pane.id))
    }
}
