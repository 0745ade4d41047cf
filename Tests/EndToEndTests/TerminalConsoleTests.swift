import Foundation
import XCTest

/// The real console in a real terminal (tmux) on the simulated network: keys in, the screen read
/// back, and the engine's database checked for what the keys asked.
final class TerminalConsoleTests: XCTestCase {
    /// A console in manual approval mode, after its first scan has found something to approve.
    func consoleWithApprovals() throws -> TerminalSession {
        let t = try TerminalSession()
        try t.startConsole()
        t.waitFor("awaiting approval")
        return t
    }

    func pendingApprovals(_ t: TerminalSession) throws -> Int { try t.status()["pending_approvals"] as? Int ?? -1 }

    func testApproveShowsTheMoveThenItsStepsAndTheEngineExecutesIt() throws {
        let t = try consoleWithApprovals()
        let before = try pendingApprovals(t)
        XCTAssertGreaterThan(before, 0)
        try t.type("a")
        t.waitForAll(["Approve this move?", "Move 1,000.00 USDC", "from", "to", "withdraw gas", "gas price now", "Net gain",
                      "Break-even", "Gates", "[ Cancel (Esc) ]"])
        try t.press("Enter") // the default is Cancel: nothing happens
        t.waitUntil("the dialog to close") { !$0.contains("Approve this move?") }
        XCTAssertEqual(try pendingApprovals(t), before)
        XCTAssertTrue(try t.history().isEmpty)

        try t.type("a")
        t.waitFor("Approve this move?")
        try t.type("y")
        t.waitFor("IN FLIGHT")
        t.waitForAll(["✓ done", "✓ validation", "✓ balance check", "✓ approve", "✓ deposit", "✓ verification", "✓ executed"])
        t.eventually("the execution in the history") {
            let last = try t.history().first
            let execution = last?["execution"] as? [String: Any]
            let steps = (last?["steps"] as? [[String: Any]])?.compactMap { $0["status"] as? String } ?? []
            return execution?["status"] as? String == "succeeded" && !steps.isEmpty && steps.allSatisfy { $0 == "succeeded" }
        }
        XCTAssertEqual(try pendingApprovals(t), before - 1)
    }

    func testAReopenedConsoleShowsWhatHappenedBeforeInItsLog() throws {
        let t = try TerminalSession()
        try t.startConsole(env: ["APPROVAL_MODE": "auto"])
        t.waitFor("✓ done")
        t.eventually("both executions finished") {
            let statuses = try t.history().compactMap { ($0["execution"] as? [String: Any])?["status"] as? String }
            return statuses == ["succeeded", "succeeded"]
        }
        try t.type("q")
        t.waitFor("[exit 0, tty restored]")
        _ = try t.tmux(["kill-server"])

        try t.startConsole(arguments: ["--stopped"])
        t.waitFor("■ STOPPED")
        try t.type("l")
        t.waitForAll(["execution succeeded", "console opened: the lines above are from the database"])
        // The portfolio's scorecard: the moves with the gate verdicts they were decided on (read just
        // after the console's first frame), and their transactions.
        try t.resize(200, 60)
        try t.type("p")
        try t.press("Enter")
        let expanded = t.waitForAll(["decided: ", "deposit   0x"])
        XCTAssertFalse(expanded.contains("no longer in the log"), expanded)
        XCTAssertTrue(expanded.contains("break-even"), expanded)
        try t.type("q")
        t.waitFor("[exit 0, tty restored]")
    }

    func testDeclineResolvesTheApproval() throws {
        let t = try consoleWithApprovals()
        let before = try pendingApprovals(t)
        try t.type("2")
        try t.type("d")
        t.waitFor("declined")
        t.eventually("one approval fewer pending") { try self.pendingApprovals(t) == before - 1 }
        XCTAssertTrue(try t.history().isEmpty, "a decline executes nothing")
    }

    func testRunOnceStartAndStopWithItsQuestion() throws {
        let t = try TerminalSession()
        try t.startConsole(env: ["APPROVAL_MODE": "auto"], arguments: ["--stopped"])
        t.waitFor("scans 0")
        try t.type("r")
        t.waitFor("scans 1")
        t.eventually("one scan in the database") {
            (try t.status()["status"] as? [String: Any])?["total_scans"] as? Int == 1
        }
        XCTAssertEqual(try t.schedulerState(), "stopped", "run once does not start the scheduler")

        try t.type("s")
        t.waitFor("● RUNNING")
        t.eventually("the scheduler running in the database") { try t.schedulerState() == "running" }
        try t.type("x")
        t.waitFor("Stop the scheduler?")
        try t.press("Enter") // the default answer is No
        t.waitUntil("the dialog to close") { !$0.contains("Stop the scheduler?") }
        XCTAssertEqual(try t.schedulerState(), "running")
        try t.type("x")
        t.waitFor("Stop the scheduler?")
        try t.type("y")
        t.waitFor("■ STOPPED")
        t.eventually("stopped in the database") { try t.schedulerState() == "stopped" }
    }

    func testEmergencyStopNeedsTheWordThenHaltsAndCancelsApprovals() throws {
        let t = try consoleWithApprovals()
        try t.type("E")
        t.waitFor("EMERGENCY STOP")
        try t.type("STO")
        try t.press("Enter") // not the word: still open
        t.waitFor("type STOP exactly")
        XCTAssertEqual(try t.schedulerState(), "running")
        try t.type("P")
        try t.press("Enter")
        t.waitFor("▲ HALTED")
        t.eventually("halted with no pending approvals") {
            try t.schedulerState() == "halted" && self.pendingApprovals(t) == 0
        }
        try t.type("s") // start is refused while halted
        t.waitFor("halted: press R to resume first")
        try t.type("R")
        t.waitFor("Resume after a halt?")
        try t.type("y")
        t.waitFor("■ STOPPED")
        t.eventually("resumed (stopped) in the database") { try t.schedulerState() == "stopped" }
    }

    func testHelpOverlayAndResizeReflow() throws {
        let t = try consoleWithApprovals()
        try t.type("?")
        t.waitForAll(["Keys", "start the scheduler", "emergency stop", "focus Opportunities", "↓"])
        try t.type("z")
        t.waitUntil("help to close") { !$0.contains("any other key closes") }

        try t.resize(60, 20)
        t.waitUntil("the tab layout") { $0.contains("1 Scheduler") && $0.contains("2 Opportunities") && !$0.contains("┌ 4 Errors") }
        try t.type("2")
        t.waitFor("┌ 2 Opportunities")
        try t.resize(30, 10)
        t.waitFor("terminal too small: 30×10")
        try t.resize(120, 40)
        t.waitUntil("four panes again") { s in ["1 Scheduler", "2 Opportunities", "3 Execution", "4 Errors"].allSatisfy { s.contains("┌ \($0)") } }
    }

    func testQuitDuringAnExecutionAsksAndTheStepFinishes() throws {
        let t = try TerminalSession()
        try t.startConsole(env: ["MAMMON_SIM_BLOCK_SECONDS": "2"])
        t.waitFor("awaiting approval")
        try t.type("a")
        t.waitFor("Approve this move?")
        try t.type("y")
        t.waitFor("IN FLIGHT")
        try t.type("q")
        t.waitFor("Quit while an execution runs?")
        try t.press("Enter") // No
        t.waitUntil("the question to close") { !$0.contains("Quit while") }
        try t.type("q")
        t.waitFor("Quit while an execution runs?")
        try t.type("y")
        t.waitFor("[exit 0, tty restored]")
        let last = try XCTUnwrap(t.history().first)
        XCTAssertEqual((last["execution"] as? [String: Any])?["status"] as? String, "succeeded", "no step left half done")
        XCTAssertEqual(try t.schedulerState(), "stopped")
    }

    func testQuitWhenIdleIsImmediateAndRestoresTheTerminal() throws {
        let t = try TerminalSession()
        try t.startConsole(arguments: ["--stopped"])
        t.waitFor("■ STOPPED")
        try t.type("q")
        let after = t.waitFor("[exit 0, tty restored]")
        XCTAssertFalse(after.contains("┌"), "the console's screen is gone:\n\(after)")
    }
}
