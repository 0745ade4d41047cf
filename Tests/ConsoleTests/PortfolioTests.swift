import Foundation
import MammonCore
import TerminalKit
import XCTest
@testable import Console

/// The portfolio view: folded from stored events, drawn at the sizes the issue names.
final class PortfolioTests: XCTestCase {
    func render(_ state: ConsoleState, _ w: Int, _ h: Int) -> ScreenBuffer {
        ConsoleRenderer.render(state, size: Size(width: w, height: h))
    }

    func portfolioState() -> ConsoleState {
        var state = Fixtures.busyState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("p")))
        return state
    }

    func testPortfolioViewAt80x24() { assertSnapshot(render(portfolioState(), 80, 24), named: "portfolio-80x24") }
    func testPortfolioViewAt200x60() { assertSnapshot(render(portfolioState(), 200, 60), named: "portfolio-200x60") }

    func testAnExpandedMoveShowsPredictionMeasurementAndTransactions() {
        var state = portfolioState()
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("j")))
        _ = ConsoleReducer.reduce(&state, .keyPressed(.enter))
        let move = state.portfolioSummary.scorecard.moves[1]
        XCTAssertEqual(state.expandedMoves, [move.id])
        let buffer = render(state, 200, 60)
        assertSnapshot(buffer, named: "portfolio-expanded-200x60")
        for needle in ["decided: 4.", "measured ", "staying: extra", "withdraw  0x", "deposit   0x"] {
            XCTAssertTrue(buffer.text.contains(needle), "expanded move lacks \(needle)")
        }
        _ = ConsoleReducer.reduce(&state, .keyPressed(.enter))
        XCTAssertEqual(state.expandedMoves, [], "Enter folds it again")
    }

    /// A console opens with its moves before their gate verdicts (reading those was half of reading
    /// the moves): the dashboard's scorecard line is already whole, and the verdicts, when they come,
    /// fill in the predictions and flags to exactly what reading them together gives.
    func testGateVerdictsArriveAfterTheMovesAndCompleteTheScorecard() {
        let full = Fixtures.portfolioBook()
        let expected = PortfolioSummary(book: full, chartSpan: .week)
        var state = ConsoleState(now: Fixtures.at(0), size: .init(width: 200, height: 60))
        _ = ConsoleReducer.reduce(&state, .restored(StoredRecords(portfolio: Fixtures.portfolioBook(verdicts: false))))
        let early = state.portfolioSummary.scorecard
        XCTAssertTrue(early.moves.allSatisfy { $0.move.analysis == nil && $0.flags.isEmpty })
        XCTAssertEqual([early.summary.moves, early.summary.wins], [expected.scorecard.summary.moves, expected.scorecard.summary.wins])
        XCTAssertEqual(early.summary.netBenefitUSD, expected.scorecard.summary.netBenefitUSD, "the dashboard's line needs no verdict")
        let dashboard = render(state, 200, 60).text
        XCTAssertTrue(dashboard.contains("\(expected.scorecard.summary.moves) moves, \(expected.scorecard.summary.wins) paid back"), dashboard)

        let wanted = try! XCTUnwrap(state.portfolio.movesWithoutVerdict)
        XCTAssertEqual(wanted.recommendations, Set(full.moves.map(\.execution.recommendation.id)))
        var verdicts: [UUID: ProfitabilityAnalysis] = [:]
        for move in full.moves { verdicts[move.execution.recommendation.id] = move.analysis }
        _ = ConsoleReducer.reduce(&state, .verdictsRestored(verdicts))
        XCTAssertEqual(state.portfolioSummary, expected)
        XCTAssertNil(state.portfolio.movesWithoutVerdict)
    }

    func testChartWindowCyclesAndTheChartsFollow() {
        var state = portfolioState()
        XCTAssertEqual(state.chartSpan, .week)
        XCTAssertEqual(state.portfolioSummary.valueSeries.count, 43, "the scan at the window's start and the 42 of the 7 days after it")
        _ = ConsoleReducer.reduce(&state, .keyPressed(.char("w")))
        XCTAssertEqual(state.chartSpan, .month)
        XCTAssertEqual(state.portfolioSummary.valueSeries.count, 60, "the whole ten days")
        assertSnapshot(render(state, 80, 24), named: "portfolio-30d-80x24")
        for _ in 0..<3 { _ = ConsoleReducer.reduce(&state, .keyPressed(.char("w"))) }
        XCTAssertEqual(state.chartSpan, .week, "since start, 24 h, and round to 7 d again")
    }

    /// From 159 columns: Scheduler's two fifths (63), Execution's least (38) and the glance's 58.
    func testTheDashboardShowsThePortfolioPaneOnlyWhenWide() {
        XCTAssertTrue(render(Fixtures.busyState(), 200, 60).text.contains("Portfolio"))
        XCTAssertTrue(render(Fixtures.busyState(), 159, 40).text.contains("┌ Portfolio"))
        XCTAssertFalse(render(Fixtures.busyState(), 158, 40).text.contains("┌ Portfolio"))
    }

    func testTheViewsSummaryIsWhatTheBookMeasures() throws {
        let state = portfolioState()
        let book = Fixtures.portfolioBook()
        let all = EarningsCalculator.window(book.intervals, span: .all)
        XCTAssertEqual(state.portfolioSummary.window(.all)?.treasury, all.treasury)
        XCTAssertGreaterThan(all.treasury.earned, 0)
        let total = try XCTUnwrap(book.last).totalBaseUnits
        XCTAssertEqual(state.portfolioSummary.total.baseUnits, total)
        XCTAssertEqual(state.portfolioSummary.holdings.map(\.name), ["Moonwell", "Aave V3", "Morpho", "Wallet"])
        XCTAssertEqual(state.portfolioSummary.holdings.reduce(Decimal(0)) { $0 + $1.sharePct }.fixed(6), "100.000000")
        let card = state.portfolioSummary.scorecard
        XCTAssertEqual(card.moves.count, 3, "three moves completed; the failed one only costs gas")
        XCTAssertEqual(card.summary.failedGasUSD, Decimal(string: "0.0027"))
    }

    func testLiveStoredEventsFoldIntoTheBooksAndUnstoredOnesDoNot() {
        var state = ConsoleState(now: Fixtures.at(0), size: Size(width: 80, height: 24))
        func scan(_ seq: Int64, _ t: TimeInterval, aave: String, moonwell: String, idle: String) {
            var e = EngineEvent(at: Fixtures.at(t), kind: .marketsScanned(cycle: Int(seq), markets: [
                Fixtures.snapshot(.aaveV3, "4.0", aave), Fixtures.snapshot(.moonwell, "5.0", moonwell)], idle: Fixtures.usdc(idle)))
            e.sequence = seq
            _ = ConsoleReducer.reduce(&state, .engineEvent(e))
        }
        func send(_ seq: Int64, _ t: TimeInterval, _ kind: EngineEvent.Kind) {
            _ = ConsoleReducer.reduce(&state, .engineEvent(EngineEvent(sequence: seq, at: Fixtures.at(t), kind: kind)))
        }
        scan(1, 0, aave: "1000", moonwell: "0", idle: "0")
        let rec = Fixtures.recommendation(5, from: .aaveV3, to: .moonwell, amount: "400")
        let exec = Fixtures.id(50)
        send(2, 1, .gateVerdict(recommendationID: rec.id, analysis: Fixtures.analysis(amount: 400)))
        send(3, 1, .executionStarted(executionID: exec, recommendation: rec, steps: ExecutionStep.plan(for: rec)))
        send(4, 2, .stepFinished(StepRecord(executionID: exec, step: .withdraw, status: .succeeded, txHash: "0x01", finishedAt: Fixtures.at(2))))
        send(5, 3, .stepFinished(StepRecord(executionID: exec, step: .deposit, status: .succeeded, txHash: "0x02", finishedAt: Fixtures.at(3))))
        send(6, 3, .executionFinished(ExecutionSummary(id: exec, recommendation: rec, status: .succeeded, startedAt: Fixtures.at(1),
                                                       finishedAt: Fixtures.at(3), gasUsed: 1, gasCostUSD: Decimal(string: "0.01")!)))
        scan(7, 3600, aave: "600.01", moonwell: "400.03", idle: "0")
        // A scan the store never held (sequence 0) is not in the books.
        _ = ConsoleReducer.reduce(&state, Fixtures.event(7200, .marketsScanned(cycle: 9, markets: [Fixtures.snapshot(.aaveV3, "4", "9999")],
                                                                                 idle: Fixtures.usdc("0"))))
        let all = state.portfolioSummary.window(.all)
        XCTAssertEqual(all?.treasury.earned, 40_000, "0.01 + 0.03: the 400 moved is a flow, not earnings")
        XCTAssertEqual(all?.markets[.moonwell]?.earned, 30_000)
        XCTAssertEqual(state.portfolioSummary.asOf, Fixtures.at(3600))
        XCTAssertEqual(state.portfolioSummary.scorecard.moves.first?.move.analysis, Fixtures.analysis(amount: 400))
        XCTAssertEqual(state.portfolioSummary.scorecard.moves.first?.move.steps.map(\.txHash), ["0x01", "0x02"])
    }

    func testStoredRecordsFillExecutionsErrorsAndTheLastMarketsWithTheirAge() {
        var state = ConsoleState(now: Fixtures.at(7200), size: Size(width: 80, height: 24))
        let done = ExecutionSummary(id: Fixtures.id(9), recommendation: Fixtures.recommendation(1), status: .succeeded,
                                    startedAt: Fixtures.at(-90_000), finishedAt: Fixtures.at(-89_990))
        let scan = StoredRecords.LastScan(at: Fixtures.at(0), markets: [Fixtures.snapshot(.aaveV3, "4.1", "10")], idle: Fixtures.usdc("5"))
        _ = ConsoleReducer.reduce(&state, .restored(StoredRecords(executions: [done], errors: [ErrorRecord(at: Fixtures.at(-5), source: "s", message: "m")],
                                                                  lastScan: scan, portfolio: Fixtures.portfolioBook())))
        XCTAssertEqual(state.recentExecutions, [done])
        XCTAssertEqual(state.errors.map(\.message), ["m"])
        XCTAssertEqual(state.markets.map(\.marketID), [.aaveV3])
        XCTAssertEqual(state.dataAge, "2h00m")
        XCTAssertEqual(state.markets[0].history.count, 60, "the recorded APYs of the 60 intervals feed the sparkline")
        XCTAssertTrue(render(state, 80, 24).text.contains("data 2h00m old"))
        XCTAssertTrue(render(state, 80, 24).text.contains("none running · last 1d02h ago"), render(state, 80, 24).text)
    }
}
