import Foundation
import TestSupport
import XCTest

/// The engine as a service (a headless process, as systemd runs it) and consoles that attach to it in
/// real terminals, locally and over the real sshd: they command, observe, detach, lose their
/// connection, and never hold the engine back.
final class ServiceConsoleTests: XCTestCase {
    /// `mammon console --db …` with the session's clean environment.
    func attach(_ t: TerminalSession, database: String, readOnly: Bool = false) -> [String] {
        var command = t.mammonCommand()
        let binary = command.firstIndex(of: t.binary.url.path)!
        command = Array(command[...binary]) + ["console", "--db", database] + (readOnly ? ["--read-only"] : [])
        return command
    }

    func service(_ database: String, blockSeconds: String = "1") throws -> RunningEngine {
        try RunningEngine(try BuiltBinary.require(), arguments: ["--db", database],
                          environment: ["APPROVAL_MODE": "manual", "MAMMON_SIM_BLOCK_SECONDS": blockSeconds])
    }

    func testTwoConsolesAttachApproveFromOneTheOtherSeesItAnObserverIsRefusedAndQDetaches() throws {
        let one = try TerminalSession(width: 120, height: 32), two = try TerminalSession(width: 120, height: 32),
            observer = try TerminalSession(width: 120, height: 32)
        let engine = try service(one.database)
        defer { _ = engine.stop() }
        try one.start(attach(one, database: one.database))
        try two.start(attach(two, database: one.database))
        try observer.start(attach(observer, database: one.database, readOnly: true))
        for t in [one, two, observer] { t.waitFor("awaiting approval") }
        observer.waitFor("read-only")

        try one.type("a")
        one.waitForAll(["Approve this move?", "Gates"])
        try one.type("y")
        two.waitFor("accepted: approved")
        two.waitFor("✓ done")

        // The observer's approve reaches the engine, which refuses it by the socket it came through.
        try observer.type("a")
        observer.waitForAll(["Approve this move?", "Gates"])
        try observer.type("y")
        observer.waitFor("refused by the engine: read-only")
        XCTAssertEqual(try one.history().count, 1, "one execution: the observer's approval changed nothing")

        // q in an attached console detaches; the engine keeps running.
        try two.type("q")
        two.waitFor("detached; the engine keeps running")
        XCTAssertEqual(kill(engine.pid, 0), 0, "the engine still runs")
        XCTAssertEqual(try one.schedulerState(), "running")
    }

    func testSSHDroppedMidExecutionTheEngineFinishesAndKeepsScanning() throws {
        let server = try SSHServer()
        let t = try TerminalSession(width: 110, height: 30)
        let engine = try service(t.database, blockSeconds: "2")
        defer { _ = engine.stop() }
        let pidFile = t.dir.appendingPathComponent("remote.pid").path
        let console = attach(t, database: t.database).map(TerminalSession.shellQuote).joined(separator: " ")
        try t.start(server.sshCommand("echo $$ > \(pidFile); exec \(console)"))
        t.waitFor("awaiting approval")
        try t.type("a")
        t.waitForAll(["Approve this move?", "Gates"])
        try t.type("y")
        t.waitFor("IN FLIGHT")

        // The laptop's connection drops mid-execution: the attached console dies with it, the engine does not.
        let remote = try XCTUnwrap(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(kill(try t.pid(), SIGKILL), 0)
        t.eventually("the remote console exited after the hang-up") { kill(remote, 0) != 0 }
        t.eventually("the execution finished in the engine", timeout: 60) {
            ((try t.history().first?["execution"] as? [String: Any])?["status"] as? String) == "succeeded"
        }
        XCTAssertEqual(kill(engine.pid, 0), 0)
        XCTAssertEqual(try t.schedulerState(), "running")
        // And it keeps scanning: a scan asked through the socket runs.
        let scansBefore = (try t.status()["status"] as? [String: Any])?["total_scans"] as? Int ?? 0
        let answer = try SocketProbe.command("run_once", socket: t.database + ".control.sock")
        XCTAssertEqual(answer["accepted"] as? Bool, true, "\(answer)")
        t.eventually("another scan ran") { ((try t.status()["status"] as? [String: Any])?["total_scans"] as? Int ?? 0) > scansBefore }
        _ = server
    }

    func testTheEngineKilledAndRestartedTheConsoleSaysOfflineThenReconnects() throws {
        let t = try TerminalSession(width: 110, height: 30)
        var engine = try service(t.database)
        try t.start(attach(t, database: t.database))
        t.waitFor("awaiting approval")
        _ = engine.stop(SIGKILL)
        t.waitFor("engine offline since")
        engine = try service(t.database)
        defer { _ = engine.stop() }
        try t.type("l")
        t.waitFor("reconnected to the engine")
        t.waitFor("scheduler started")
        XCTAssertFalse(t.screen().contains("engine offline since"), t.screen())
    }

    func testAConsoleThatStopsReadingDoesNotDelayTheEngine() throws {
        let t = try TerminalSession(width: 110, height: 30)
        let engine = try service(t.database)
        defer { _ = engine.stop() }
        try t.start(attach(t, database: t.database))
        t.waitFor("awaiting approval")
        let console = try t.pid()
        XCTAssertEqual(kill(console, SIGSTOP), 0)
        defer { kill(console, SIGCONT) }
        let scansBefore = (try t.status()["status"] as? [String: Any])?["total_scans"] as? Int ?? 0
        for _ in 0..<3 {
            let before = (try t.status()["status"] as? [String: Any])?["total_scans"] as? Int ?? 0
            let answer = try SocketProbe.command("run_once", socket: t.database + ".control.sock")
            XCTAssertEqual(answer["accepted"] as? Bool, true, "\(answer)")
            t.eventually("the scan ran with the console stopped") { ((try t.status()["status"] as? [String: Any])?["total_scans"] as? Int ?? 0) > before }
        }
        let scansAfter = (try t.status()["status"] as? [String: Any])?["total_scans"] as? Int ?? 0
        XCTAssertEqual(scansAfter, scansBefore + 3)
    }
    /// An observer console started under setsid (no controlling terminal, so no SIGHUP) whose tmux
    /// session is killed: EOF on its terminal is its end. It exits within seconds and never grows
    /// meanwhile (before, it spun at 40-80 % CPU and grew by ~50 MB/s).
    func testAConsoleUnderSetsidWhoseTerminalIsKilledExitsAndNeverGrows() throws {
        let t = try TerminalSession(width: 110, height: 30)
        let engine = try service(t.database)
        defer { _ = engine.stop() }
        try t.start(["setsid"] + attach(t, database: t.database, readOnly: true))
        t.waitFor("awaiting approval")
        let console = try t.pid()
        XCTAssertEqual(Self.state(of: console)?.session, console, "the console leads its own session (setsid did not fork)")
        let before = try XCTUnwrap(Self.state(of: console)?.rssKB)
        _ = try t.tmux(["kill-server"])
        var largest = before
        let deadline = Date().addingTimeInterval(10)
        while let state = Self.state(of: console), state.alive, Date() < deadline {
            largest = max(largest, state.rssKB)
            usleep(50_000)
        }
        XCTAssertFalse(Self.state(of: console)?.alive ?? false, "the console still runs 10 s after its terminal went away")
        XCTAssertLessThan(largest - before, 16 * 1024, "the console grew from \(before) kB to \(largest) kB after its terminal went away")
        XCTAssertEqual(kill(engine.pid, 0), 0, "the engine still runs")
    }

    /// Under systemd (`$RUNTIME_DIRECTORY`) the sockets live in the runtime directory, where an observer
    /// group can reach them (the state directory is 0700); status and consoles find them from --db.
    func testUnderSystemdTheSocketsAreInTheRuntimeDirectoryAndFoundFromTheDatabase() throws {
        let t = try TerminalSession(width: 110, height: 30)
        let runtime = t.dir.appendingPathComponent("run").path
        XCTAssertEqual(mkdir(runtime, 0o711), 0)
        let env = ["RUNTIME_DIRECTORY": runtime]
        let engine = try RunningEngine(try BuiltBinary.require(), arguments: ["--db", t.database],
                                       environment: ["APPROVAL_MODE": "manual", "MAMMON_SIM_BLOCK_SECONDS": "1"].merging(env) { $1 })
        defer { _ = engine.stop() }
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.database + ".control.sock"), "not beside the database")
        let files = try FileManager.default.contentsOfDirectory(atPath: runtime).sorted()
        XCTAssertEqual(files.count, 2, "\(files)")
        XCTAssertTrue(files.allSatisfy { $0.hasPrefix("engine-") && $0.hasSuffix(".sock") }, "\(files)")
        for file in files {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: runtime + "/" + file)[.posixPermissions] as? Int)
            XCTAssertEqual(mode, 0o600, file)
        }

        let status = try t.binary.run(["status", "--json", "--db", t.database], environment: env)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stderr)
        let sockets = try XCTUnwrap(report["sockets"] as? [String: Any])
        let control = try XCTUnwrap(sockets["control"] as? String)
        XCTAssertTrue(control.hasPrefix(runtime + "/engine-") && control.hasSuffix(".control.sock"), control)
        XCTAssertEqual(sockets["listening"] as? Bool, true)
        XCTAssertEqual(try SocketProbe.command("run_once", socket: control)["accepted"] as? Bool, true)

        var command = t.mammonCommand(env: env)
        let binary = command.firstIndex(of: t.binary.url.path)!
        command = Array(command[...binary]) + ["console", "--db", t.database, "--read-only"]
        try t.start(command)
        t.waitFor("read-only")
        t.waitFor("awaiting approval")
    }

    /// A process's session, resident memory and whether it still runs (a zombie does not), from /proc.
    static func state(of pid: Int32) -> (alive: Bool, session: Int32, rssKB: Int)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        guard fields.count > 3, let session = Int32(fields[3]) else { return nil }
        return (fields[0] != "Z" && fields[0] != "X", session, rss)
    }
}
