import Foundation
import TestSupport
import XCTest

/// An observer that is another user, a member of OBSERVER_SOCKET_GROUP, as the shipped units set it
/// up: the engine's state directory (its database) is closed to it, its runtime directory (the
/// sockets) is not. Through the observer socket alone its console attaches, catches up (the moves
/// before it came, the approvals waiting, the event log) and then follows live events.
final class ObserverGroupTests: XCTestCase {
    func testAnObserverOfAnotherUserInTheGroupCatchesUpThroughTheSocketAndSeesLiveEvents() throws {
        let observer = try OtherUser.create()
        defer { observer.remove() }
        let t = try TerminalSession(width: 140, height: 40)
        let state = t.dir.appendingPathComponent("state").path, runtime = t.dir.appendingPathComponent("run").path
        XCTAssertEqual(mkdir(state, 0o700), 0)
        XCTAssertEqual(mkdir(runtime, 0o711), 0)
        XCTAssertEqual(chmod(t.dir.path, 0o755), 0)
        let database = state + "/engine.sqlite"
        // The observer runs its own copy of the binary: the build folder may be closed to other users
        // (a clone under `mktemp -d` is 0700), as an operator's checkout would be; an installed mammon is not.
        let observerBinary = t.dir.appendingPathComponent("mammon").path
        try FileManager.default.copyItem(atPath: t.binary.url.path, toPath: observerBinary)
        XCTAssertEqual(chmod(observerBinary, 0o755), 0)
        let engine = try RunningEngine(try BuiltBinary.require(), arguments: ["--db", database], environment: [
            "APPROVAL_MODE": "manual", "MAMMON_SIM_BLOCK_SECONDS": "1", "RUNTIME_DIRECTORY": runtime, "OBSERVER_SOCKET_GROUP": observer.group,
        ])
        defer { _ = engine.stop() }
        let waiting = Self.approvalsRequested(in: engine.stdout)
        XCTAssertEqual(waiting.count, 2, "the first cycle asks for two approvals")
        let files = try FileManager.default.contentsOfDirectory(atPath: runtime)
        let control = runtime + "/" + (try XCTUnwrap(files.first { $0.hasSuffix(".control.sock") }, "\(files)"))
        let observe = runtime + "/" + (try XCTUnwrap(files.first { $0.hasSuffix(".observe.sock") }, "\(files)"))

        // Before the observer comes: one move, approved from the control socket, runs to its end.
        XCTAssertEqual(try SocketProbe.command("approve", id: waiting[0], socket: control)["accepted"] as? Bool, true)
        t.eventually("the first move finished", timeout: 60) {
            let r = try t.binary.run(["history", "--json", "--db", database])
            let entries = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
            return (entries?.first?["execution"] as? [String: Any])?["status"] as? String == "succeeded"
        }
        // The observer cannot read the database: whatever it shows came through the socket.
        XCTAssertNotEqual(try observer.run(["/bin/cat", database]), 0, "the state directory is closed to the observer")

        try t.start(["setpriv", "--reuid=\(observer.uid)", "--regid=\(observer.gid)", "--init-groups", "--",
                     "env", "-i", "PATH=/usr/bin:/bin", "HOME=\(t.dir.path)", "TERM=xterm-256color", "LANG=C.UTF-8",
                     observerBinary, "console", "--socket", observe, "--read-only"])
        // Caught up: the move before it came (the records), the approval waiting (what is current),
        // the read-only badge, and no word of a history it could not read.
        let screen = t.waitForAll(["read-only", "awaiting approval", "none running · last"])
        XCTAssertFalse(screen.contains("cannot read"), screen)
        XCTAssertEqual(kill(try t.pid(), 0), 0)
        XCTAssertEqual(try Self.uid(of: try t.pid()), observer.uid, "the console runs as the observer")

        // Live: the second move, approved elsewhere, runs on the observer's screen.
        XCTAssertEqual(try SocketProbe.command("approve", id: waiting[1], socket: control)["accepted"] as? Bool, true)
        t.waitFor("✓ done", timeout: 60)
    }

    /// The proposals the engine asked approval for, in its JSON lines.
    static func approvalsRequested(in stdout: Data) -> [String] {
        String(decoding: stdout, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  event["type"] as? String == "approval.requested" else { return nil }
            return ((event["request"] as? [String: Any])?["recommendation"] as? [String: Any])?["id"] as? String
        }
    }

    /// The real uid of a process, from /proc.
    static func uid(of pid: Int32) throws -> UInt32 {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("Uid:") } ?? ""
        return UInt32(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "") ?? 0
    }
}

/// A user and its group made for one test (the suite runs as root) and removed after it.
struct OtherUser {
    let name: String
    let group: String
    let uid: UInt32
    let gid: UInt32

    static func create() throws -> OtherUser {
        guard getuid() == 0 else { throw XCTSkip("creating a user needs root") }
        let name = "mammonobs\(UInt32.random(in: 10_000...99_999))"
        guard try run("/usr/sbin/groupadd", [name]) == 0,
              try run("/usr/sbin/useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", "--gid", name, name]) == 0,
              let user = getpwnam(name), let group = getgrnam(name) else {
            throw XCTSkip("cannot create a test user with useradd")
        }
        return OtherUser(name: name, group: name, uid: user.pointee.pw_uid, gid: group.pointee.gr_gid)
    }

    func remove() {
        _ = try? Self.run("/usr/sbin/userdel", [name])
        _ = try? Self.run("/usr/sbin/groupdel", [group])
    }

    /// Runs a program as this user; its exit status.
    func run(_ command: [String]) throws -> Int32 {
        try Self.run("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"] + command)
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 { try QuietProcess.status(tool, arguments) }
}
