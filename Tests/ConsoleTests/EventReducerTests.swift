import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// Every engine event: how it folds into the state and the event log.
final class EventReducerTests: XCTestCase {
    func fresh() -> ConsoleState { ConsoleState(now: Fixtures.at(0), size: Size(width: 80, height: 24)) }
    func ev(_ t: TimeInterval, _ kind: EngineEvent.Kind) -> ConsoleAction { Fixtures.event(t, kind) }

    func testStatusIsASnapshotNotLoggedButItsErrorsAreMerged() {
        var status = Fixtures.status()
        status.recentErrors = [ErrorRecord(at: Fixtures.at(5), source: "chain", message: "boom")]
        let store = TestStore(fresh())
        store.send(ev(10, .status(status))) {
            $0.status = status
            $0.lastEventAt = Fixtures.at(10)
            $0.errors = status.recentErrors
        }
        // The same status again adds nothing.
        store.send(ev(11, .status(status))) { $0.lastEventAt = Fixtures.at(11) }
    }

    func testHistoryFillsTheLogRecentExecutionsAndErrorsButShowsNothingOldAsLive() {
        let rec = Fixtures.recommendation(1)
        let done = ExecutionSummary(id: Fixtures.id(9), recommendation: rec, status: .succeeded, startedAt: Fixtures.at(-50),
                                    finishedAt: Fixtures.at(-40), gasUsed: 315_000, gasCostUSD: Decimal(string: "0.02")!)
        let history = [
            EngineEvent(at: Fixtures.at(-60), kind: .opportunityFound(rec)),
            EngineEvent(at: Fixtures.at(-50), kind: .executionStarted(executionID: done.id, recommendation: rec, steps: [.validation])),
            EngineEvent(at: Fixtures.at(-40), kind: .executionFinished(done)),
            EngineEvent(at: Fixtures.at(-30), kind: .error(source: "chain", message: "timeout")),
        ]
        let store = TestStore(fresh())
        store.send(.history(history)) {
            $0.log = history.compactMap(LogLine.init) + [LogLine(at: Fixtures.at(-30), type: "console",
                                                                  text: "console opened: the lines above are from the database")]
            $0.recentExecutions = [done]
            $0.errors = [ErrorRecord(at: Fixtures.at(-30), source: "chain", message: "timeout")]
            // Where the database's lines begin, for older history read when the event log opens.
            $0.logHistoryStart = 0
            // No opportunities, no running execution, no event time: those come from the live engine.
        }
        XCTAssertEqual(store.state.log.map(\.text).prefix(3), [
            "Aave V3 → Moonwell 1,000.00 USDC 4.10% → 5.35%", "executing Aave V3 → Moonwell 1,000.00 USDC",
            "execution succeeded: Aave V3 → Moonwell, gas $0.02"])
        // The same execution arriving live is not listed twice.
        store.send(ev(1, .executionFinished(done))) {
            $0.lastEventAt = Fixtures.at(1)
            $0.log.append(LogLine(at: Fixtures.at(1), type: "execution.finished", text: "execution succeeded: Aave V3 → Moonwell, gas $0.02"))
        }
        store.send(.history([])) // an empty database adds nothing, not even the marker line
    }

    /// A console opens with the log's newest lines; the older ones are read when the event log opens,
    /// and the log ends up as if the whole history had been read at start.
    func testEarlierHistoryGoesAboveTheHistoryWhenTheLogOpens() {
        let rec = Fixtures.recommendation(1)
        func done(_ n: Int, _ t: TimeInterval) -> ExecutionSummary {
            ExecutionSummary(id: Fixtures.id(n), recommendation: rec, status: .succeeded, startedAt: Fixtures.at(t),
                             finishedAt: Fixtures.at(t + 5), gasUsed: 315_000, gasCostUSD: Decimal(string: "0.02")!)
        }
        let earlier = [
            EngineEvent(at: Fixtures.at(-95), kind: .executionFinished(done(7, -100))),
            EngineEvent(at: Fixtures.at(-80), kind: .error(source: "chain", message: "old timeout")),
        ]
        let newest = [
            EngineEvent(at: Fixtures.at(-45), kind: .executionFinished(done(8, -50))),
            EngineEvent(at: Fixtures.at(-30), kind: .error(source: "chain", message: "timeout")),
        ]
        var start = fresh()
        start.log = [LogLine(at: Fixtures.at(0), type: "console", text: "theme: not found", severity: .warning)]
        // All at once, as a console read it before.
        var whole = start
        _ = ConsoleReducer.reduce(&whole, .history(earlier + newest))

        let store = TestStore(start)
        store.send(.history(newest)) {
            $0.log += newest.compactMap(LogLine.init) + [LogLine(at: Fixtures.at(-30), type: "console",
                                                                 text: "console opened: the lines above are from the database")]
            $0.logHistoryStart = 1
            $0.recentExecutions = [done(8, -50)]
            $0.errors = [ErrorRecord(at: Fixtures.at(-30), source: "chain", message: "timeout")]
        }
        // Nothing is read while the dashboard shows no log.
        store.send(.earlierHistoryAvailable) { $0.earlierHistoryAvailable = true }
        store.send(ev(1, .schedulerStarted)) {
            $0.lastEventAt = Fixtures.at(1)
            $0.log.append(LogLine(at: Fixtures.at(1), type: "scheduler.started", text: "scheduler started"))
        }
        store.send(.keyPressed(.char("l")), effects: [.loadEarlierHistory]) {
            $0.view = .eventLog
            $0.earlierHistoryAvailable = false
        }
        store.send(.earlierHistory(earlier)) {
            $0.log.insert(contentsOf: earlier.compactMap(LogLine.init), at: 1)
            $0.recentExecutions = [done(8, -50), done(7, -100)]
            $0.errors = [ErrorRecord(at: Fixtures.at(-30), source: "chain", message: "timeout"),
                         ErrorRecord(at: Fixtures.at(-80), source: "chain", message: "old timeout")]
        }
        XCTAssertEqual(Array(store.state.log.dropLast()), whole.log)
        XCTAssertEqual(store.state.recentExecutions, whole.recentExecutions)
        XCTAssertEqual(store.state.errors, whole.errors)
        // Asked once: closing and opening the log again reads nothing more.
        store.send(.keyPressed(.char("l"))) { $0.view = .dashboard }
        store.send(.keyPressed(.char("l"))) { $0.view = .eventLog }
    }

    /// Opened while the log is shown, the earlier history is asked for at once; once the history's
    /// oldest lines scrolled out of the bounded log, older ones have no place and are dropped.
    func testEarlierHistoryKeepsTheLogBounded() {
        var state = fresh()
        state.view = .eventLog
        _ = ConsoleReducer.reduce(&state, .history([EngineEvent(at: Fixtures.at(-10), kind: .scanStarted(cycle: 9))]))
        XCTAssertEqual(state.logHistoryStart, 0)
        XCTAssertEqual(ConsoleReducer.reduce(&state, .earlierHistoryAvailable), [.loadEarlierHistory])
        XCTAssertFalse(state.earlierHistoryAvailable)
        for i in 0..<ConsoleState.maxLog - 1 {
            _ = ConsoleReducer.reduce(&state, .engineEvent(EngineEvent(at: Fixtures.at(Double(i)), kind: .scanStarted(cycle: i))))
        }
        XCTAssertEqual(state.log.count, ConsoleState.maxLog)
        XCTAssertNil(state.logHistoryStart)
        TestStore(state).send(.earlierHistory([EngineEvent(at: Fixtures.at(-20), kind: .scanStarted(cycle: 8))]))
    }

    func testSchedulerLifecycle() {
        let store = TestStore(fresh())
        store.send(ev(1, .schedulerStarted)) {
            $0.lastEventAt = Fixtures.at(1)
            $0.log = [LogLine(at: Fixtures.at(1), type: "scheduler.started", text: "scheduler started")]
        }
        store.send(ev(2, .schedulerHalted(reason: "circuit breaker: 3 failures"))) {
            $0.lastEventAt = Fixtures.at(2)
            $0.log.append(LogLine(at: Fixtures.at(2), type: "scheduler.halted", text: "scheduler HALTED: circuit breaker: 3 failures",
                                  severity: .error))
            $0.flash = Flash(text: "scheduler halted: circuit breaker: 3 failures", severity: .error, until: Fixtures.at(6))
        }
        store.send(ev(3, .schedulerResumed)) {
            $0.lastEventAt = Fixtures.at(3)
            $0.log.append(LogLine(at: Fixtures.at(3), type: "scheduler.resumed", text: "scheduler resumed"))
        }
        store.send(ev(4, .schedulerStopped(reason: "stopped by operator"))) {
            $0.lastEventAt = Fixtures.at(4)
            $0.log.append(LogLine(at: Fixtures.at(4), type: "scheduler.stopped", text: "scheduler stopped: stopped by operator"))
        }
    }

    func testScanFeedsMarketsAndSparklines() {
        let store = TestStore(fresh())
        store.send(ev(1, .scanStarted(cycle: 7))) {
            $0.lastEventAt = Fixtures.at(1)
            $0.scanningCycle = 7
            $0.log = [LogLine(at: Fixtures.at(1), type: "scan.started", text: "scan 7 started")]
        }
        let markets = [Fixtures.snapshot(.moonwell, "5.5", "0"), Fixtures.snapshot(.aaveV3, "4.25", "1000")]
        store.send(ev(2, .marketsScanned(cycle: 7, markets: markets, idle: Fixtures.usdc("12")))) {
            $0.lastEventAt = Fixtures.at(2)
            $0.marketsAt = Fixtures.at(2)
            $0.idle = Fixtures.usdc("12")
            $0.markets = [MarketLine(marketID: .aaveV3, apy: Decimal(string: "4.25")!, position: Fixtures.usdc("1000"), history: [4.25]),
                          MarketLine(marketID: .moonwell, apy: Decimal(string: "5.5")!, position: Fixtures.usdc("0"), history: [5.5])]
            $0.log.append(LogLine(at: Fixtures.at(2), type: "markets.scanned",
                                  text: "scan 7: Moonwell 5.50%, Aave V3 4.25%; idle 12.00"))
        }
        store.send(ev(3, .marketsScanned(cycle: 8, markets: [Fixtures.snapshot(.aaveV3, "4.5", "1000")], idle: Fixtures.usdc("12")))) {
            $0.lastEventAt = Fixtures.at(3)
            $0.marketsAt = Fixtures.at(3)
            $0.markets[0].apy = Decimal(string: "4.5")!
            $0.markets[0].history = [4.25, 4.5]
            $0.log.append(LogLine(at: Fixtures.at(3), type: "markets.scanned", text: "scan 8: Aave V3 4.50%; idle 12.00"))
        }
        store.send(ev(4, .scanFinished(cycle: 8, ok: false, opportunities: 0, executed: 0, durationMs: 1500, error: "rpc down"))) {
            $0.lastEventAt = Fixtures.at(4)
            $0.scanningCycle = nil
            $0.log.append(LogLine(at: Fixtures.at(4), type: "scan.finished", text: "scan 8 failed after 1.5s: rpc down", severity: .error))
        }
        store.send(ev(5, .cycleRetry(attempt: 2, retryAt: Fixtures.at(125), error: "rpc down"))) {
            $0.lastEventAt = Fixtures.at(5)
            $0.log.append(LogLine(at: Fixtures.at(5), type: "cycle.retry", text: "retry 2 at 11:08:45 after: rpc down", severity: .warning))
        }
    }

    func testOpportunityThenVerdictNamesTheFailingGate() {
        let store = TestStore(fresh())
        let rec = Fixtures.recommendation(1)
        store.send(ev(1, .opportunityFound(rec))) {
            $0.lastEventAt = Fixtures.at(1)
            $0.opportunities[rec.id] = OpportunityRow(recommendation: rec, foundAt: Fixtures.at(1))
            $0.opportunityOrder = [rec.id]
            $0.selectedOpportunity = rec.id
            $0.log = [LogLine(at: Fixtures.at(1), type: "opportunity.found", text: "Aave V3 → Moonwell 1,000.00 USDC 4.10% → 5.35%")]
        }
        let analysis = Fixtures.analysis(failing: "break_even")
        store.send(ev(2, .gateVerdict(recommendationID: rec.id, analysis: analysis))) {
            $0.lastEventAt = Fixtures.at(2)
            $0.opportunities[rec.id]?.analysis = analysis
            $0.opportunities[rec.id]?.verdict = .rejected(gate: "break_even", reason: "break_even not met")
            $0.log.append(LogLine(at: Fixtures.at(2), type: "gate.verdict", text: "rejected by break_even: break_even not met"))
        }
    }

    func testApprovalRequestedThenExpiredClosesTheOpenDialog() {
        let store = TestStore(fresh())
        let request = Fixtures.approval(3)
        store.send(ev(70, .approvalRequested(request))) {
            $0.lastEventAt = Fixtures.at(70)
            $0.opportunities[request.id] = OpportunityRow(recommendation: request.recommendation, analysis: request.analysis,
                                                          approval: request, verdict: .awaitingApproval(expiresAt: request.expiresAt),
                                                          foundAt: Fixtures.at(70))
            $0.opportunityOrder = [request.id]
            $0.awaitingApproval = [request.id]
            $0.selectedOpportunity = request.id
            $0.log = [LogLine(at: Fixtures.at(70), type: "approval.requested",
                              text: "approval needed: Aave V3 → Moonwell 1,000.00 until 12:07:50", severity: .warning)]
            $0.flash = Flash(text: "approval waiting: Aave V3 → Moonwell, press a to review", severity: .warning, until: Fixtures.at(6))
        }
        store.send(.keyPressed(.char("a"))) {
            $0.modal = .approval(id: request.id, choice: .cancel, scroll: 0)
            $0.focus = .opportunities
        }
        store.send(ev(80, .approvalResolved(recommendationID: request.id, outcome: .expired, detail: "expired at 12:07:50"))) {
            $0.lastEventAt = Fixtures.at(80)
            $0.modal = nil
            $0.awaitingApproval = []
            $0.opportunities[request.id]?.approval?.outcome = .expired
            $0.opportunities[request.id]?.verdict = .resolved(.expired, detail: "expired at 12:07:50")
            $0.flash = Flash(text: "approval expired by the engine: expired at 12:07:50", severity: .warning, until: Fixtures.at(6))
            $0.log.append(LogLine(at: Fixtures.at(80), type: "approval.resolved", text: "approval expired: expired at 12:07:50"))
        }
    }

    func testExecutionStepByStep() {
        let store = TestStore(fresh())
        let rec = Fixtures.recommendation(4)
        let x = Fixtures.id(90)
        store.send(ev(1, .executionStarted(executionID: x, recommendation: rec, steps: [.withdraw, .deposit]))) {
            $0.lastEventAt = Fixtures.at(1)
            $0.execution = ExecutionView(id: x, recommendation: rec, steps: [.init(step: .withdraw), .init(step: .deposit)],
                                         startedAt: Fixtures.at(1))
            $0.log = [LogLine(at: Fixtures.at(1), type: "execution.started", text: "executing Aave V3 → Moonwell 1,000.00 USDC")]
        }
        XCTAssertTrue(store.state.executionInFlight)
        store.send(ev(2, .stepStarted(executionID: x, step: .withdraw))) {
            $0.lastEventAt = Fixtures.at(2)
            $0.execution?.steps[0].status = .running
            $0.execution?.steps[0].startedAt = Fixtures.at(2)
            $0.log.append(LogLine(at: Fixtures.at(2), type: "step.started", text: "step withdraw started"))
        }
        let record = StepRecord(executionID: x, step: .withdraw, status: .succeeded, txHash: "0xfeed", gasUsed: 150_000,
                                startedAt: Fixtures.at(2), finishedAt: Fixtures.at(4))
        store.send(ev(4, .stepFinished(record))) {
            $0.lastEventAt = Fixtures.at(4)
            $0.execution?.steps[0].status = .succeeded
            $0.execution?.steps[0].record = record
            $0.log.append(LogLine(at: Fixtures.at(4), type: "step.finished", text: "step withdraw succeeded tx 0xfeed"))
        }
        let summary = ExecutionSummary(id: x, recommendation: rec, status: .stranded, startedAt: Fixtures.at(1),
                                       finishedAt: Fixtures.at(6), gasCostUSD: 1, error: "deposit reverted", failedStep: .deposit)
        store.send(ev(6, .executionFinished(summary))) {
            $0.lastEventAt = Fixtures.at(6)
            $0.execution?.summary = summary
            $0.recentExecutions = [summary]
            $0.log.append(LogLine(at: Fixtures.at(6), type: "execution.finished",
                                  text: "execution stranded: Aave V3 → Moonwell, gas $1.00: deposit reverted", severity: .error))
            $0.flash = Flash(text: "funds stranded in the wallet: deposit reverted", severity: .error, until: Fixtures.at(6))
        }
        XCTAssertFalse(store.state.executionInFlight)
    }

    func testErrorsAndLimitsAndTheStreamEnding() {
        let store = TestStore(fresh())
        store.send(ev(1, .error(source: "chain", message: "timeout"))) {
            $0.lastEventAt = Fixtures.at(1)
            $0.errors = [ErrorRecord(at: Fixtures.at(1), source: "chain", message: "timeout")]
            $0.log = [LogLine(at: Fixtures.at(1), type: "error", text: "chain: timeout", severity: .error)]
        }
        store.send(ev(2, .limitReached(limit: "max_rebalances_per_day", detail: "5 of 5 today"))) {
            $0.lastEventAt = Fixtures.at(2)
            $0.log.append(LogLine(at: Fixtures.at(2), type: "limit.reached", text: "limit max_rebalances_per_day: 5 of 5 today",
                                  severity: .warning))
            $0.flash = Flash(text: "limit reached: 5 of 5 today", severity: .warning, until: Fixtures.at(6))
        }
        store.send(.engineStreamEnded) {
            $0.engineConnected = false
            $0.log.append(LogLine(at: Fixtures.at(0), type: "console", text: "engine event stream ended", severity: .error))
        }
        XCTAssertEqual(store.state.staleReason, "engine disconnected")
    }

    func testANewScansProposalReplacesTheRejectedOnesOfItsRouteButNotWhatWasActedOn() {
        var state = fresh()
        func scan(_ n: Int, _ t: TimeInterval, from: MarketID? = .aaveV3, failing: String?) {
            _ = ConsoleReducer.reduce(&state, ev(t, .opportunityFound(Fixtures.recommendation(n, from: from))))
            _ = ConsoleReducer.reduce(&state, ev(t, .gateVerdict(recommendationID: Fixtures.id(n), analysis: Fixtures.analysis(failing: failing))))
        }
        scan(1, 0, failing: "min_profit")
        scan(2, 1, from: .morphoVault, failing: "min_profit") // another route
        XCTAssertEqual(state.selectedOpportunity, Fixtures.id(1))
        scan(3, 10, failing: "min_profit")
        XCTAssertEqual(Set(state.opportunities.keys), [Fixtures.id(2), Fixtures.id(3)], "scan 1's rejection of the route is gone")
        XCTAssertEqual(Set(state.opportunityOrder), [Fixtures.id(2), Fixtures.id(3)])
        XCTAssertEqual(state.selectedOpportunity, Fixtures.id(3), "the cursor follows its route to the new row")

        // A proposal that was executed stays as history when the route comes up again.
        scan(4, 20, failing: nil)
        _ = ConsoleReducer.reduce(&state, ev(21, .executionFinished(ExecutionSummary(
            id: Fixtures.id(90), recommendation: Fixtures.recommendation(4), status: .succeeded, startedAt: Fixtures.at(20)))))
        scan(5, 30, failing: "min_profit")
        XCTAssertEqual(Set(state.opportunities.keys), [Fixtures.id(2), Fixtures.id(4), Fixtures.id(5)])
        XCTAssertEqual(state.opportunities[Fixtures.id(4)]?.verdict, .executed)
    }

    func testMemoryStaysBoundedOverAWeekOfEvents() {
        var state = fresh()
        for i in 0..<1300 {
            _ = ConsoleReducer.reduce(&state, ev(Double(i), .opportunityFound(Fixtures.recommendation(10_000 + i))))
            _ = ConsoleReducer.reduce(&state, ev(Double(i), .error(source: "chain", message: "e\(i)")))
        }
        XCTAssertEqual(state.opportunities.count, ConsoleState.maxOpportunities)
        XCTAssertEqual(state.opportunityOrder.count, ConsoleState.maxOpportunities)
        XCTAssertEqual(state.errors.count, ConsoleState.maxErrors)
        XCTAssertEqual(state.log.count, ConsoleState.maxLog)
        XCTAssertEqual(state.errors.first?.message, "e1299", "newest error first")
        var sorted = state
        sorted.resortOpportunities()
        XCTAssertEqual(state.opportunityOrder, sorted.opportunityOrder, "insertion keeps the table sorted")
    }
}
