import Foundation
import XCTest

/// HEARTBEAT_URL: one GET after each successful cycle, to a receiver on 127.0.0.1; a failing
/// receiver is a notice and never fails the cycle; the URL's token never appears in the output.
final class HeartbeatURLTests: XCTestCase {
    let token = "5b1c0e7a-heartbeat-token"

    func temporaryDatabase() throws -> (dir: String, db: String) {
        let dir = NSTemporaryDirectory() + "mammon-heartbeat-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (dir, dir + "/h.sqlite")
    }

    func testEachSuccessfulCycleSendsOnePingAndAFailedOneSendsNone() throws {
        let bin = try BuiltBinary.require()
        let (dir, db) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let receiver = try PingReceiver()
        defer { receiver.stop() }
        let env = ["HEARTBEAT_URL": "http://127.0.0.1:\(receiver.port)/ping/\(token)"]

        let runs = try (0..<2).map { _ in try bin.run(["--once", "--db", db], environment: env) }
        for run in runs {
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertFalse(run.stdout.contains(token) || run.stderr.contains(token), "the token was printed")
        }
        XCTAssertTrue(runs[0].stderr.contains("heartbeat: GET http://127.0.0.1:\(receiver.port)/… after each successful cycle"), runs[0].stderr)
        XCTAssertEqual(receiver.requests, Array(repeating: "GET /ping/\(token) HTTP/1.1", count: 2))

        let failed = try bin.run(["--once", "--db", db], environment: env.merging(["MAMMON_SIMULATED_FAULTS": "read-failure"]) { $1 })
        XCTAssertEqual(failed.status, 1, "the cycle failed: \(failed.stderr)")
        XCTAssertEqual(receiver.requests.count, 2, "no ping after a failed cycle")

        for file in [db, db + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            XCTAssertNil(bytes.range(of: Data(token.utf8)), "the token is not in \(file)")
        }
    }

    func testAProxyFromTheEnvironmentIsNeverUsedForThisMachine() throws {
        let bin = try BuiltBinary.require()
        let (dir, db) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let receiver = try PingReceiver()
        defer { receiver.stop() }
        // A proxy nobody answers at: a request that went through it would fail.
        let proxy = "http://127.0.0.1:\(try LocalHTTP.freePort())"
        let env = ["HEARTBEAT_URL": "http://127.0.0.1:\(receiver.port)/ping/\(token)",
                   "http_proxy": proxy, "https_proxy": proxy, "ALL_PROXY": proxy, "all_proxy": proxy]
        let run = try bin.run(["--once", "--db", db], environment: env)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertFalse(run.stderr.contains("failed"), run.stderr)
        XCTAssertEqual(receiver.requests, ["GET /ping/\(token) HTTP/1.1"], "the ping went straight to 127.0.0.1")
    }

    func testAPlainHTTPHeartbeatToAnotherMachineIsRefusedAtStart() throws {
        let bin = try BuiltBinary.require()
        let (dir, db) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try bin.run(["--once", "--db", db], environment: ["HEARTBEAT_URL": "http://hc-ping.example/\(token)"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("HEARTBEAT_URL"), run.stderr)
        XCTAssertFalse(run.stderr.contains(token) || run.stdout.contains(token), "the token was printed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "refused before anything ran")
    }

    func testARefusingOrSilentReceiverIsANoticeAndTheCycleStillSucceeds() throws {
        let bin = try BuiltBinary.require()
        let (dir, db) = try temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let receiver = try PingReceiver(status: 500)
        defer { receiver.stop() }

        let refused = try bin.run(["--once", "--db", db], environment: ["HEARTBEAT_URL": "http://127.0.0.1:\(receiver.port)/\(token)"])
        XCTAssertEqual(refused.status, 0, refused.stderr)
        XCTAssertEqual(receiver.requests.count, 1)
        XCTAssertTrue(refused.stderr.contains("heartbeat http://127.0.0.1:\(receiver.port)/… after cycle 1: HTTP 500"), refused.stderr)

        let nobody = try LocalHTTP.freePort()
        let silent = try bin.run(["--once", "--db", db], environment: ["HEARTBEAT_URL": "http://127.0.0.1:\(nobody)/\(token)"])
        XCTAssertEqual(silent.status, 0, silent.stderr)
        XCTAssertTrue(silent.stderr.contains("heartbeat http://127.0.0.1:\(nobody)/… after cycle 2 failed"), silent.stderr)
        for run in [refused, silent] {
            XCTAssertFalse(run.stdout.contains(token) || run.stderr.contains(token), "the token was printed")
        }
    }
}
