import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// The whole screen at the sizes the issue names, compared with golden text files.
final class ScreenSnapshotTests: XCTestCase {
    func render(_ state: ConsoleState, _ w: Int, _ h: Int) -> ScreenBuffer {
        ConsoleRenderer.render(state, size: Size(width: w, height: h))
    }

    func testDashboardAt80x24() { assertSnapshot(render(Fixtures.busyState(), 80, 24), named: "screen-80x24") }
    func testDashboardAt200x60() { assertSnapshot(render(Fixtures.busyState(), 200, 60), named: "screen-200x60") }
    func testTabsAt40x12() { assertSnapshot(render(Fixtures.busyState(), 40, 12), named: "screen-40x12") }

    /// A shadow run says so on every frame, where the eye lands first.
    func testAShadowRunIsNamedOnTheStatusLine() {
        var state = Fixtures.busyState()
        var status = Fixtures.status()
        status.network = "shadow:base"
        _ = ConsoleReducer.reduce(&state, Fixtures.event(100, .status(status)))
        let screen = render(state, 80, 24)
        assertSnapshot(screen, named: "screen-shadow-80x24")
        let statusLine = screen.lines[screen.lines.count - 2]
        XCTAssertTrue(statusLine.hasPrefix(" RUNNING  SHADOW  base, nothing is sent · data 35s old"), statusLine)
    }

    func testZeroSizeDrawsNothingAndDoesNotCrash() {
        let buffer = render(Fixtures.busyState(), 0, 0)
        XCTAssertEqual(buffer.cells.count, 0)
        XCTAssertEqual(buffer.lines, [])
    }

    func testTooSmallSaysSoOnOneLine() {
        let buffer = render(Fixtures.busyState(), 39, 12)
        XCTAssertTrue(buffer.lines[0].hasPrefix("terminal too small: 39×12, need 40×12"))
        XCTAssertTrue(buffer.lines.dropFirst().allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty })
        XCTAssertTrue(render(Fixtures.busyState(), 80, 11).lines[0].hasPrefix("terminal too small"))
    }

    func testEachTabAt40x12() {
        for pane in PaneRegistry.standard.focusable {
            var state = Fixtures.busyState()
            state.focus = pane.id
            assertSnapshot(render(state, 40, 12), named: "tab-\(pane.title.lowercased())-40x12")
        }
    }

    func testApprovalDialogShowsEverythingAt200x60() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("a")))
        let buffer = render(state, 200, 60)
        assertSnapshot(buffer, named: "approval-200x60")
        let text = buffer.text
        for needle in ["Move 1,000.00 USDC", "Aave V3", "Moonwell", "4.10%", "5.35%", "withdraw gas", "deposit gas",
                       "gas price now 0.0120 gwei", "Net gain", "Break-even 4 days", "✓ break_even", "Steps to send",
                       "withdraw (tx) → approve (tx) → deposit (tx)", "[ Cancel (Esc) ]"] {
            XCTAssertTrue(text.contains(needle), "approval dialog lacks \(needle)")
        }
    }

    func testApprovalDialogAt80x24ScrollsInsteadOfOverflowing() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("a")))
        assertSnapshot(render(state, 80, 24), named: "approval-80x24")
    }

    func testHelpOverlayIsTheKeymap() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("?")))
        let buffer = render(state, 200, 60)
        assertSnapshot(buffer, named: "help-200x60")
        for binding in Keymap.standard.bindings { XCTAssertTrue(buffer.text.contains(binding.help), "help lacks \(binding.help)") }
    }

    func testEventLogView() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("l")))
        assertSnapshot(render(state, 80, 24), named: "eventlog-80x24")
    }

    func testEmergencyAndQuitDialogs() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("E")))
        for c in "ST" { _ = ConsoleReducer.reduce(&state, .keyPressed(.char(c))) }
        assertSnapshot(render(state, 80, 24), named: "emergency-80x24")
        state.modal = nil
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("q")))
        assertSnapshot(render(state, 80, 24), named: "quit-during-execution-80x24")
    }

    func testStaleDataIsMarked() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .tick(Fixtures.at(60 + 4 * 3600 + 300)))
        let text = render(state, 80, 24).text
        XCTAssertTrue(text.contains("STALE: scan overdue by 5m00s"), text)
        _ = ConsoleReducer.reduce(&state, .engineStreamEnded)
        XCTAssertTrue(render(state, 80, 24).text.contains("STALE: engine disconnected"))
    }

    func testFreshDataShowsItsAge() {
        let text = render(Fixtures.busyState(), 80, 24).text
        XCTAssertTrue(text.contains("data 35s old"), text)
        XCTAssertFalse(text.contains("STALE"))
    }
}
