import Foundation
import MammonCore
import XCTest

final class PortfolioBookTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func obs(_ hours: Double, _ log: Int64, aave: UInt128, moonwell: UInt128 = 0) -> BalanceObservation {
        BalanceObservation(at: t0.addingTimeInterval(hours * 3600), logPosition: log, idle: TokenAmount(baseUnits: 0, decimals: 6),
                           markets: [MarketBalance(marketID: .aaveV3, amount: TokenAmount(baseUnits: aave, decimals: 6), apy: 4),
                                     MarketBalance(marketID: .moonwell, amount: TokenAmount(baseUnits: moonwell, decimals: 6), apy: 5)])
    }

    func testFoldingEventsGivesWhatTheStoreWouldAndOldDaysAreCompacted() {
        var book = PortfolioBook()
        var all: [BalanceObservation] = []
        for h in 0..<(24 * 40) {
            let o = obs(Double(h), Int64(h * 10), aave: 1_000_000_000 + UInt128(h) * 137)
            all.append(o)
            book.observe(o)
        }
        XCTAssertLessThan(book.intervals.count, 24 * 31, "older than 30 days: one interval a day")
        XCTAssertEqual(EarningsCalculator.window(book.intervals, span: .all).treasury.earned, Int128(24 * 40 - 1) * 137)
        XCTAssertEqual(EarningsCalculator.window(book.intervals, span: .day), EarningsCalculator.window(EarningsCalculator.intervals(all, flows: []), span: .day))
        book.observe(obs(1, 10, aave: 5)) // older than what the book holds: ignored
        XCTAssertEqual(book.last, all.last)
    }

    func testAMoveBetweenScansIsAFlowAndItsVerdictStaysWithIt() {
        var book = PortfolioBook(observations: [obs(0, 10, aave: 1_000_000_000)], flows: [], moves: [])
        let rec = RebalanceRecommendation(id: UUID(), from: .aaveV3, to: .moonwell, token: .usdc, amount: TokenAmount(baseUnits: 400_000_000, decimals: 6),
                                          currentAPY: 4, expectedAPY: 5, reason: "r", confidence: 1)
        let exec = UUID()
        let plan = MovePlan(withdrawGas: 1, approveGas: 1, depositGas: 1, gasPriceGwei: 1, ethUSD: 1)
        let analysis = ProfitabilityGate.analyze(currentAPY: 4, targetAPY: 5, amountUSD: 400, plan: plan, thresholds: GateThresholds())
        book.verdict(rec.id, analysis)
        book.executionStarted(exec, recommendation: rec)
        book.stepFinished(StepRecord(executionID: exec, step: .withdraw, status: .succeeded), logPosition: 12, at: t0)
        book.stepFinished(StepRecord(executionID: exec, step: .deposit, status: .succeeded), logPosition: 14, at: t0)
        book.executionFinished(ExecutionSummary(id: exec, recommendation: rec, status: .succeeded, startedAt: t0, finishedAt: t0))
        book.observe(obs(1, 20, aave: 600_000_100, moonwell: 400_000_050))
        XCTAssertEqual(book.intervals.last?.earned, 150)
        XCTAssertEqual(book.moves.first?.analysis, analysis)
        XCTAssertEqual(book.moves.first?.steps.map(\.step), [.withdraw, .deposit])
        // Steps of an execution the book never saw start are not guessed into flows.
        book.stepFinished(StepRecord(executionID: UUID(), step: .deposit, status: .succeeded), logPosition: 22, at: t0)
        book.observe(obs(2, 30, aave: 600_000_100, moonwell: 400_000_050))
        XCTAssertEqual(book.intervals.last?.earned, 0)
    }
}
