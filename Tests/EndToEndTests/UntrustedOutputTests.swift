import Foundation
import MammonCore
@_spi(EngineWriter) import Store
import XCTest

/// Text that came from a node or a contract (errors, revert reasons) is stored bounded and never
/// reaches the operator's terminal as control sequences, whatever command prints it.
final class UntrustedOutputTests: XCTestCase {
    var dir: String!
    override func setUp() {
        dir = NSTemporaryDirectory() + "mammon-untrusted-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// Clear the screen, retitle the window, CSI as one C1 byte, then a right-to-left override.
    let hostile = "node says \u{1b}[2J\u{1b}]0;pwned\u{7} \u{9b}31mred \u{202e}desrever" + String(repeating: "!", count: 2000)

    /// A database as the engine would leave it after a node answered `hostile`: a failed execution,
    /// a halt reason and an error event quoting it.
    func hostileDatabase() throws -> String {
        let db = dir + "/hostile.sqlite"
        let store = try AppDatabase.open(path: db)
        let recommendation = RebalanceRecommendation(
            id: UUID(), from: nil, to: .moonwell, token: .usdc, amount: TokenAmount(baseUnits: 1_000_000, decimals: 6),
            currentAPY: 0, expectedAPY: 5, reason: "test", confidence: 50)
        let started = ExecutionSummary(id: UUID(), recommendation: recommendation, status: .running, startedAt: Date())
        var failed = started
        failed.status = .failed
        failed.finishedAt = Date()
        failed.error = hostile
        try store.commit([.executionStarted(started, steps: [.deposit]), .executionFinished(failed),
                          .schedulerState(PersistedSchedulerState(state: .halted, haltReason: hostile, updatedAt: Date()))],
                         events: [EngineEvent(at: Date(), kind: .error(source: "rpc", message: hostile))])
        return db
    }

    func assertPrintable(_ output: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = output.unicodeScalars.filter {
            ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || UntrustedText.isBidiControl($0)
        }
        XCTAssertEqual(bad.map { String($0.value, radix: 16) }, [], "control characters in: \(output.prefix(400))", file: file, line: line)
    }

    func testStatusAndHistoryPrintNoControlSequencesAndStoredTextIsBounded() throws {
        let bin = try BuiltBinary.require()
        let db = try hostileDatabase()
        let shown = "node says \u{FFFD}[2J\u{FFFD}]0;pwned\u{FFFD} \u{FFFD}31mred desrever!!!"

        let status = try bin.run(["status", "--db", db])
        XCTAssertEqual(status.status, 0, status.stderr)
        assertPrintable(status.stdout)
        let errorLine = try XCTUnwrap(status.lines.first { $0.hasPrefix("error ") })
        XCTAssertTrue(errorLine.contains("[rpc] " + shown), errorLine)
        XCTAssertTrue(errorLine.hasSuffix("…(cut)"), "stored bounded: \(errorLine.suffix(40))")
        XCTAssertLessThan(errorLine.count, 600)
        XCTAssertTrue(try XCTUnwrap(status.lines.first).contains("halted — " + shown), status.lines[0])
        XCTAssertTrue(try XCTUnwrap(status.lines.first { $0.hasPrefix("last move") }).contains("failed — " + shown))

        let history = try bin.run(["history", "--db", db])
        XCTAssertEqual(history.status, 0, history.stderr)
        assertPrintable(history.stdout)
        XCTAssertTrue(history.stdout.contains("    error: " + shown), history.stdout)

        // JSON keeps the text exactly (as stored), every control escaped.
        let statusJSON = try bin.run(["status", "--json", "--db", db])
        XCTAssertEqual(statusJSON.status, 0, statusJSON.stderr)
        assertPrintable(statusJSON.stdout)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(statusJSON.stdout.utf8)) as? [String: Any])
        let errors = try XCTUnwrap((report["status"] as? [String: Any])?["recent_errors"] as? [[String: Any]])
        XCTAssertEqual(errors.first?["message"] as? String, UntrustedText.bounded(hostile))
        let historyJSON = try bin.run(["history", "--json", "--db", db])
        XCTAssertEqual(historyJSON.status, 0, historyJSON.stderr)
        assertPrintable(historyJSON.stdout)
        let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(historyJSON.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual((entries.first?["execution"] as? [String: Any])?["error"] as? String, UntrustedText.bounded(hostile))
    }

    /// Errors quote what they could not read (paths, nodes' messages): printable too.
    func testErrorMessagesPrintNoControlSequences() throws {
        let bin = try BuiltBinary.require()
        let path = dir + "/\u{1b}[2Jmissing\u{202e}.json"
        let r = try bin.run(["wallet", "address", "--keystore", path])
        XCTAssertNotEqual(r.status, 0)
        assertPrintable(r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot read keystore " + dir + "/\u{FFFD}[2Jmissing.json"), r.stderr)
    }
}
