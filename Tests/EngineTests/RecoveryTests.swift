import Chain
@testable import Engine
import Foundation
import MammonCore
@_spi(EngineWriter) import Store
import XCTest

/// A crash at each boundary of a move, reproduced by doing exactly what the executor does up to that
/// point against the real store and chain, then reopening both as a restarted process would.
final class RecoveryTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    enum Boundary { case startedNothingJournaled, signedNotSent, sentNoReceipt, sentAndStuck, withdrawnBeforeApprove }

    /// Leaves an Aave V3 → Moonwell move of 1000 USDC interrupted at `boundary`; returns its id, withdraw
    /// hash and the chain (whose mempool a restart may share, as a live node's would).
    @discardableResult
    func crash(at boundary: Boundary, amount: UInt128 = 1_000_000_000) async throws -> (id: UUID, withdrawHash: String, chain: SimulatedChain) {
        let (_, chain, store) = try await fixture.open()
        let rec = RebalanceRecommendation(id: UUID(), from: .aaveV3, to: .moonwell, token: .usdc,
                                          amount: TokenAmount(baseUnits: amount, decimals: 6), currentAPY: 3, expectedAPY: 5, reason: "test", confidence: 80)
        let id = UUID()
        let day = EngineFixture.start.utcDay
        try commit(store, chain, [.executionStarted(ExecutionSummary(id: id, recommendation: rec, status: .running, startedAt: EngineFixture.start),
                                            steps: ExecutionStep.plan(for: rec))], events: [])
        let before = BalanceSnapshot(wallet: try await chain.walletBalance(token: .usdc), from: try await chain.position(in: .aaveV3, token: .usdc),
                                     to: try await chain.position(in: .moonwell, token: .usdc))
        try commit(store, chain, [.stepUpdated(StepRecord(executionID: id, step: .validation, status: .succeeded), day: day),
                          .stepUpdated(StepRecord(executionID: id, step: .balanceCheck, status: .succeeded, startedAt: EngineFixture.start,
                                                      finishedAt: EngineFixture.start), day: day),
                          .balancesBefore(executionID: id, before)], events: [])
        if boundary == .startedNothingJournaled { return (id, "", chain) }
        if boundary == .sentAndStuck { await chain.inject(.congestion(.withdraw, bumps: 1)) }
        let tx = try await chain.prepare(.withdraw(.aaveV3, .usdc, rec.amount, fullExit: false))
        try commit(store, chain, [.stepJournaled(StepRecord(executionID: id, step: .withdraw, status: .running, txHash: tx.hash, nonce: tx.nonce,
                                                    startedAt: EngineFixture.start), rawTransaction: tx.rawTransaction, countsAsRebalance: true, day: day)],
                         events: [])
        if boundary == .signedNotSent { return (id, tx.hash, chain) }
        if boundary == .sentAndStuck {
            try commit(store, chain, [.attemptJournaled(executionID: id, step: .withdraw, attempt: 0, tx, at: EngineFixture.start)], events: [])
            try await chain.broadcast(tx)
            return (id, tx.hash, chain)
        }
        try await chain.broadcast(tx)
        let receipt = try await chain.awaitReceipt(tx)
        // The simulated chain's ledger is an effect the engine's next commit writes; a real chain keeps a
        // mined transaction whatever happens to our database, so write it as the chain's own state.
        try commit(store, chain, [], events: [])
        if boundary == .sentNoReceipt { return (id, tx.hash, chain) }
        try commit(store, chain, [.stepBroadcast(executionID: id, step: .withdraw),
                          .attemptJournaled(executionID: id, step: .withdraw, attempt: 0, tx, at: EngineFixture.start),
                          .attemptBroadcast(executionID: id, step: .withdraw, attempt: 0),
                          .stepUpdated(StepRecord(executionID: id, step: .withdraw, status: .succeeded, txHash: tx.hash, gasUsed: receipt.gasUsed,
                                                  gasCostUSD: receipt.feeUSD(ethUSD: 3000)), day: day)], events: [])
        return (id, tx.hash, chain)
    }

    /// A commit as the engine makes it: the chain's effects since the last one, then the rows.
    private func commit(_ store: AppDatabase, _ chain: SimulatedChain, _ mutations: [StoreMutation], events: [EngineEvent]) throws {
        try store.commit(chain.takeEffects().map(StoreMutation.init) + mutations, events: events)
    }

    /// Latches the emergency stop in the database, as `mammon emergency-stop` does while no engine runs.
    func latchEmergencyStop() throws {
        try Engine.latchEmergencyStop(in: try AppDatabase.open(path: fixture.path), reason: "emergency stop from the command line",
                                      at: EngineFixture.start)
    }

    func assertResumedToSuccess(_ id: UUID, withdrawHash: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        // No new proposal in the cycle: only the interrupted move is finished.
        fixture.config.gates.minRebalanceAmountUSD = 1_000_000
        let (engine, chain, store) = try await fixture.open()
        XCTAssertEqual(try store.execution(id: id)?.status, .running, "opening reconciles what was sent and signs nothing new", file: file, line: line)
        let opened = await chain.ledger
        XCTAssertEqual(opened.nonce, 1, "only the journaled withdraw reached the chain at open", file: file, line: line)
        let ran = await engine.runOnce()
        XCTAssertTrue(ran, file: file, line: line)
        let execution = try XCTUnwrap(store.execution(id: id), file: file, line: line)
        XCTAssertEqual(execution.status, .succeeded, execution.error ?? "", file: file, line: line)
        let steps = try store.steps(executionID: id)
        XCTAssertEqual(steps.map(\.status), Array(repeating: StepStatus.succeeded, count: 6), file: file, line: line)
        XCTAssertEqual(steps.first { $0.step == .withdraw }?.txHash, withdrawHash, "the journaled transaction, not a new one", file: file, line: line)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 3, "withdraw, approve, deposit: each mined exactly once", file: file, line: line)
        XCTAssertEqual(ledger.totalToken, 4_000_000_000, "no funds lost", file: file, line: line)
        XCTAssertEqual(ledger.deposits[.moonwell], 1_000_000_000, file: file, line: line)
        XCTAssertEqual(try store.budget(day: EngineFixture.start.utcDay).rebalances, 1, "the move is counted once", file: file, line: line)
        XCTAssertTrue(try store.unfinishedExecutions().isEmpty, file: file, line: line)
    }

    func testSignedButNeverSentIsBroadcastFromTheJournalThenFinished() async throws {
        let crashed = try await crash(at: .signedNotSent)
        try await assertResumedToSuccess(crashed.id, withdrawHash: crashed.withdrawHash)
    }

    func testSentButReceiptNotRecordedIsLookedUpNotResent() async throws {
        let crashed = try await crash(at: .sentNoReceipt)
        try await assertResumedToSuccess(crashed.id, withdrawHash: crashed.withdrawHash)
    }

    func testWithdrawnBeforeApproveResumesTheDeposit() async throws {
        let crashed = try await crash(at: .withdrawnBeforeApprove)
        try await assertResumedToSuccess(crashed.id, withdrawHash: crashed.withdrawHash)
    }

    /// Found by the soak suite: an engine down for hours after the withdraw comes back to a source market
    /// that kept paying interest on what stayed in it. Verification allows for that interest (over the
    /// whole time since the balances were read), instead of failing a move that completed.
    func testAMoveResumedAfterHoursDownVerifiesDespiteTheInterestEarnedMeanwhile() async throws {
        let ledger = try await resumedTwoDaysLater(at: .withdrawnBeforeApprove)
        XCTAssertGreaterThan(ledger.deposits[.aaveV3] ?? 0, 1_500_000_000, "Aave V3 paid interest on the 1500 USDC left in it")
        XCTAssertEqual(ledger.nonce, 3)
    }

    /// Found by the soak suite: a move of a market's whole balance (an exact amount, not a full exit)
    /// signed but not sent when the engine died, sent hours later on restart. Until then the whole
    /// balance earned, the part moved included, and that interest stays behind in the source:
    /// verification allows for it instead of failing a move that completed.
    func testAWholeBalanceWithdrawnHoursLateLeavesItsInterestBehindAndStillVerifies() async throws {
        let ledger = try await resumedTwoDaysLater(at: .signedNotSent, amount: 2_500_000_000)  // all of Aave V3's 2500 USDC
        XCTAssertGreaterThan(ledger.deposits[.aaveV3] ?? 0, 0, "the interest Aave V3 paid on the 2500 USDC before the withdrawal stayed there")
    }

    /// A move interrupted at `boundary`, the engine back two days later with no new proposal: the move
    /// must finish as succeeded with nothing lost beyond the interest credited; the ledger after it.
    private func resumedTwoDaysLater(at boundary: Boundary, amount: UInt128 = 1_000_000_000) async throws -> SimulatedLedger {
        fixture.config.gates.minRebalanceAmountUSD = 1_000_000
        let crashed = try await crash(at: boundary, amount: amount)
        fixture.clock.advance(by: 2 * 86_400)
        let (engine, chain, store) = try await fixture.open()
        let ran = await engine.runOnce()
        XCTAssertTrue(ran)
        let execution = try XCTUnwrap(store.execution(id: crashed.id))
        XCTAssertEqual(execution.status, .succeeded, execution.error ?? "")
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.totalToken, 4_000_000_000 + ledger.interest.values.reduce(0, +), "nothing lost beyond the interest credited")
        return ledger
    }

    /// The allowance is simple interest at 100 % a year, rounded up: far below a withdraw that did not happen.
    func testTheInterestAllowanceIsBounded() {
        let balance = TokenAmount(baseUnits: 1_500_000_000, decimals: 6)
        XCTAssertEqual(RebalanceExecutor.accrual(on: balance, over: 0).baseUnits, 0)
        XCTAssertEqual(RebalanceExecutor.accrual(on: balance, over: 365 * 86_400).baseUnits, 1_500_000_000)
        XCTAssertEqual(RebalanceExecutor.accrual(on: balance, over: 3600).baseUnits, 171_233)  // 1500 × 1 h / 8760 h, rounded up
        XCTAssertEqual(RebalanceExecutor.accrual(on: balance, over: -5).baseUnits, 0)
    }

    func testRecoveryAboveItsGasCeilingIsLeftStrandedAndSaysWhatToDo() async throws {
        fixture.config.recoveryMaxGasUSD = 0
        fixture.config.gates.minRebalanceAmountUSD = 1_000_000
        let crashed = try await crash(at: .withdrawnBeforeApprove)
        let (engine, chain, store) = try await fixture.open()
        _ = await engine.runOnce()
        let execution = try XCTUnwrap(store.execution(id: crashed.id))
        XCTAssertEqual(execution.status, .stranded)
        XCTAssertTrue(execution.error!.contains("above RECOVERY_MAX_GAS_USD"), execution.error!)
        XCTAssertTrue(execution.error!.contains("1000.000000 USDC withdrawn from Aave V3 sits in the wallet"), execution.error!)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.wallet, 2_500_000_000, "the withdrawn funds are in the wallet, not lost")
        XCTAssertEqual(ledger.nonce, 1, "nothing else was sent")
    }

    func testInterruptedBeforeAnythingWasJournaledIsAbandonedAndNothingIsSigned() async throws {
        let crashed = try await crash(at: .startedNothingJournaled)
        let (_, chain, store) = try await fixture.open()
        let execution = try XCTUnwrap(store.execution(id: crashed.id))
        XCTAssertEqual(execution.status, .abandoned)
        XCTAssertTrue(execution.error!.contains("nothing happened on chain"), execution.error!)
        XCTAssertEqual(try store.steps(executionID: crashed.id).map(\.status), Array(repeating: StepStatus.skipped, count: 6))
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 0, "recovery signed nothing")
        XCTAssertEqual(ledger.deposits[.aaveV3], 2_500_000_000)
        XCTAssertTrue(try store.unfinishedExecutions().isEmpty)
        XCTAssertEqual(try store.budget(day: EngineFixture.start.utcDay).rebalances, 0, "an abandoned move does not count")
    }

    func testWithdrawnFundsStayIdleWhileEmergencyStopped() async throws {
        let crashed = try await crash(at: .withdrawnBeforeApprove)
        try latchEmergencyStop()
        let (engine, chain, reopened) = try await fixture.open()
        let execution = try XCTUnwrap(reopened.execution(id: crashed.id))
        XCTAssertEqual(execution.status, .stranded)
        XCTAssertTrue(execution.error!.contains("halted"), execution.error!)
        let ran = await engine.runOnce()
        XCTAssertFalse(ran, "a halted engine does not scan")
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 1, "no approve, no deposit")
        XCTAssertEqual(ledger.wallet, 2_500_000_000, "the withdrawn 1000 USDC are idle in the wallet")
    }

    func testWithdrawnFundsAreNotFinishedIntoAMarketNoLongerAllowed() async throws {
        let crashed = try await crash(at: .withdrawnBeforeApprove)
        fixture.config.supportedProtocols = [.aaveV3, .morphoVault]
        fixture.config.gates.minRebalanceAmountUSD = 1_000_000
        let (engine, chain, store) = try await fixture.open()
        _ = await engine.runOnce()
        let execution = try XCTUnwrap(store.execution(id: crashed.id))
        XCTAssertEqual(execution.status, .stranded)
        XCTAssertTrue(execution.error!.contains("no longer in SUPPORTED_PROTOCOLS"), execution.error!)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 1)
    }

    func testSignedButNeverSentIsNotBroadcastOnAStartUnderEmergencyStop() async throws {
        let crashed = try await crash(at: .signedNotSent)
        try latchEmergencyStop()
        let (_, chain, store) = try await fixture.open()
        let execution = try XCTUnwrap(store.execution(id: crashed.id))
        XCTAssertEqual(execution.status, .failed, "nothing left the market: failed, not stranded")
        XCTAssertTrue(execution.error!.contains("\(crashed.withdrawHash) (nonce 0) not broadcast: the engine is halted"), execution.error!)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 0, "the journaled bytes were not sent")
        XCTAssertEqual(ledger.deposits[.aaveV3], 2_500_000_000)
        XCTAssertTrue(try store.unfinishedExecutions().isEmpty)
    }

    func testAStuckJournaledWithdrawIsOnlyLookedUpOnAStartUnderEmergencyStop() async throws {
        let crashed = try await crash(at: .sentAndStuck)
        try latchEmergencyStop()
        // The node still holds the stuck withdraw in its mempool across the restart.
        let (_, _, store) = try await fixture.open(gateway: { _ in crashed.chain })
        let execution = try XCTUnwrap(store.execution(id: crashed.id))
        XCTAssertEqual(execution.status, .failed, execution.error ?? "")
        XCTAssertTrue(execution.error!.contains("not replaced; it stays journaled: the engine is halted"), execution.error!)
        XCTAssertEqual(try store.attempts(executionID: crashed.id, step: .withdraw).count, 1, "no fee-raised replacement was signed")
        let ledger = await crashed.chain.ledger
        XCTAssertEqual(ledger.nonce, 0, "nothing was mined")
        let status = try await crashed.chain.transactionStatus(PreparedTransaction(hash: crashed.withdrawHash, rawTransaction: "", nonce: 0, gasLimit: 0,
                                                                                   action: .withdraw(.aaveV3, .usdc, TokenAmount(baseUnits: 1, decimals: 6), fullExit: false)))
        XCTAssertEqual(status, .pending, "the journaled withdraw is still the one waiting at its nonce")
    }

    func testWithdrawnFundsAreNotFinishedIntoAMarketThatCannotPayThemBack() async throws {
        let crashed = try await crash(at: .withdrawnBeforeApprove)
        fixture.config.gates.minRebalanceAmountUSD = 1_000_000
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.illiquid(.moonwell))
        _ = await engine.runOnce()
        let execution = try XCTUnwrap(store.execution(id: crashed.id))
        XCTAssertEqual(execution.status, .stranded)
        XCTAssertTrue(execution.error!.contains("not finishing the move: Moonwell can pay out only"), execution.error!)
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 1, "no approve, no deposit")
        XCTAssertEqual(ledger.wallet, 2_500_000_000)
    }
}
