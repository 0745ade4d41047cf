import Chain
import Engine
import Foundation
import MammonCore
import Store
import XCTest

final class ExecutorTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    func testAVerifiedMoveMakesTheBalancesItReadTheCurrentPositionsInTheStepsCommit() async throws {
        fixture.config.maxRebalancesPerDay = 1
        let (engine, chain, store) = try await fixture.open()
        await engine.runOnce()
        let move = try XCTUnwrap(store.executions(limit: 10).first)
        XCTAssertEqual(move.status, .succeeded, move.error ?? "")
        let target = move.recommendation.to
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.deposits[target], 1_000_000_000)

        // `status` reads the position table: the move is in it without another scan.
        let positions = Dictionary(uniqueKeysWithValues: try store.positions().map { ($0.marketID, $0.amount.baseUnits) })
        XCTAssertEqual(positions[target], 1_000_000_000)
        XCTAssertEqual(positions[.aaveV3], ledger.deposits[.aaveV3])
        // The console and /metrics fold the verification's reading, committed with the verification step.
        let events = try store.allEvents()
        let verified = try XCTUnwrap(events.firstIndex {
            if case .stepFinished(let r) = $0.kind { r.executionID == move.id && r.step == .verification } else { false }
        })
        XCTAssertEqual(events[verified + 1].type, "positions.verified", "published in the verification's commit")
        XCTAssertEqual(events[verified + 1].at, events[verified].at)
        guard case .positionsVerified(let id, let markets, let idle) = events[verified + 1].kind else { return XCTFail("not the verified positions") }
        XCTAssertEqual(id, move.id)
        XCTAssertEqual(markets.first { $0.quote.marketID == target }?.position.baseUnits, 1_000_000_000)
        XCTAssertEqual(markets.first { $0.quote.marketID == .aaveV3 }?.position.baseUnits, ledger.deposits[.aaveV3])
        XCTAssertEqual(idle.baseUnits, ledger.wallet)
        XCTAssertEqual(try store.balanceObservations().count, 1, "the position history keeps one point per scan")
    }

    func testRunOnceMovesAPositionAndDeploysIdleFundsWithEveryStepInOrder() async throws {
        let (engine, chain, store) = try await fixture.open()
        let totalBefore = await chain.ledger.totalToken
        let ok = await engine.runOnce()
        XCTAssertTrue(ok)

        let executions = try store.executions(limit: 10).reversed()
        XCTAssertEqual(executions.map(\.status), [.succeeded, .succeeded])
        let move = try XCTUnwrap(executions.first)
        XCTAssertEqual(move.recommendation.from, .aaveV3)
        XCTAssertEqual(try store.steps(executionID: move.id).map(\.step), [.validation, .balanceCheck, .withdraw, .approve, .deposit, .verification])
        XCTAssertTrue(try store.steps(executionID: move.id).allSatisfy { $0.status == .succeeded })
        // Gas recorded per step is the simulated table: Aave withdraw 150k, approve 50k, Moonwell deposit 115k.
        let target = move.recommendation.to
        XCTAssertEqual(try store.steps(executionID: move.id).compactMap(\.gasUsed), [150_000, 50_000, GasUnits.deposit(target)])
        XCTAssertEqual(move.gasUsed, 150_000 + 50_000 + GasUnits.deposit(target))

        let deploy = try XCTUnwrap(executions.last)
        XCTAssertNil(deploy.recommendation.from)
        XCTAssertEqual(try store.steps(executionID: deploy.id).map(\.step), [.validation, .balanceCheck, .approve, .deposit, .verification],
                       "a new position has no withdraw")

        let totalAfter = await chain.ledger.totalToken
        XCTAssertEqual(totalAfter, totalBefore, "funds are conserved across every step")
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.deposits[.aaveV3], 1_500_000_000)
        XCTAssertEqual(ledger.deposits[target], 2_000_000_000)
        XCTAssertEqual(ledger.wallet, 500_000_000)

        let types = try store.types()
        XCTAssertEqual(Array(types.prefix(3)), ["scan.started", "markets.scanned", "opportunity.found"])
        XCTAssertEqual(types.filter { $0 == "execution.finished" }.count, 2)
        XCTAssertEqual(types.last, "scan.finished")
        let budget = try store.budget(day: EngineFixture.start.utcDay)
        XCTAssertEqual(budget.rebalances, 2)
        XCTAssertEqual(budget.gasUSD, move.gasCostUSD + deploy.gasCostUSD)
        XCTAssertGreaterThan(budget.gasUSD, 0)
    }

    func testTodaysCountersArePublishedAtTheFirstTransactionNotAtTheEnd() async throws {
        let (engine, _, store) = try await fixture.open()
        _ = await engine.runOnce()
        let events = try store.events(after: 0)
        func index(_ match: (EngineEvent.Kind) -> Bool) -> Int? { events.firstIndex { match($0.kind) } }
        let counted = try XCTUnwrap(index { if case .status(let s) = $0 { s.rebalancesToday == 1 } else { false } })
        let firstTransactionMined = try XCTUnwrap(index { if case .stepFinished(let r) = $0 { r.txHash != nil } else { false } })
        let paid = try XCTUnwrap(index { if case .status(let s) = $0 { s.gasTodayUSD > 0 } else { false } })
        let finished = try XCTUnwrap(index { if case .executionFinished = $0 { true } else { false } })
        XCTAssertLessThan(counted, firstTransactionMined, "the rebalance counts as soon as its first transaction is journaled")
        XCTAssertLessThan(paid, finished, "gas today moves with each mined step")
    }

    func testRevertAfterWithdrawLeavesTheExecutionStrandedAndSaysSo() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.revert(.deposit, reason: "ERC20: transfer amount exceeds allowance"))
        let ok = await engine.runOnce()
        XCTAssertFalse(ok, "a failed execution fails the cycle")

        let stranded = try XCTUnwrap(store.executions(limit: 10).first { $0.recommendation.from == .aaveV3 })
        XCTAssertEqual(stranded.status, .stranded)
        XCTAssertEqual(stranded.failedStep, .deposit)
        XCTAssertTrue(stranded.error!.contains("1000.000000 USDC withdrawn from Aave V3 sits in the wallet"), stranded.error!)
        XCTAssertTrue(stranded.error!.contains("exceeds allowance"))
        let steps = try store.steps(executionID: stranded.id)
        XCTAssertEqual(steps.map(\.status), [.succeeded, .succeeded, .succeeded, .succeeded, .failed, .skipped])
        XCTAssertNotNil(steps[4].txHash, "the reverted deposit's hash and gas are kept")
        XCTAssertEqual(steps[4].gasUsed, GasUnits.deposit(.moonwell))
        let errors = try store.recentEvents(limit: 10, types: ["error"])
        XCTAssertTrue(errors.contains { if case .error(_, let m, _) = $0.kind { m.contains("stranded") } else { false } })
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.wallet, 1_500_000_000 + 1_000_000_000 - 1_000_000_000,
                       "the withdrawn 1000 sit in the wallet; the idle deploy of 1000 went through")
    }

    func testRevertAtWithdrawFailsWithoutStranding() async throws {
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.revert(.withdraw, reason: "paused"))
        await engine.runOnce()
        let failed = try XCTUnwrap(store.executions(limit: 10).first { $0.recommendation.from == .aaveV3 })
        XCTAssertEqual(failed.status, .failed)
        XCTAssertEqual(failed.failedStep, .withdraw)
        XCTAssertEqual(try store.steps(executionID: failed.id).map(\.status), [.succeeded, .succeeded, .failed, .skipped, .skipped, .skipped])
    }

    func testAReadFailureIsAnErrorNotAZeroBalance() async throws {
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.readFailure("connection reset"))
        let ok = await engine.runOnce()
        XCTAssertFalse(ok)
        XCTAssertTrue(try store.executions(limit: 10).isEmpty, "nothing moves on a failed read")
        let finished = try store.recentEvents(limit: 50, types: ["scan.finished"]).last
        guard case .scanFinished(_, let okFlag, _, _, _, let error) = finished?.kind else { return XCTFail("no scan.finished") }
        XCTAssertFalse(okFlag)
        XCTAssertTrue(error!.contains("market scan failed: connection reset"))
    }
}
