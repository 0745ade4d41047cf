import Chain
import Engine
import Foundation
import MammonCore
import Store
import XCTest

final class ApprovalTests: XCTestCase {
    var fixture = EngineFixture(approvalMode: .manual)
    override func tearDown() { fixture.cleanUp() }

    func pending(_ store: AppDatabase) throws -> [ApprovalRequest] { try store.pendingApprovals() }

    func testManualModeQueuesAndApprovalExecutesAfterARecheck() async throws {
        let (engine, _, store) = try await fixture.open()
        await engine.runOnce()
        XCTAssertTrue(try store.executions(limit: 10).isEmpty, "nothing executes without a person's yes")
        let requests = try pending(store)
        XCTAssertEqual(requests.count, 2)
        let move = try XCTUnwrap(requests.first { $0.recommendation.from == .aaveV3 })
        XCTAssertEqual(move.steps, [.validation, .balanceCheck, .withdraw, .approve, .deposit, .verification])
        XCTAssertEqual(move.expiresAt, EngineFixture.start.addingTimeInterval(3600))
        XCTAssertTrue(move.analysis.profitable)

        await engine.send(.approve(move.id))
        let executions = try store.executions(limit: 10)
        XCTAssertEqual(executions.map(\.status), [.succeeded])
        XCTAssertEqual(executions.first?.recommendation.id, move.id)
        let resolved = try store.approvals(limit: 10).first { $0.request.id == move.id }
        XCTAssertEqual(resolved?.request.outcome, .approved)
        XCTAssertEqual(resolved?.resolvedAt, EngineFixture.start)
        XCTAssertEqual(try pending(store).count, 1)
    }

    func testApprovalCannotBypassLimitsOrExpiry() async throws {
        fixture.config.maxRebalancesPerDay = 1
        let (engine, _, store) = try await fixture.open()
        await engine.runOnce()
        let requests = try pending(store)
        XCTAssertEqual(requests.count, 2)
        await engine.send(.approve(requests[0].id))
        XCTAssertEqual(try store.executions(limit: 10).count, 1)
        // The second one would exceed today's limit: re-checked at approval time and refused.
        await engine.send(.approve(requests[1].id))
        XCTAssertEqual(try store.executions(limit: 10).count, 1)
        let second = try XCTUnwrap(store.approvals(limit: 10).first { $0.request.id == requests[1].id })
        XCTAssertEqual(second.request.outcome, .rejectedOnRecheck)
        XCTAssertTrue(second.detail!.contains("1 of 1 rebalances used today"), second.detail!)
    }

    func testExpiredDeclinedAndEmergencyStopOutcomesAreStored() async throws {
        let (engine, _, store) = try await fixture.open()
        await engine.runOnce()
        let requests = try pending(store)
        await engine.send(.decline(requests[0].id))
        XCTAssertEqual(try store.approvals(limit: 10).first { $0.request.id == requests[0].id }?.request.outcome, .declined)

        fixture.clock.advance(by: 3601)
        await engine.send(.approve(requests[1].id))
        XCTAssertTrue(try store.executions(limit: 10).isEmpty)
        XCTAssertEqual(try store.approvals(limit: 10).first { $0.request.id == requests[1].id }?.request.outcome, .expired)

        await engine.runOnce()
        XCTAssertEqual(try pending(store).count, 2)
        await engine.send(.emergencyStop)
        XCTAssertTrue(try pending(store).isEmpty)
        XCTAssertEqual(try store.approvals(limit: 10).filter { $0.request.outcome == .cancelled }.count, 2)
        let status = await engine.status()
        XCTAssertEqual(status.state, .halted)
        XCTAssertEqual(status.haltReason, "emergency stop by operator")
        // The latch persists across a restart.
        let (again, _, _) = try await fixture.open()
        let after = await again.status()
        XCTAssertEqual(after.state, .halted)
    }

    func testApprovalIsRejectedWhenTheTargetCannotPayTheMoneyBackNow() async throws {
        let (engine, chain, store) = try await fixture.open()
        await engine.runOnce()
        let move = try XCTUnwrap(pending(store).first { $0.recommendation.from == .aaveV3 })
        let target = move.recommendation.to
        await chain.inject(.illiquid(target))   // drained between the proposal and the yes
        await engine.send(.approve(move.id))
        XCTAssertTrue(try store.executions(limit: 10).isEmpty, "nothing was sent into a market that could not pay it back")
        let resolved = try XCTUnwrap(store.approvals(limit: 10).first { $0.request.id == move.id })
        XCTAssertEqual(resolved.request.outcome, .rejectedOnRecheck)
        XCTAssertTrue(resolved.detail!.contains("\(target.displayName) can pay out only"), resolved.detail!)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 0)
    }

    func testApprovalIsRejectedWhenTheTargetAPYIsNowAboveTheCeiling() async throws {
        let (engine, _, store) = try await fixture.open()
        await engine.runOnce()
        let move = try XCTUnwrap(pending(store).first { $0.recommendation.from == .aaveV3 })
        // The operator lowers MAX_APY_PCT below the target's rate and restarts; the proposal survives.
        fixture.config.maxAPYPct = move.recommendation.expectedAPY / 2
        let (restarted, chain, reopened) = try await fixture.open()
        await restarted.send(.approve(move.id))
        XCTAssertTrue(try reopened.executions(limit: 10).isEmpty)
        let resolved = try XCTUnwrap(reopened.approvals(limit: 10).first { $0.request.id == move.id })
        XCTAssertEqual(resolved.request.outcome, .rejectedOnRecheck)
        XCTAssertTrue(resolved.detail!.contains("above MAX_APY_PCT"), resolved.detail!)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 0)
    }
}
