import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// Every dashboard key: what it changes and which command it sends. Dangerous keys ask first.
final class KeyReducerTests: XCTestCase {
    func key(_ c: Character) -> ConsoleAction { .keyPressed(.char(c)) }

    func running() -> ConsoleState {
        var s = ConsoleState(now: Fixtures.at(100), size: Size(width: 80, height: 24))
        s.status = Fixtures.status(.running)
        return s
    }

    func testStartSendsStartWhenStopped() {
        var s = running()
        s.status?.state = .stopped
        let store = TestStore(s)
        store.send(key("s"), effects: [.send(.start)]) {
            $0.flash = Flash(text: "starting the scheduler", severity: .info, until: Fixtures.at(106))
        }
    }

    func testStartWhileHaltedSaysResumeFirstAndSendsNothing() {
        var s = running()
        s.status = Fixtures.status(.halted, halt: "circuit breaker")
        let store = TestStore(s)
        store.send(key("s")) {
            $0.flash = Flash(text: "halted: press R to resume first (circuit breaker)", severity: .warning, until: Fixtures.at(106))
        }
    }

    func testStopAsksAndDefaultsToNo() {
        let store = TestStore(running())
        store.send(key("x")) { $0.modal = .confirm(.stopScheduler, yes: false) }
        // Enter on the default answer does nothing.
        store.send(.keyPressed(.enter)) { $0.modal = nil }
        store.send(key("x")) { $0.modal = .confirm(.stopScheduler, yes: false) }
        store.send(.keyPressed(.right)) { $0.modal = .confirm(.stopScheduler, yes: true) }
        store.send(.keyPressed(.enter), effects: [.send(.stop)]) {
            $0.modal = nil
            $0.flash = Flash(text: "stopping the scheduler", severity: .info, until: Fixtures.at(106))
        }
    }

    func testStopWhenNotRunningOnlySaysSo() {
        var s = running()
        s.status?.state = .stopped
        TestStore(s).send(key("x")) {
            $0.flash = Flash(text: "the scheduler is not running", severity: .info, until: Fixtures.at(106))
        }
    }

    func testRunOnce() {
        TestStore(running()).send(key("r"), effects: [.send(.runOnce)]) {
            $0.flash = Flash(text: "scan requested", severity: .info, until: Fixtures.at(106))
        }
    }

    func testApproveOpensTheDialogOnCancelAndYApproves() {
        let s = Fixtures.busyState()
        let store = TestStore(s)
        store.send(key("a")) {
            $0.modal = .approval(id: Fixtures.id(3), choice: .cancel, scroll: 0)
            $0.focus = .opportunities
            $0.selectedOpportunity = Fixtures.id(3)
        }
        store.send(.keyPressed(.enter)) { $0.modal = nil } // Enter on the default: nothing sent
        store.send(key("a")) { $0.modal = .approval(id: Fixtures.id(3), choice: .cancel, scroll: 0) }
        store.send(key("y"), effects: [.send(.approve(Fixtures.id(3)))]) {
            $0.modal = nil
            $0.flash = Flash(text: "approval sent for Aave V3 → Moonwell; the engine re-checks gates and limits",
                             severity: .info, until: Fixtures.at(71))
        }
    }

    func testApprovalButtonsMoveAndEnterPressesTheChosenOne() {
        let store = TestStore(Fixtures.busyState())
        store.send(key("a")) {
            $0.modal = .approval(id: Fixtures.id(3), choice: .cancel, scroll: 0)
            $0.focus = .opportunities
            $0.selectedOpportunity = Fixtures.id(3)
        }
        store.send(.keyPressed(.left)) { $0.modal = .approval(id: Fixtures.id(3), choice: .decline, scroll: 0) }
        store.send(.keyPressed(.left)) { $0.modal = .approval(id: Fixtures.id(3), choice: .approve, scroll: 0) }
        store.send(.keyPressed(.down)) { $0.modal = .approval(id: Fixtures.id(3), choice: .approve, scroll: 1) }
        store.send(.keyPressed(.escape)) { $0.modal = nil }
    }

    func testApproveWithNothingWaiting() {
        TestStore(running()).send(key("a")) {
            $0.flash = Flash(text: "nothing is waiting for approval", severity: .info, until: Fixtures.at(106))
        }
    }

    func testApproveOnAFocusedRowThatIsNotWaitingRefuses() {
        var s = Fixtures.busyState()
        s.focus = .opportunities
        s.selectedOpportunity = Fixtures.id(1)
        TestStore(s).send(key("a")) {
            $0.flash = Flash(text: "the selected recommendation is not waiting for approval (✗ break_even)",
                             severity: .info, until: Fixtures.at(71))
        }
    }

    func testDeclineSendsDecline() {
        TestStore(Fixtures.busyState()).send(key("d"), effects: [.send(.decline(Fixtures.id(3)))]) {
            $0.selectedOpportunity = Fixtures.id(3)
            $0.focus = .opportunities
            $0.flash = Flash(text: "declining Aave V3 → Moonwell", severity: .info, until: Fixtures.at(71))
        }
    }

    func testEmergencyStopNeedsTheTypedWord() {
        let store = TestStore(running())
        store.send(key("E")) { $0.modal = .emergencyStop(typed: "") }
        store.send(.keyPressed(.enter)) {
            $0.flash = Flash(text: "type STOP exactly to confirm, or Esc", severity: .warning, until: Fixtures.at(106))
        }
        for (i, c) in "STOX".enumerated() {
            store.send(key(c)) { $0.modal = .emergencyStop(typed: String("STOX".prefix(i + 1))) }
        }
        store.send(.keyPressed(.backspace)) { $0.modal = .emergencyStop(typed: "STO") }
        store.send(key("P")) { $0.modal = .emergencyStop(typed: "STOP") }
        store.send(.keyPressed(.enter), effects: [.send(.emergencyStop)]) {
            $0.modal = nil
            $0.flash = Flash(text: "EMERGENCY STOP sent", severity: .error, until: Fixtures.at(106))
        }
    }

    func testEmergencyStopEscapeSendsNothing() {
        let store = TestStore(running())
        store.send(key("E")) { $0.modal = .emergencyStop(typed: "") }
        store.send(.keyPressed(.escape)) {
            $0.modal = nil
            $0.flash = Flash(text: "emergency stop not sent", severity: .info, until: Fixtures.at(106))
        }
    }

    func testQuitIsImmediateWhenIdleAndAsksDuringAnExecution() {
        TestStore(running()).send(key("q"), effects: [.quit])
        let store = TestStore(Fixtures.busyState())
        store.send(key("q")) { $0.modal = .confirm(.quitDuringExecution, yes: false) }
        store.send(key("n")) { $0.modal = nil }
        store.send(.keyPressed(.ctrl("c"))) { $0.modal = .confirm(.quitDuringExecution, yes: false) }
        store.send(key("y"), effects: [.quit]) { $0.modal = nil }
    }

    func testResumeOnlyWhenHaltedAndAsks() {
        var s = running()
        s.status = Fixtures.status(.halted, halt: "emergency stop by operator")
        let store = TestStore(s)
        store.send(key("R")) { $0.modal = .confirm(.resume, yes: false) }
        store.send(key("y"), effects: [.send(.resume)]) {
            $0.modal = nil
            $0.flash = Flash(text: "resuming", severity: .info, until: Fixtures.at(106))
        }
    }

    func testCancelAsksOnlyWithATransactionInFlightAndDefaultsToNo() throws {
        TestStore(running()).send(key("c")) {
            $0.flash = Flash(text: "no transaction in flight to cancel", severity: .info, until: Fixtures.at(106))
        }
        let busy = Fixtures.busyState()
        let id = try XCTUnwrap(busy.execution?.id)
        let store = TestStore(busy)
        store.send(key("c")) { $0.modal = .confirm(.cancelTransaction(executionID: id), yes: false) }
        store.send(.keyPressed(.enter)) { $0.modal = nil }
        store.send(key("c")) { $0.modal = .confirm(.cancelTransaction(executionID: id), yes: false) }
        store.send(key("y"), effects: [.send(.cancelTransaction(executionID: id))]) {
            $0.modal = nil
            $0.flash = Flash(text: "cancellation requested: sent at the next stuck check", severity: .warning, until: busy.now.addingTimeInterval(6))
        }
    }

    func testFocusKeys() {
        let store = TestStore(running())
        store.send(.keyPressed(.tab)) { $0.focus = .opportunities }
        store.send(.keyPressed(.tab)) { $0.focus = .execution }
        store.send(.keyPressed(.backTab)) { $0.focus = .opportunities }
        store.send(key("4")) { $0.focus = .errors }
        store.send(key("1")) { $0.focus = .scheduler }
        store.send(key("l")) { $0.view = .eventLog }
        store.send(key("3")) { $0.focus = .execution; $0.view = .dashboard }
    }

    func testMovingTheSelection() {
        var s = Fixtures.busyState()
        s.focus = .opportunities
        let store = TestStore(s)
        XCTAssertEqual(s.opportunityOrder, [Fixtures.id(3), Fixtures.id(2), Fixtures.id(1)])
        XCTAssertEqual(s.selectedOpportunity, Fixtures.id(1))
        store.send(key("k")) { $0.selectedOpportunity = Fixtures.id(2) }
        store.send(.keyPressed(.up)) { $0.selectedOpportunity = Fixtures.id(3) }
        store.send(.keyPressed(.up))
        store.send(key("G")) { $0.selectedOpportunity = Fixtures.id(1) }
        store.send(key("j"))
        store.send(key("4")) { $0.focus = .errors }
        store.send(key("j")) { $0.selectedError = 1 }
        store.send(key("j"))
        store.send(key("g")) { $0.selectedError = 0 }
    }

    func testSortCyclesColumnsAndReverses() {
        let store = TestStore(Fixtures.busyState())
        store.send(key("o")) {
            $0.sort = OpportunitySort(column: .route, ascending: false)
            $0.opportunityOrder = [Fixtures.id(2), Fixtures.id(1), Fixtures.id(3)]
            $0.flash = Flash(text: "sorted by route", severity: .info, until: Fixtures.at(71))
        }
        store.send(key("O")) {
            $0.sort.ascending = true
            $0.opportunityOrder = [Fixtures.id(3), Fixtures.id(1), Fixtures.id(2)]
        }
    }

    func testFilterNarrowsRowsAndEscapeClears() {
        let store = TestStore(Fixtures.busyState())
        store.send(key("/")) { $0.filterEditing = true }
        store.send(key("w")) { $0.filter = "w" } // every route has a w (Moonwell, wallet)
        store.send(key("a")) {
            $0.filter = "wa"
            $0.opportunityOrder = [Fixtures.id(2)]
            $0.selectedOpportunity = Fixtures.id(2)
        }
        store.send(.keyPressed(.backspace)) {
            $0.filter = "w"
            $0.opportunityOrder = [Fixtures.id(3), Fixtures.id(2), Fixtures.id(1)]
        }
        store.send(key("a")) { $0.filter = "wa"; $0.opportunityOrder = [Fixtures.id(2)] }
        store.send(.keyPressed(.enter)) { $0.filterEditing = false }
        XCTAssertEqual(store.state.filter, "wa")
        // Keys act as commands again once the filter is kept.
        store.send(key("2")) { $0.focus = .opportunities }
        store.send(key("/")) { $0.filterEditing = true }
        store.send(.keyPressed(.escape)) {
            $0.filterEditing = false
            $0.filter = ""
            $0.opportunityOrder = [Fixtures.id(3), Fixtures.id(2), Fixtures.id(1)]
        }
    }

    func testHelpOpensAndAnyKeyCloses() {
        let store = TestStore(running())
        store.send(key("?")) { $0.modal = .help(scroll: 0) }
        store.send(key("j")) { $0.modal = .help(scroll: 1) }
        store.send(key("x")) { $0.modal = nil } // closes; does not stop the scheduler
    }

    func testEnterShowsTheWholeError() {
        var s = Fixtures.busyState()
        s.focus = .errors
        s.selectedError = 1
        TestStore(s).send(.keyPressed(.enter)) {
            $0.modal = .details(title: "Error from chain", lines: [
                "at 2026-11-18T11:07:43.000Z", "",
                "rpc timeout after 10s calling eth_getBalance on https://base.example/rpc; retrying"], scroll: 0)
        }
    }

    func testUnboundKeysChangeNothing() {
        let store = TestStore(running())
        for c in "zZ!@" { store.send(key(c)) }
        store.send(.keyPressed(.function(5)))
    }

    func testTickMovesTimeAndExpiresTheFlash() {
        var s = running()
        s.flash = Flash(text: "hi", severity: .info, until: Fixtures.at(105))
        let store = TestStore(s)
        store.send(.tick(Fixtures.at(104))) { $0.now = Fixtures.at(104) }
        store.send(.tick(Fixtures.at(105))) { $0.now = Fixtures.at(105); $0.flash = nil }
        store.send(.resized(Size(width: 120, height: 40))) { $0.size = Size(width: 120, height: 40) }
    }
}
