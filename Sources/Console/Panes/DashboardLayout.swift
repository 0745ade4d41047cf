import TerminalKit

/// Where the panes go on the dashboard, worked out from their size rules alone: the bands top to
/// bottom, each as tall as the most demanding of its panes asks; a band's panes left to right in
/// registry order. Room is served in the same order (see `Layout`): the top band before the ones
/// below it, the first pane of a band before the next.
enum DashboardLayout {
    struct Placement {
        let pane: any ConsolePane
        let area: Rect
    }

    /// Nil when a pane cannot have its minimum size: the console shows the panes as tabs instead.
    static func arrange(_ panes: [any ConsolePane], _ state: ConsoleState, in area: Rect) -> [Placement]? {
        var bands: [[(pane: any ConsolePane, width: Int)]] = []
        for band in DashboardBand.allCases {
            let members = panes.filter { $0.band == band }
            let widths = members.map { $0.width(state, available: area.width) }
            guard Layout.fits(widths, total: area.width) else { return nil }
            let shown = zip(members, Layout.solve(widths, total: area.width)).filter { $0.1 > 0 }.map { (pane: $0.0, width: $0.1) }
            if !shown.isEmpty { bands.append(shown) }
        }
        let heights = bands.map { band in SizeRule.across(band.map { $0.pane.height(state, available: area.height) }) }
        guard Layout.fits(heights, total: area.height) else { return nil }
        var placements: [Placement] = []
        for (band, row) in zip(bands, area.rows(heights)) {
            var x = row.x
            for (pane, width) in band {
                placements.append(Placement(pane: pane, area: Rect(x: x, y: row.y, width: width, height: row.height)))
                x += width
            }
        }
        return placements
    }
}

/// The bands of the dashboard, top to bottom.
enum DashboardBand: CaseIterable, Sendable {
    /// Beside each other at the top: what the engine is doing and holds.
    case top
    /// The main table.
    case middle
    /// Below it.
    case bottom
}
