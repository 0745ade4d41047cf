import Chain
import MammonCore
import XCTest

/// Receipts restored from the database stay stored text until one is looked up; a damaged one is an
/// error at lookup, never a transaction the chain forgot.
final class SimulatedReceiptsTests: XCTestCase {
    func testRestoredReceiptsReadWhenLookedUpAndOnlyNewOnesAreWrittenAgain() throws {
        var ledger = SimulatedLedger.opening(token: .usdc)
        let mined = TransactionReceipt(hash: "0xaa", succeeded: true, blockNumber: 2, gasUsed: 50_000, effectiveGasPriceWei: 6_000_000)
        ledger.receipts.record(mined)
        var restored = try XCTUnwrap(try SimulatedLedger(persisted: ledger.persisted))
        XCTAssertEqual(restored, ledger, "the same receipts, whether stored text or values")
        XCTAssertEqual(try restored.receipts.receipt("0xaa"), mined)
        XCTAssertNil(try restored.receipts.receipt("0xbb"))

        let before = restored
        restored.receipts.record(TransactionReceipt(hash: "0xbb", succeeded: false, blockNumber: 3, gasUsed: 21_000, effectiveGasPriceWei: 1))
        let written = restored.persistedChanges(from: before).keys.filter { $0.hasPrefix("receipt:") }
        XCTAssertEqual(written, ["receipt:0xbb"], "a receipt once written is never written again")

        var damaged = ledger.persisted
        damaged["receipt:0xaa"] = "{not json"
        let opened = try XCTUnwrap(try SimulatedLedger(persisted: damaged))
        XCTAssertThrowsError(try opened.receipts.receipt("0xaa")) { error in
            XCTAssertEqual("\(error)", "simulated ledger entry 'receipt:0xaa' is unreadable")
        }
    }
}
