import Foundation
import XCTest

/// The console as an operator uses it: `ssh -tt` into a real sshd on 127.0.0.1, inside a terminal.
final class SSHConsoleTests: XCTestCase {
    func testOverSSHApproveThenADroppedConnectionShutsDownInOrder() throws {
        let server = try SSHServer()
        let t = try TerminalSession(width: 100, height: 30)
        let pidFile = t.dir.appendingPathComponent("remote.pid").path
        let console = t.mammonCommand().map(TerminalSession.shellQuote).joined(separator: " ")
        try t.start(server.sshCommand("echo $$ > \(pidFile); exec \(console)"))
        t.waitFor("awaiting approval")

        try t.type("a")
        t.waitForAll(["Approve this move?", "Gates", "Net gain"])
        try t.type("y")
        t.waitFor("✓ done")
        t.eventually("the approved execution in the database") {
            ((try t.history().first?["execution"] as? [String: Any])?["status"] as? String) == "succeeded"
        }
        try t.type("?")
        t.waitFor("start the scheduler")
        try t.press("Escape")

        // The laptop's connection drops: sshd hangs up the session, the console gets SIGHUP.
        let remote = try XCTUnwrap(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(kill(remote, 0), 0, "mammon runs under sshd")
        XCTAssertEqual(kill(try t.pid(), SIGKILL), 0)
        let deadline = Date().addingTimeInterval(20)
        while kill(remote, 0) == 0 && Date() < deadline { usleep(50_000) }
        XCTAssertNotEqual(kill(remote, 0), 0, "mammon exited after the hang-up")
        t.eventually("the scheduler stopped in order, not left running") { try t.schedulerState() == "stopped" }
        XCTAssertTrue(try t.history().allSatisfy { ($0["execution"] as? [String: Any])?["status"] as? String != "running" })
        _ = server
    }
}
