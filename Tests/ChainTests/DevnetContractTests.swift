import Chain
import XCTest

/// The Vyper markets behave like the real ones on the paths the adapters take (deposit, yield,
/// full exit, error codes and Failure logs, reverts): Tests/Devnet/selfcheck.py runs them in-process.
final class DevnetContractTests: XCTestCase {
    func testMarketsPassTheirSelfCheck() async throws {
        let output = try await runPythonScript("selfcheck.py", arguments: [])
        let summary = try JSONValue.parse(output.trimmingCharacters(in: .whitespacesAndNewlines))
        print("devnet self-check: \(summary)")
        XCTAssertGreaterThanOrEqual(summary["checks"]?.intValue ?? 0, 30)
        XCTAssertGreaterThanOrEqual(summary["transactions"]?.intValue ?? 0, 30)
    }
}
