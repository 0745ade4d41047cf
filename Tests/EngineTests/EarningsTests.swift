import Chain
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// Weeks of scans on the simulated network with a hand-moved clock: interest accrues per block,
/// the engine moves funds between markets, and the measured earnings match the chain to the base unit.
final class EarningsTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    /// Gates loose enough that the drifting rates make the engine move funds back and forth. Judged
    /// on spot rates without waiting between moves: over a 24 h window the hourly drift averages
    /// out and the engine settles in one market after two moves (GuardTests shows that), while
    /// these tests need flows between scans to measure.
    func restless() -> MammonConfig {
        var config = MammonConfig.movesAtOnce
        config.gates = GateThresholds(minProfitUSD: 0, maxBreakEvenDays: 365, minAPYImprovement: Decimal(string: "0.05")!,
                                      minRebalanceAmountUSD: 100)
        config.maxTransactionValueUSD = 10_000
        config.maxRebalancesPerDay = 20
        return config
    }

    func testThreeWeeksOfScansEarnWhatTheChainCreditedToTheBaseUnit() async throws {
        fixture.config = restless()
        let (engine, chain, store) = try await fixture.open()
        var credited: [[MarketID: UInt128]] = []
        for _ in 0..<(21 * 6) {
            let ok = await engine.runOnce()
            XCTAssertTrue(ok)
            credited.append(await chain.ledger.interest)
            fixture.clock.advance(by: 4 * 3600)
        }
        let history = try store.balanceObservations()
        let flows = try store.treasuryFlows()
        XCTAssertEqual(history.count, 126)
        let moves = try store.executions(limit: 1000).filter { $0.status == .succeeded }
        XCTAssertGreaterThan(moves.count, 4, "the rates drifted enough to move funds between scans")
        XCTAssertEqual(flows.count, moves.reduce(0) { $0 + ($1.recommendation.from == nil ? 1 : 2) })

        let intervals = EarningsCalculator.intervals(history, flows: flows)
        XCTAssertEqual(intervals.count, 125)
        // Each interval, each market: what the calculator measured is what the chain credited.
        for (i, interval) in intervals.enumerated() {
            for market in MarketID.originals {
                let paid = Int128(credited[i + 1][market] ?? 0) - Int128(credited[i][market] ?? 0)
                XCTAssertEqual(interval.markets[market]?.earned, paid, "interval \(i), \(market)")
            }
        }
        // Since start: the whole treasury grew by exactly what it earned (moves only shuffle funds).
        let all = EarningsCalculator.window(intervals, span: .all)
        let ledger = await chain.ledger
        let paid = ledger.interest.values.reduce(0, +) - (credited[0].values.reduce(0, +))
        XCTAssertEqual(all.treasury.earned, Int128(paid))
        XCTAssertEqual(all.treasury.earned, Int128(history.last!.totalBaseUnits) - Int128(history.first!.totalBaseUnits))
        XCTAssertGreaterThan(all.treasury.earned, 0)
        XCTAssertEqual(Int128(ledger.totalToken), Int128(history.last!.totalBaseUnits), "the last scan saw the whole ledger")

        // Realized APYs are what the drifting quotes paid: within a few basis points of their mean.
        let week = EarningsCalculator.window(intervals, span: .week)
        XCTAssertEqual(week.from, history[history.count - 43].at, "7 d back from the last scan: 42 intervals")
        for market in [MarketID.moonwell, .morphoVault] {
            let merged = intervals.suffix(42).reduce(into: MarketEarnings()) { $0 = $0.followed(by: $1.markets[market]!) }
            guard merged.capitalSeconds > 0 else { continue }
            let realized = try XCTUnwrap(week.markets[market]?.realizedAPY)
            let quoted = try XCTUnwrap(merged.meanQuotedAPY)
            XCTAssertLessThan(abs(realized - quoted), Decimal(string: "0.1")!, "\(market): realized \(realized) vs quoted \(quoted)")
        }

        // The scorecard: every move scored against its own gate verdict, and the counterfactual is the
        // source's APY as the position history recorded it over the move's period (recomputed here).
        let records = try store.moveRecords()
        XCTAssertEqual(records.count, try store.executions(limit: 1000).count)
        XCTAssertTrue(records.allSatisfy { $0.analysis != nil }, "each move's verdict is found in the log")
        // A console reads the moves first and their verdicts after: the same records in the end.
        var book = PortfolioBook(observations: [], flows: [], moves: try store.moveRecords(verdicts: false))
        XCTAssertTrue(book.moves.allSatisfy { $0.analysis == nil })
        let wanted = try XCTUnwrap(book.movesWithoutVerdict)
        book.attach(verdicts: try store.gateVerdicts(for: wanted.recommendations, since: wanted.since))
        XCTAssertEqual(book.moves, Array(records.suffix(PortfolioBook.maxMoves)))
        XCTAssertNil(book.movesWithoutVerdict)
        let card = RebalanceScorecard.score(records, intervals: intervals)
        XCTAssertEqual(card.moves.count, moves.count)
        var differsFromDecision = 0
        for score in card.moves where score.to > score.from {
            guard let source = score.execution.recommendation.from else {
                XCTAssertEqual(score.sourceMeasuredAPY, 0)
                continue
            }
            var weighted = Decimal(0), seconds = Decimal(0)
            for (a, b) in zip(history, history.dropFirst()) where b.at > score.from && a.at < score.to {
                let dt = EarningsCalculator.seconds(from: a.at, to: b.at)
                weighted += a.market(source)!.apy * dt
                seconds += dt
            }
            XCTAssertEqual(score.sourceMeasuredAPY, weighted / seconds, "move \(score.id)")
            if score.sourceMeasuredAPY != score.move.analysis?.currentAPY { differsFromDecision += 1 }
            XCTAssertTrue(score.flags.allSatisfy { if case .gas = $0 { false } else { true } },
                          "simulated gas is within 50 % of its estimate (the estimate prices the max fee)")
        }
        XCTAssertGreaterThan(differsFromDecision, 0, "over periods longer than a scan the source's rate drifted from the decision's quote")
        XCTAssertEqual(card.summary.totalGasUSD, moves.reduce(0) { $0 + $1.gasCostUSD })
        XCTAssertEqual(card.summary.netBenefitUSD, card.summary.extraEarnedUSD - card.summary.totalGasUSD)
    }

    func testNoTimeNoInterest() async throws {
        let (engine, chain, store) = try await fixture.open()
        for _ in 0..<3 { _ = await engine.runOnce() }
        let ledger = await chain.ledger
        XCTAssertTrue(ledger.interest.values.allSatisfy { $0 == 0 }, "the clock never moved: nothing accrued")
        XCTAssertEqual(ledger.totalToken, 4_000_000_000)
        let all = EarningsCalculator.window(EarningsCalculator.intervals(try store.balanceObservations(), flows: try store.treasuryFlows()), span: .all)
        XCTAssertEqual(all.treasury.earned, 0, "moves at one clock time are flows, not earnings")
    }

    func testAccruedLedgerSurvivesARestart() async throws {
        do {
            let (engine, _, _) = try await fixture.open()
            _ = await engine.runOnce()
            fixture.clock.advance(by: 86_400)
            _ = await engine.runOnce()
            await engine.shutdown()
        }
        let (_, chain, store) = try await fixture.open()
        let restored = await chain.ledger
        let last = try XCTUnwrap(store.latestBalanceObservation())
        XCTAssertEqual(restored.totalToken, last.totalBaseUnits, "the stored ledger is the one the last scan saw")
        XCTAssertGreaterThan(restored.interest.values.reduce(0, +), 0)
        XCTAssertEqual(restored.accruedThrough, Int64(EngineFixture.start.timeIntervalSince1970) + 86_400)
        XCTAssertGreaterThanOrEqual(last.block ?? 0, 43_200, "a day of 2-second blocks passed between the scans")
    }
}
