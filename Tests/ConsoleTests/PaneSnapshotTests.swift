import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// Each pane alone, filling a buffer of each size the issue names, against golden text files.
final class PaneSnapshotTests: XCTestCase {
    let sizes = [Size(width: 80, height: 24), Size(width: 200, height: 60), Size(width: 40, height: 12), Size.zero]

    /// Every registered pane, the portfolio glance included (it was drawn only inside the dashboard's
    /// frames before the registry listed it).
    func testEachPaneAtEachSize() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("4"))) // the Errors selection shows
        for pane in PaneRegistry.standard.panes {
            for size in sizes {
                var buffer = ScreenBuffer(size: size)
                state.focus = pane.id
                ConsoleRenderer.renderPane(pane.id, state, into: &buffer, area: buffer.area, theme: ThemeLoader.fallback)
                if size == .zero {
                    XCTAssertEqual(buffer.lines, [], "\(pane.id) at 0×0 draws nothing and does not crash")
                } else {
                    assertSnapshot(buffer, named: "pane-\(pane.title.lowercased())-\(size.width)x\(size.height)")
                }
            }
        }
    }

    /// A fenced treasury: the scheduler pane names the Safe and shows the role's allowance left today and
    /// the operator's gas runway (warning colour under a week).
    func testTheSchedulerPaneShowsAFencedTreasurysAllowanceAndGas() {
        var state = Fixtures.busyState()
        state.status?.treasury = TreasuryFenceStatus(
            safe: "0xED0467Ebb156DbCE2b857147b1aBca97b65D9d29", operatorAddress: "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF",
            allowanceLeft: Fixtures.usdc("7500"), allowanceDaily: Fixtures.usdc("10000"), operatorGasWei: "42100000000000000",
            gasRunwayDays: 5, checkedAt: Fixtures.at(0))
        var buffer = ScreenBuffer(size: Size(width: 80, height: 24))
        state.focus = .scheduler
        ConsoleRenderer.renderPane(.scheduler, state, into: &buffer, area: buffer.area, theme: ThemeLoader.fallback)
        XCTAssertTrue(buffer.lines.contains { $0.contains("│ Safe 0x7E5F…5Bdf · idle 125.50") }, buffer.lines.joined(separator: "\n"))
        XCTAssertTrue(buffer.lines.contains { $0.contains("allowance 7500/10000 USDC today · gas ~5 d") }, buffer.lines.joined(separator: "\n"))
    }

    func testEventLogAtEachSize() {
        let state = Fixtures.busyState()
        for size in sizes {
            var buffer = ScreenBuffer(size: size)
            EventLogView.render(state, into: &buffer, area: buffer.area, theme: ThemeLoader.fallback)
            if size != .zero { assertSnapshot(buffer, named: "eventlog-pane-\(size.width)x\(size.height)") }
        }
    }
}
