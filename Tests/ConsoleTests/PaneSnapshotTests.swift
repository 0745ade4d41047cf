import Foundation
import TerminalKit
import XCTest
@testable import Console

/// Each pane alone, filling a buffer of each size the issue names, against golden text files.
final class PaneSnapshotTests: XCTestCase {
    let sizes = [Size(width: 80, height: 24), Size(width: 200, height: 60), Size(width: 40, height: 12), Size.zero]

    func testEachPaneAtEachSize() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("4"))) // the Errors selection shows
        for pane in PaneID.allCases {
            for size in sizes {
                var buffer = ScreenBuffer(size: size)
                state.focus = pane
                ConsoleRenderer.renderPane(pane, state, into: &buffer, area: buffer.area, theme: ThemeLoader.fallback)
                if size == .zero {
                    XCTAssertEqual(buffer.lines, [], "\(pane) at 0×0 draws nothing and does not crash")
                } else {
                    assertSnapshot(buffer, named: "pane-\(pane.title.lowercased())-\(size.width)x\(size.height)")
                }
            }
        }
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
