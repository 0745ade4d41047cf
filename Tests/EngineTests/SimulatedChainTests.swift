import Chain
import Foundation
import MammonCore
@_spi(EngineWriter) import Store
import XCTest

final class SimulatedChainTests: XCTestCase {
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_007_200))

    func testLedgerSurvivesARestartEvenWhenTheFirstTransactionTouchesOnlyTheWallet() async throws {
        let store = try AppDatabase.inMemory()
        let chain = try SimulatedChain.open(seed: 1, clock: clock, persisted: try store.simulatedLedger())
        let approve = try await chain.prepare(.approve(.usdc, spender: .moonwell, TokenAmount(baseUnits: 5, decimals: 6)))
        try await chain.broadcast(approve)
        _ = try await chain.awaitReceipt(approve)
        // What the engine's commit does with the chain's effects.
        try store.commit(chain.takeEffects().map(StoreMutation.init), events: [])
        XCTAssertEqual(chain.takeEffects(), [], "effects are handed over once")

        let restarted = try SimulatedChain.open(seed: 1, clock: clock, persisted: try store.simulatedLedger())
        XCTAssertEqual(restarted.takeEffects(), [], "a restored ledger is not written again")
        let before = await chain.ledger
        let after = await restarted.ledger
        XCTAssertEqual(after, before)
        XCTAssertEqual(after.deposits[.aaveV3], 2_500_000_000, "the untouched opening deposit is stored too")
        XCTAssertEqual(after.allowances[.moonwell], 5)
        guard case .mined(let r) = try await restarted.transactionStatus(approve) else { return XCTFail("receipt lost on restart") }
        XCTAssertEqual(r.hash, approve.hash)
    }

    func testTransactionStatusTracksTheLifeOfATransaction() async throws {
        let chain = SimulatedChain(seed: 1, clock: clock)
        let tx = try await chain.prepare(.withdraw(.aaveV3, .usdc, TokenAmount(baseUnits: 1, decimals: 6), fullExit: false))
        var status = try await chain.transactionStatus(tx)
        XCTAssertEqual(status, .unknown, "signed, never broadcast")
        try await chain.broadcast(tx)
        status = try await chain.transactionStatus(tx)
        XCTAssertEqual(status, .pending)
        let receipt = try await chain.awaitReceipt(tx)
        status = try await chain.transactionStatus(tx)
        XCTAssertEqual(status, .mined(receipt))
        try await chain.broadcast(tx) // idempotent: the same bytes again change nothing
        let again = try await chain.awaitReceipt(tx)
        XCTAssertEqual(again, receipt)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.deposits[.aaveV3], 2_499_999_999)
        XCTAssertEqual(ledger.nonce, 1)
    }

    func testRatesDriftDeterministicallyByHourAndSeed() {
        let m = SimulatedMarkets(seed: 7)
        let t = Date(timeIntervalSince1970: 1_800_007_200)
        XCTAssertEqual(m.apy(.aaveV3, at: t), m.apy(.aaveV3, at: t.addingTimeInterval(3599)), "constant within the hour")
        let week = (0..<168).map { m.apy(.moonwell, at: t.addingTimeInterval(Double($0) * 3600)) }
        XCTAssertGreaterThan(Set(week).count, 10, "it drifts hour to hour")
        XCTAssertTrue(week.allSatisfy { $0 >= Decimal(string: "4.55")! && $0 <= Decimal(string: "5.25")! }, "within ±35 bps of 4.90 %")
        XCTAssertEqual(week, (0..<168).map { SimulatedMarkets(seed: 7).apy(.moonwell, at: t.addingTimeInterval(Double($0) * 3600)) })
        XCTAssertNotEqual(week, (0..<168).map { SimulatedMarkets(seed: 8).apy(.moonwell, at: t.addingTimeInterval(Double($0) * 3600)) })
    }
}
