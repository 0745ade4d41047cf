import Foundation
import Store
import XCTest

/// One engine per database: a second start is refused naming the first, changes nothing, and the
/// read-only commands keep working beside the running engine.
final class EngineLockTests: XCTestCase {
    private var scratchFolders: [String] = []

    override func tearDown() {
        for folder in scratchFolders { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// A fresh folder for this test (with `creating`, that subfolder too), removed after it.
    private func scratch(_ name: String, creating subfolder: String = "") throws -> String {
        let dir = NSTemporaryDirectory() + "mammon-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + subfolder, withIntermediateDirectories: true)
        scratchFolders.append(dir)
        return dir
    }

    func testASecondEngineOnTheSameDatabaseIsRefusedAndChangesNothing() throws {
        let bin = try BuiltBinary.require()
        let dir = try scratch("lock")
        let db = dir + "/s.sqlite"
        let first = try RunningEngine(bin, arguments: ["--db", db])
        let eventsBefore = try AppDatabase.openReadOnly(path: db).events(after: 0, limit: 100_000).count

        let second = try bin.run(["--no-ui", "--once", "--db", db])
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.stderr.contains("another engine is already running for database \(db): pid \(first.pid) (running since "),
                      second.stderr)
        XCTAssertTrue(second.stdout.isEmpty, "the refused engine published nothing: \(second.stdout)")
        // Reading works beside the engine (emergency-stop and resume ask the engine itself: see below).
        for command in [["status", "--db", db], ["history", "--db", db], ["markets", "--db", db]] {
            let r = try bin.run(command)
            XCTAssertEqual(r.status, 0, "\(command): \(r.stderr)")
        }
        // status names the running engine (from its lock) and where consoles attach.
        let status = try bin.run(["status", "--json", "--db", db])
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        XCTAssertTrue((report["engine_process"] as? String)?.hasPrefix("pid \(first.pid) (running since ") == true, "\(report)")
        let sockets = try XCTUnwrap(report["sockets"] as? [String: Any])
        XCTAssertEqual(sockets["control"] as? String, db + ".control.sock")
        XCTAssertEqual(sockets["observer"] as? String, db + ".observe.sock")
        XCTAssertEqual(sockets["listening"] as? Bool, true)
        let eventsAfter = try AppDatabase.openReadOnly(path: db).events(after: 0, limit: 100_000).count
        XCTAssertEqual(eventsAfter, eventsBefore, "nothing beside the running engine wrote to its database")

        let stopped = first.stop()
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        // The lock died with its process: the next start runs.
        let next = try bin.run(["--no-ui", "--once", "--db", db])
        XCTAssertEqual(next.status, 0, next.stderr)
    }

    func testTheSameDatabaseThroughASymlinkIsTheSameLock() throws {
        let bin = try BuiltBinary.require()
        let dir = try scratch("symlink", creating: "/real")
        let db = dir + "/real/s.sqlite"
        let first = try RunningEngine(bin, arguments: ["--db", db])
        // A link to the file, and a link to its folder: each spelling was a lock of its own.
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.sqlite", withDestinationPath: db)
        try FileManager.default.createSymbolicLink(atPath: dir + "/folder", withDestinationPath: dir + "/real")
        for spelling in [dir + "/link.sqlite", dir + "/folder/s.sqlite", dir + "/real/../real/s.sqlite"] {
            let second = try bin.run(["--no-ui", "--once", "--db", spelling])
            XCTAssertNotEqual(second.status, 0, "\(spelling) ran beside the engine on \(db)")
            XCTAssertTrue(second.stderr.contains("another engine is already running for database \(spelling): pid \(first.pid)"), second.stderr)
            XCTAssertTrue(second.stdout.isEmpty, second.stdout)
        }
        // The emergency stop through a link reaches the engine started on the file it names.
        let halt = try bin.run(["emergency-stop", "--db", dir + "/link.sqlite"])
        XCTAssertEqual(halt.status, 0, halt.stderr)
        XCTAssertTrue(halt.stdout.contains("latched by the running engine (pid \(first.pid)"), halt.stdout)
        let stopped = first.stop()
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
    }

    /// The operator's panic button works on a running engine (a service, reached over SSH): the command
    /// asks the engine over its control socket; the engine halts, records it, and keeps running halted.
    func testEmergencyStopBesideARunningEngineHaltsThatEngine() throws {
        let bin = try BuiltBinary.require()
        let dir = try scratch("estop")
        let db = dir + "/s.sqlite"
        let engine = try RunningEngine(bin, arguments: ["--db", db])
        XCTAssertEqual(try AppDatabase.openReadOnly(path: db).schedulerState()?.emergencyStop, false)

        let halt = try bin.run(["emergency-stop", "--db", db])
        XCTAssertEqual(halt.status, 0, halt.stderr)
        XCTAssertTrue(halt.stdout.contains("emergency stop latched by the running engine (pid \(engine.pid) (running since "), halt.stdout)
        let state = try XCTUnwrap(AppDatabase.openReadOnly(path: db).schedulerState())
        XCTAssertTrue(state.emergencyStop)
        XCTAssertEqual(state.state, "halted")
        XCTAssertTrue(engine.process.isRunning, "the engine halts; it does not exit")
        // Pressed twice: the engine refuses (already stopped), and the command still says it holds.
        let again = try bin.run(["emergency-stop", "--db", db])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("already emergency-stopped"), again.stdout)

        let stopped = engine.stop()
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        XCTAssertTrue(stopped.types.contains("scheduler.halted"), "\(stopped.types)")
        XCTAssertTrue(stopped.types.contains("command.handled"), "\(stopped.types)")
        // Latched: the next start runs no cycle until `mammon resume`.
        let next = try bin.run(["--no-ui", "--once", "--db", db])
        XCTAssertEqual(next.status, 1, next.stderr)
        XCTAssertFalse(next.stdout.contains("\"scan.started\""), next.stdout)
    }

    /// Resume from the command line beside a running engine: the engine resumes itself, as from its
    /// console, and the database shows it; a second resume has nothing to do.
    func testResumeBesideARunningEngineAsksThatEngine() throws {
        let bin = try BuiltBinary.require()
        let dir = try scratch("resume")
        let db = dir + "/s.sqlite"
        let engine = try RunningEngine(bin, arguments: ["--db", db])
        let halt = try bin.run(["emergency-stop", "--db", db])
        XCTAssertEqual(halt.status, 0, halt.stderr)
        XCTAssertEqual(try AppDatabase.openReadOnly(path: db).schedulerState()?.state, "halted")

        let resume = try bin.run(["resume", "--db", db])
        XCTAssertEqual(resume.status, 0, resume.stderr)
        XCTAssertTrue(resume.stdout.contains("resumed by the running engine (pid \(engine.pid) (running since "), resume.stdout)
        let state = try XCTUnwrap(AppDatabase.openReadOnly(path: db).schedulerState())
        XCTAssertNotEqual(state.state, "halted")
        XCTAssertFalse(state.emergencyStop)
        let again = try bin.run(["resume", "--db", db])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("not halted"), again.stdout)

        let stopped = engine.stop()
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        XCTAssertTrue(stopped.types.contains("scheduler.resumed"), "\(stopped.types)")
    }

    func testADatabaseRecordsItsChainAndWalletAtCreation() throws {
        let bin = try BuiltBinary.require()
        let dir = try scratch("identity")
        let db = dir + "/s.sqlite"
        let made = try bin.run(["--no-ui", "--once", "--db", db])
        XCTAssertEqual(made.status, 0, made.stderr)
        let identity = try XCTUnwrap(AppDatabase.openReadOnly(path: db).identity())
        XCTAssertEqual(identity.chainID, "simulated")
        XCTAssertEqual(identity.network, "simulated")
        XCTAssertTrue(identity.wallet.hasPrefix("0x") && identity.wallet.count == 42, identity.wallet)
    }

    func testTheDefaultDatabaseNameCannotLeaveTheDataDirectory() throws {
        let bin = try BuiltBinary.require()
        let dir = try scratch("path", creating: "/data/x")
        // A network file named "../../escaped": the default database was $XDG_DATA_HOME/mammon/../../escaped.sqlite.
        let network = dir + "/net.json"
        try #"{"name": "../../escaped", "chain_id": 31337, "rpc_urls": ["http://127.0.0.1:9"], "usdc": "0x0000000000000000000000000000000000000001", "eth_usd_feed": "0x0000000000000000000000000000000000000002", "markets": []}"#
            .write(toFile: network, atomically: true, encoding: .utf8)
        let r = try bin.run(["--no-ui", "--once", "--network-file", network], environment: ["XDG_DATA_HOME": dir + "/data/x"])
        XCTAssertNotEqual(r.status, 0, "no keystore: it stops, after taking the database's lock")
        let inside = try FileManager.default.contentsOfDirectory(atPath: dir + "/data/x/mammon")
        XCTAssertEqual(inside, ["_._.._escaped.sqlite.lock"], "the lock of the default database, inside the data directory")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/data/escaped.sqlite.lock"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/data/escaped.sqlite"))
    }
}
