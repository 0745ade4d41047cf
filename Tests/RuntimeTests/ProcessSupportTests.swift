import EVM
import Foundation
import MammonCore
import Runtime
import XCTest

/// The small pieces of the engine's process that were reachable only through the binary before.
final class ProcessSupportTests: XCTestCase {
    func secret(_ text: String) -> SecretBytes {
        var bytes = Array(text.utf8)
        return SecretBytes(consuming: &bytes)
    }

    func testAPrivateKeyFileIs64HexDigitsAndItsErrorsNeverEchoTheContent() throws {
        let key = String(repeating: "4a", count: 32)
        for text in [key, "0x" + key, "  \(key)\n", key.uppercased()] {
            let parsed = try PrivateKeyFile.parse(secret(text))
            XCTAssertEqual(parsed.withUnsafeBytes { Array($0) }, Array(repeating: 0x4a, count: 32), text)
        }
        let garbage = String(repeating: "zz", count: 32)
        for text in [String(key.dropLast()), garbage] {
            XCTAssertThrowsError(try PrivateKeyFile.parse(secret(text))) { error in
                XCTAssertTrue(error is UsageError, "\(error)")
                XCTAssertFalse("\(error)".contains("zz"), "the content is never repeated: \(error)")
            }
        }
    }

    func testSystemdSeesOneStatusLineAndTheWatchdogAtHalfItsTimeout() {
        var status = SchedulerStatus(state: .running, haltReason: nil, network: "simulated", walletAddress: "0x1", approvalMode: "auto",
                                     startedAt: nil, lastScanAt: Date(timeIntervalSince1970: 1_800_000_000),
                                     nextScanAt: Date(timeIntervalSince1970: 1_800_014_400), scans: 3)
        XCTAssertEqual(SystemdNotifier.statusLine(status),
                       "running · 3 scans · last scan 2027-01-15 08:00:00 UTC · next scan 2027-01-15 12:00:00 UTC")
        status.state = .halted
        status.haltReason = "circuit breaker"
        status.consecutiveFailures = 3
        XCTAssertEqual(SystemdNotifier.statusLine(status),
                       "halted (circuit breaker) · 3 scans · last scan 2027-01-15 08:00:00 UTC · 3 failed cycle(s) in a row")
        XCTAssertEqual(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "900000000"], pid: 7), 450)
        XCTAssertNil(SystemdNotifier.watchdogInterval(["WATCHDOG_USEC": "900000000", "WATCHDOG_PID": "8"], pid: 7), "another process's watchdog")
        XCTAssertEqual(SystemdNotifier.socketAddress("@notify"), [0] + Array("notify".utf8), "an abstract socket starts with NUL")
        XCTAssertNil(SystemdNotifier.socketAddress("relative/path"))
    }

    func testTheSoakClockStartsWhereAskedAndSkipsItsSleeps() async throws {
        let wall = Date(timeIntervalSince1970: 1_900_000_000)
        XCTAssertNil(TestClock.parse("at=abc"))
        XCTAssertNil(TestClock.parse("at=1,offset=2"), "one origin")
        let shifted = try XCTUnwrap(TestClock.parse("offset=-3600", wall: wall))
        XCTAssertEqual(shifted.now().timeIntervalSince(wall), -3600, accuracy: 5)
        let clock = try XCTUnwrap(TestClock.parse("at=1800000000,skip"))
        let start = clock.now()
        try await clock.sleep(until: start.addingTimeInterval(86_400))
        XCTAssertGreaterThanOrEqual(clock.now().timeIntervalSince(start), 86_400, "a skipped sleep moves the clock to its deadline")
    }

    func testAnUnknownObserverGroupIsAUsageError() {
        XCTAssertThrowsError(try ObserverGroup.id(named: "no-such-group-\(UUID().uuidString.prefix(6))")) { error in
            XCTAssertTrue("\(error)".contains("no such group"), "\(error)")
        }
        XCTAssertEqual(try ObserverGroup.id(named: "root"), 0)
    }
}
