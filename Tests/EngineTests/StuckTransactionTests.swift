import Chain
import Engine
import Foundation
import MammonCore
@_spi(EngineWriter) import Store
import XCTest

/// A transaction the network will not mine at its fee is replaced at the same nonce with both fees
/// raised by the replacement rule; each attempt is journaled before it is sent.
final class StuckTransactionTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    func move(_ store: AppDatabase) throws -> ExecutionSummary {
        try XCTUnwrap(store.executions(limit: 10).first { $0.recommendation.from == .aaveV3 })
    }

    func testStuckDepositIsReplacedWithHigherFeesUntilMined() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.congestion(.deposit, bumps: 2))
        let ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let execution = try move(store)
        XCTAssertEqual(execution.status, .succeeded)
        let attempts = try store.attempts(executionID: execution.id, step: .deposit)
        XCTAssertEqual(attempts.count, 3, "the original and two replacements")
        XCTAssertEqual(Set(attempts.map(\.nonce)).count, 1, "all at the same nonce")
        XCTAssertEqual(attempts.map(\.maxFeePerGasWei!), [11_000_000, 12_100_001, 13_310_002], "each raise is +10 % and 1 wei")
        XCTAssertEqual(attempts.map(\.maxPriorityFeePerGasWei!), [1_000_000, 1_100_001, 1_210_002])
        XCTAssertTrue(attempts.allSatisfy(\.broadcast))
        let deposit = try XCTUnwrap(store.steps(executionID: execution.id).first { $0.step == .deposit })
        XCTAssertEqual(deposit.txHash, attempts.last?.hash, "the step records the attempt that was mined")
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 5, "five transactions mined across both executions; replacements share a nonce")
        let replaced = try store.recentEvents(limit: 100, types: ["error"]).filter { "\($0.kind)".contains("replaced by") }
        XCTAssertEqual(replaced.count, 2)
    }

    func testGivingUpAfterMaxReplacementsLeavesTheMoveStranded() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        fixture.config.maxReplacements = 1
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.congestion(.deposit, bumps: 3))
        await engine.runOnce()
        let execution = try move(store)
        XCTAssertEqual(execution.status, .stranded)
        XCTAssertTrue(execution.error!.contains("still not mined after 1 fee raise(s)"), execution.error!)
        XCTAssertEqual(try store.attempts(executionID: execution.id, step: .deposit).count, 2)
    }

    /// Fee raises are checked like first signatures: a step's replacements may not take the move past
    /// the worst case its gate approved + 50 %, however many raises MAX_REPLACEMENTS allows.
    func testReplacementsStopAtTheGatesWorstCaseWithItsMargin() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        fixture.config.maxReplacements = 10
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.congestion(.deposit, bumps: 10))
        await engine.runOnce()
        let execution = try move(store)
        XCTAssertEqual(execution.status, .stranded, execution.error ?? "")
        XCTAssertTrue(execution.error?.contains("ETH the gate approved + 50 %") ?? false, execution.error ?? "no error")
        let attempts = try store.attempts(executionID: execution.id, step: .deposit)
        XCTAssertGreaterThan(attempts.count, 1, "the first raises fit the margin")
        XCTAssertLessThan(attempts.count, 11, "not every raise MAX_REPLACEMENTS allows was signed")
    }

    func testAReplacementAboveMaxFeeIsRefusedAndSaysSo() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        fixture.config.maxFeeGwei = Decimal(string: "0.011")!   // exactly the first attempt's max fee
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.congestion(.withdraw, bumps: 1))
        await engine.runOnce()
        let execution = try move(store)
        XCTAssertEqual(execution.status, .failed, "nothing was withdrawn: failed, not stranded")
        XCTAssertTrue(execution.error!.contains("above MAX_FEE_GWEI 0.011"), execution.error!)
    }

    func testCrashAfterJournalingAReplacementResendsItsBytesOnRestart() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        let id: UUID
        let replacement: PreparedTransaction
        do {
            let (_, chain, store) = try await fixture.open()
            let rec = RebalanceRecommendation(id: UUID(), from: nil, to: .moonwell, token: .usdc,
                                              amount: TokenAmount(baseUnits: 100_000_000, decimals: 6), currentAPY: 0, expectedAPY: 5, reason: "t", confidence: 80)
            id = UUID()
            let day = EngineFixture.start.utcDay
            try store.commit(chain.takeEffects().map(StoreMutation.init) + [.executionStarted(ExecutionSummary(id: id, recommendation: rec, status: .running, startedAt: EngineFixture.start),
                                                steps: ExecutionStep.plan(for: rec))], events: [])
            let before = BalanceSnapshot(wallet: try await chain.walletBalance(token: .usdc), from: nil, to: try await chain.position(in: .moonwell, token: .usdc))
            try store.commit(chain.takeEffects().map(StoreMutation.init) + [.stepUpdated(StepRecord(executionID: id, step: .validation, status: .succeeded), day: day),
                              .stepUpdated(StepRecord(executionID: id, step: .balanceCheck, status: .succeeded), day: day),
                              .balancesBefore(executionID: id, before),
                              .stepUpdated(StepRecord(executionID: id, step: .approve, status: .running), day: day)], events: [])
            await chain.inject(.congestion(.approve, bumps: 1))
            let original = try await chain.prepare(.approve(.usdc, spender: .moonwell, rec.amount))
            try store.commit(chain.takeEffects().map(StoreMutation.init) + [.stepJournaled(StepRecord(executionID: id, step: .approve, status: .running, txHash: original.hash, nonce: original.nonce),
                                             rawTransaction: original.rawTransaction, countsAsRebalance: true, day: day),
                              .attemptJournaled(executionID: id, step: .approve, attempt: 0, original, at: EngineFixture.start)], events: [])
            try await chain.broadcast(original)
            replacement = try await chain.replacement(for: original)
            try store.commit(chain.takeEffects().map(StoreMutation.init) + [.attemptJournaled(executionID: id, step: .approve, attempt: 1, replacement, at: EngineFixture.start)], events: [])
            // Killed here: the replacement is signed and journaled, never sent. (Each commit above writes the
            // chain's effects first, as the engine's does.)
        }
        let (_, chain, store) = try await fixture.open()
        let execution = try XCTUnwrap(store.execution(id: id))
        // The journaled replacement is sent and mined; the deposit was never signed, and recovery signs
        // nothing new for funds that never left the wallet: the next cycle decides through the gates.
        XCTAssertEqual(execution.status, .failed, execution.error ?? "")
        XCTAssertTrue(execution.error!.contains("recovery signs nothing new"), execution.error!)
        XCTAssertEqual(try store.steps(executionID: id).first { $0.step == .approve }?.txHash, replacement.hash)
        XCTAssertEqual(try store.steps(executionID: id).first { $0.step == .approve }?.status, .succeeded)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 1, "approve once (the journaled replacement), no deposit")
        XCTAssertNil(ledger.deposits[.moonwell])
        XCTAssertEqual(ledger.wallet, 1_500_000_000, "the funds stay idle in the wallet")
    }
}

/// The operator gives up a stuck transaction: a zero-value self-transfer takes its nonce.
final class CancelTransactionTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    func testCancellingAStuckWithdrawSpendsItsNonceOnASelfTransferAndMovesNothing() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        fixture.config.maxRebalancesPerDay = 1
        fixture.blockTime = 1
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.congestion(.withdraw, bumps: 1))
        let cycle = Task { await engine.runOnce() }

        // The withdraw is stuck: the executor waits out STUCK_TRANSACTION_SECONDS on the clock.
        await fixture.clock.waitForSleepers(1)
        let id = try XCTUnwrap(store.unfinishedExecutions().first?.id)
        await engine.send(.cancelTransaction(executionID: id))
        fixture.clock.advance(by: TimeInterval(fixture.config.stuckTransactionSeconds))
        await fixture.clock.waitForSleepers(1)   // the cancellation's block
        fixture.clock.advance(by: 1)
        let ok = await cycle.value

        XCTAssertFalse(ok)
        let execution = try XCTUnwrap(store.execution(id: id))
        XCTAssertEqual(execution.status, .failed, "nothing left the market: failed, not stranded")
        XCTAssertTrue(execution.error!.contains("cancelled by the operator"), execution.error!)
        let attempts = try store.attempts(executionID: id, step: .withdraw)
        XCTAssertEqual(attempts.map(\.isCancellation), [false, true])
        XCTAssertEqual(Set(attempts.map(\.nonce)), [0])
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 1, "the nonce went to the self-transfer")
        // 181 s passed on the clock: Aave credited 90 blocks of interest, and nothing else moved.
        let interest = try XCTUnwrap(ledger.interest[.aaveV3])
        XCTAssertGreaterThan(interest, 0)
        XCTAssertEqual(ledger.deposits[.aaveV3], 2_500_000_000 + interest, "the withdraw never happened")
        XCTAssertEqual(ledger.totalToken, 4_000_000_000 + interest)
    }

    func testCancellingWithNothingInFlightIsAnError() async throws {
        let (engine, _, store) = try await fixture.open()
        await engine.send(.cancelTransaction(executionID: UUID()))
        XCTAssertTrue(try store.recentEvents(limit: 1, types: ["error"]).first.map { "\($0.kind)".contains("nothing to cancel") } ?? false)
    }
}
