import Chain
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// A stop waits for the step in flight only as long as STOP_BUDGET_SECONDS: a supervisor would kill
/// a longer one. Past it the engine returns, says so in its last event, and recovery takes the
/// journaled transaction at the next start.
final class BoundedStopTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    func testAStuckTransactionDoesNotHoldTheStopPastItsBudgetAndTheNextStartFinishesIt() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        fixture.config.maxRebalancesPerDay = 1
        fixture.config.stopBudgetSeconds = 30
        fixture.blockTime = 1
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.congestion(.withdraw, bumps: 1))
        let running = engine
        let cycle = Task { await running.runOnce() }
        // The withdraw is journaled, sent and stuck: the executor waits STUCK_TRANSACTION_SECONDS (180).
        await fixture.clock.waitForSleepers(1)
        let id = try XCTUnwrap(store.unfinishedExecutions().first?.id)

        let stop = Task { await running.shutdown() }
        await fixture.clock.waitForSleepers(2)       // the executor's wait and the stop's budget
        fixture.clock.advance(by: 30)
        let clean = await stop.value
        XCTAssertFalse(clean, "the stop returned at its budget with the step in flight")
        let last = try store.types().last
        XCTAssertEqual(last, "notice")
        let notice = try store.allEvents().last { $0.type == "notice" }
        guard case .notice("shutdown", let message, _)? = notice?.kind else { return XCTFail("no shutdown notice") }
        XCTAssertTrue(message.contains("STOP_BUDGET_SECONDS (30 s)") && message.contains(id.uuidString.prefix(8)), message)
        XCTAssertEqual(try store.execution(id: id)?.status, .running, "left to recovery, journaled")
        _ = cycle  // left suspended, as a process that exits leaves it: its clock never moves again

        // The next start reconciles the journaled withdraw and the first cycle finishes the move.
        fixture.blockTime = 0
        fixture.config.gates.minRebalanceAmountUSD = 1_000_000
        let (restarted, chainAfter, storeAfter) = try await fixture.open()
        let ran = await restarted.runOnce()
        XCTAssertTrue(ran)
        XCTAssertEqual(try storeAfter.execution(id: id)?.status, .succeeded)
        let ledger = await chainAfter.ledger
        XCTAssertEqual(ledger.deposits[.moonwell], 1_000_000_000)
    }

    func testAStopWithNothingInFlightIsClean() async throws {
        let (engine, _, _) = try await fixture.open()
        await engine.start()
        let clean = await engine.shutdown()
        XCTAssertTrue(clean)
    }
}
