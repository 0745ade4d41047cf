import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// The dashboard's geometry as the panes' size rules make it: the sizes the snapshots pin, where the
/// tabs begin, when the portfolio joins, how the bands grow.
final class DashboardLayoutTests: XCTestCase {
    /// The dashboard's area in a terminal of `w`×`h` (the status line and the key bar take two rows).
    func arrange(_ state: ConsoleState, _ w: Int, _ h: Int, panes: PaneRegistry = .standard) -> [PaneID: Rect]? {
        DashboardLayout.arrange(panes.panes, state, in: Rect(x: 0, y: 0, width: w, height: h - 2))
            .map { Dictionary(uniqueKeysWithValues: $0.map { ($0.pane.id, $0.area) }) }
    }

    func testTheSnapshotSizesKeepTheirGeometry() {
        let state = Fixtures.busyState()
        XCTAssertEqual(arrange(state, 80, 24), [
            .scheduler: Rect(x: 0, y: 0, width: 42, height: 11), .execution: Rect(x: 42, y: 0, width: 38, height: 11),
            .opportunities: Rect(x: 0, y: 11, width: 80, height: 7), .errors: Rect(x: 0, y: 18, width: 80, height: 4),
        ])
        XCTAssertEqual(arrange(state, 200, 60), [
            .scheduler: Rect(x: 0, y: 0, width: 70, height: 11), .execution: Rect(x: 70, y: 0, width: 72, height: 11),
            .portfolio: Rect(x: 142, y: 0, width: 58, height: 11),
            .opportunities: Rect(x: 0, y: 11, width: 200, height: 37), .errors: Rect(x: 0, y: 48, width: 200, height: 10),
        ])
    }

    /// Tabs begin where the top band's minimum widths (Scheduler 42, Execution 38) no longer fit.
    func testTabsBeginWhereTheTopBandNoLongerFits() {
        let state = Fixtures.busyState()
        XCTAssertNil(arrange(state, 79, 24))
        XCTAssertNotNil(arrange(state, 80, 24))
        XCTAssertTrue(ConsoleRenderer.render(state, size: Size(width: 79, height: 24)).lines[0].hasPrefix(" 1 Scheduler "))
    }

    /// The same for heights: the bands' minimums are 11 (Execution: a move, its six steps and the last
    /// one before it), 4 and 4 rows, so a terminal under 21 rows shows tabs however wide it is.
    func testTabsBeginWhereTheBandsNoLongerFitInHeight() {
        let state = Fixtures.busyState()
        XCTAssertNil(arrange(state, 200, 20))
        XCTAssertEqual(arrange(state, 200, 21)?[.opportunities]?.height, 4)
        XCTAssertTrue(ConsoleRenderer.render(state, size: Size(width: 200, height: 20)).lines[0].hasPrefix(" 1 Scheduler "))
        XCTAssertTrue(ConsoleRenderer.render(state, size: Size(width: 200, height: 21)).lines[0].hasPrefix("┌ 1 Scheduler "))
    }

    /// The portfolio glance is optional: it joins when the panes before it in the top band have their
    /// preferred widths and Execution its minimum, and Execution takes the row otherwise.
    func testThePortfolioJoinsWhenTheTopBandHasRoomForIt() {
        let state = Fixtures.busyState()
        let narrow = arrange(state, 158, 40)
        XCTAssertNil(narrow?[.portfolio])
        XCTAssertEqual(narrow?[.scheduler]?.width, 63)
        XCTAssertEqual(narrow?[.execution]?.width, 95)
        let wide = arrange(state, 159, 40)
        XCTAssertEqual(wide?[.portfolio], Rect(x: 101, y: 0, width: 58, height: 11))
        XCTAssertEqual(wide?[.execution]?.width, 38)
    }

    /// The top band is as tall as its most demanding pane asks (the Scheduler, with a line per
    /// market), at least 11 rows and at most a third of the dashboard.
    func testTheTopBandGrowsWithItsPanesUpToAThird() {
        var state = Fixtures.busyState()
        state.markets += Array(repeating: state.markets[0], count: 7)
        XCTAssertEqual(arrange(state, 200, 60)?[.scheduler]?.height, 2 + 6 + 10)
        XCTAssertEqual(arrange(state, 200, 60)?[.portfolio]?.height, 18, "a band's panes share its height")
        XCTAssertEqual(arrange(state, 80, 24)?[.scheduler]?.height, 11, "a third of 22 rows is less than the minimum")
        state.markets += Array(repeating: state.markets[0], count: 10)
        XCTAssertEqual(arrange(state, 200, 60)?[.scheduler]?.height, 58 / 3)
    }

    /// Below the top band, Opportunities has a header and ten rows before Errors grows past two
    /// errors; then Errors grows to seven under a header, then Opportunities takes the rest.
    func testErrorsGrowOnceOpportunitiesHasTenRows() {
        let state = Fixtures.busyState()
        for (h, opportunities, errors) in [(24, 7, 4), (30, 13, 4), (32, 13, 6), (36, 13, 10), (42, 19, 10), (60, 37, 10)] {
            let layout = arrange(state, 100, h)
            XCTAssertEqual(layout?[.opportunities]?.height, opportunities, "\(h) rows")
            XCTAssertEqual(layout?[.errors]?.height, errors, "\(h) rows")
            XCTAssertEqual(layout?[.errors]?.maxY, h - 2, "\(h) rows: the bands fill the dashboard")
        }
    }

    /// The standard registry is the one list: focus order, number keys and help come from it.
    func testTheNumberKeysAreTheRegistrysFocusablePanesInOrder() {
        let focus = Keymap.standard.bindings.compactMap { b -> String? in
            guard case .focus(let id) = b.command else { return nil }
            return "\(b.keyText) \(id) \(b.help)"
        }
        XCTAssertEqual(focus, ["1 scheduler focus Scheduler", "2 opportunities focus Opportunities", "3 execution focus Execution",
                               "4 errors focus Errors"], "the portfolio glance is not focusable: no key")
        XCTAssertEqual(PaneRegistry.standard.next(after: .errors), .scheduler)
        XCTAssertEqual(PaneRegistry.standard.previous(before: .scheduler), .errors)
    }
}
