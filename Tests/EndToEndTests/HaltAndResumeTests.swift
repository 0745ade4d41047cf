import Foundation
import MammonCore
@_spi(EngineWriter) import Store
import XCTest

/// A halt (breaker or emergency stop) survives restarts of the binary until `mammon resume`.
final class HaltAndResumeTests: XCTestCase {
    func testHaltedDatabaseRefusesToScanUntilResumed() throws {
        let bin = try BuiltBinary.require()
        let dir = NSTemporaryDirectory() + "mammon-halt-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/sim.sqlite"
        var breaker = BreakerState()
        _ = breaker.recordFailure("rpc down", at: Date(), policy: BreakerPolicy(maxConsecutiveFailures: 1))
        try AppDatabase.open(path: db).commit([.schedulerState(PersistedSchedulerState(
            state: .halted, haltReason: "circuit breaker: 1 consecutive cycle failures (last: rpc down)", breakerState: breaker, updatedAt: Date()))], events: [])

        let halted = try bin.run(["--no-ui", "--once", "--db", db])
        XCTAssertEqual(halted.status, 1, "a halted engine does not scan")
        XCTAssertTrue(halted.stdout.contains("not scanning: halted (circuit breaker"), halted.stdout)
        XCTAssertFalse(halted.stdout.contains("\"type\":\"scan.started\""))

        let resumed = try bin.run(["resume", "--db", db])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("was halted (circuit breaker"), resumed.stdout)
        let status = try JSONSerialization.jsonObject(with: Data(try bin.run(["status", "--json", "--db", db]).stdout.utf8)) as! [String: Any]
        XCTAssertEqual((status["status"] as! [String: Any])["state"] as? String, "stopped")

        XCTAssertEqual(try bin.run(["--no-ui", "--once", "--db", db]).status, 0)
    }
}
