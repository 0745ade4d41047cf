@testable import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// A chain's effects reach the database only with a commit of the engine, and a failed commit loses
/// none of them: the next one writes them.
final class ChainEffectCommitTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    func testAFailedCommitKeepsTheChainsEffectsForTheNext() async throws {
        let (engine, chain, store) = try await fixture.open()
        _ = try await chain.walletBalance(token: .usdc)  // starts the interest clock
        await engine.note(source: .service, "opened")
        let opened = try XCTUnwrap(store.simulatedLedger()["accrued_through"])
        fixture.clock.advance(by: 86_400)
        _ = try await chain.walletBalance(token: .usdc)  // accrues a day: an effect, not yet written
        let ledger = await chain.ledger
        let accrued = try XCTUnwrap(ledger.accruedThrough)
        XCTAssertNotEqual(String(accrued), opened)
        XCTAssertEqual(try store.simulatedLedger()["accrued_through"], opened, "nothing is written outside the engine's commit")

        // A step of no execution: the store refuses the whole transaction.
        let failed = await engine.commit([.stepUpdated(StepRecord(executionID: UUID(), step: .withdraw, status: .failed), day: "2027-01-16")], [])
        XCTAssertFalse(failed)
        XCTAssertEqual(try store.simulatedLedger()["accrued_through"], opened, "the failed transaction wrote none of it")

        await engine.note(source: .service, "the next commit")
        XCTAssertEqual(try store.simulatedLedger()["accrued_through"], String(accrued), "the next commit wrote what the failed one could not")
    }
}
