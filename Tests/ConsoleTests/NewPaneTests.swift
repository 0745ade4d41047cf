import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// A new pane is one file (`NotesPane.swift`) and one line in a registry: it is laid out, numbered,
/// reached by Tab and its number key, listed in the help and the tabs, and Enter opens its details,
/// with nothing else changed.
final class NewPaneTests: XCTestCase {
    let panes = PaneRegistry(PaneRegistry.standard.panes + [NotesPane()])

    func render(_ state: ConsoleState, _ w: Int, _ h: Int) -> ScreenBuffer {
        ConsoleRenderer.render(state, size: Size(width: w, height: h), theme: ThemeLoader.fallback, panes: panes)
    }

    func testItSitsInItsBandBesideErrorsAndTheRestOfTheFrameIsUnchanged() {
        let state = Fixtures.busyState()
        let standard = ConsoleRenderer.render(state, size: Size(width: 80, height: 24)).lines
        let lines = render(state, 80, 24).lines
        XCTAssertEqual(Array(lines[..<18]), Array(standard[..<18]), "the bands above are as they were")
        XCTAssertEqual(Array(lines[22...]), Array(standard[22...]), "the status line and the key bar too")
        // Errors fills; Notes has its preference, a third of the band.
        XCTAssertEqual(lines[18], "┌ 4 Errors (2) " + String(repeating: "─", count: 38) + "┐┌ 5 Notes " + String(repeating: "─", count: 15) + "┐")
        XCTAssertTrue(lines[19].hasSuffix("│" + "│ \(state.log.count) log lines".padded(to: 25) + "│"), lines[19])
    }

    func testTabAndItsNumberKeyReachItAndEnterOpensItsDetails() {
        var state = Fixtures.busyState()
        state.focus = .errors
        _ = ConsoleReducer.reduce(&state, .keyPressed(.tab), panes: panes)
        XCTAssertEqual(state.focus, .notes)
        _ = ConsoleReducer.reduce(&state, .keyPressed(.tab), panes: panes)
        XCTAssertEqual(state.focus, .scheduler, "after the last pane, the first")
        _ = ConsoleReducer.reduce(&state, .keyPressed(.backTab), panes: panes)
        XCTAssertEqual(state.focus, .notes)
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("1")), panes: panes)
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("5")), panes: panes)
        XCTAssertEqual(state.focus, .notes)
        _ = ConsoleReducer.reduce(&state, .keyPressed(.enter), panes: panes)
        XCTAssertEqual(state.modal, .details(title: "Notes", lines: ["\(state.log.count) log lines"], scroll: 0))
        XCTAssertTrue(render(state, 80, 24).lines[18].hasSuffix("┌ 5 Notes ───────────────┐"), "drawn focused under the dialog")

        var standard = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&standard, .keyPressed(.char("5")))
        XCTAssertEqual(standard.focus, .scheduler, "the standard panes have no fifth key")
    }

    func testTheHelpAndTheTabsListIt() {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("?")), panes: panes)
        XCTAssertTrue(render(state, 200, 60).text.contains("5           focus Notes"))
        state.modal = nil
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("5")), panes: panes)
        let tabs = render(state, 60, 20).lines
        XCTAssertEqual(tabs[0], " 1 Sched  2 Opps ●1  3 Exec  4 Err (2)  5 Notes ".padded(to: 60))
        XCTAssertTrue(tabs[1].hasPrefix("┌ 5 Notes "), tabs[1])
    }

    func testTheLoopRunsWithTheRegistryItIsGiven() {
        let t = ConsoleLoopTests.FakeTerminal(size: Size(width: 80, height: 24), now: Fixtures.at(65), script: [[.key(.char("5"))]])
        var loop = ConsoleLoop(terminal: t, theme: ThemeLoader.fallback, inbox: ActionInbox(), clock: { t.now }) { _ in }
        loop.panes = panes
        let (_, final) = loop.run(initial: Fixtures.busyState())
        XCTAssertEqual(final.focus, .notes)
        XCTAssertEqual(t.frames.count, 2)
        XCTAssertTrue(t.frames[0].lines[18].hasSuffix("┌ 5 Notes ───────────────┐"), "the first frame has it")
        XCTAssertTrue(t.frames[1].lines[18].hasSuffix("┌ 5 Notes ───────────────┐"))
    }
}
