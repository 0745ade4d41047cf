import Foundation
import MammonCore
import XCTest

final class RebalanceScorecardTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func usdc(_ units: UInt128) -> TokenAmount { TokenAmount(baseUnits: units, decimals: 6) }
    func hours(_ h: Double) -> Date { t0.addingTimeInterval(h * 3600) }

    func analysis(current: Decimal, target: Decimal, gasUSD: Decimal, amount: Decimal = 1000) -> ProfitabilityAnalysis {
        let costs = CostBreakdown(withdrawGasUSD: gasUSD / 2, approveGasUSD: gasUSD / 4, swapGasUSD: 0, depositGasUSD: gasUSD / 4,
                                  slippageUSD: 0, protocolFeesUSD: 0)
        let gain = amount * (target - current) / 100
        return ProfitabilityAnalysis(currentAPY: current, targetAPY: target, amountUSD: amount, apyImprovement: target - current,
                                     annualGainUSD: gain, costs: costs, netGainUSD: gain - gasUSD, breakEvenDays: 1, roiPct: 1, gates: [])
    }

    func move(_ n: Int, from: MarketID?, to: MarketID, units: UInt128, at: Date, status: ExecutionStatus = .succeeded,
              gasUSD: Decimal, analysis: ProfitabilityAnalysis?) -> MoveRecord {
        let rec = RebalanceRecommendation(id: UUID(), from: from, to: to, token: .usdc, amount: usdc(units), currentAPY: 0, expectedAPY: 0,
                                          reason: "r", confidence: 1)
        let id = UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!
        return MoveRecord(execution: ExecutionSummary(id: id, recommendation: rec, status: status, startedAt: at, finishedAt: at,
                                                      gasUsed: 300_000, gasCostUSD: gasUSD), analysis: analysis)
    }

    /// Ten days, one scan a day: Aave (the source) recorded at 3 % every day, whatever a verdict said; Moonwell holds 1,000 and grows 5 % a year, measured from its balance.
    func history() -> [EarningsInterval] {
        var obs: [BalanceObservation] = []
        let daily = DecimalMath.growth(rate: Decimal(string: "0.05")!, exponent: Decimal(1) / 365)!
        var moonwell = Decimal(1_000_000_000)
        for day in 0...10 {
            obs.append(BalanceObservation(at: hours(Double(day) * 24), logPosition: Int64(day * 10), idle: usdc(0), markets: [
                MarketBalance(marketID: .aaveV3, amount: usdc(0), apy: 3),
                MarketBalance(marketID: .moonwell, amount: usdc(UInt128(moonwell.rounded(0).plainString)!), apy: 5),
            ]))
            moonwell *= daily
        }
        return EarningsCalculator.intervals(obs, flows: [])
    }

    func testTheCounterfactualUsesTheSourcesMeasuredAPYNotThePrediction() throws {
        let m = move(1, from: .aaveV3, to: .moonwell, units: 1_000_000_000, at: t0, gasUSD: Decimal(string: "0.01")!,
                     analysis: analysis(current: Decimal(string: "3.5")!, target: 5, gasUSD: Decimal(string: "0.011")!))
        let card = RebalanceScorecard.score([m], intervals: history())
        let score = try XCTUnwrap(card.moves.first)
        XCTAssertEqual(score.sourceMeasuredAPY, 3, "what Aave was recorded paying, not the 3.5 % the verdict assumed")
        XCTAssertEqual(score.targetRealizedAPY?.fixed(3), "5.000")
        XCTAssertEqual(score.days, 10)
        // 1,000 for 10 days: 3 % → 0.8102, 5 % → 1.3377.
        XCTAssertEqual(score.sourceWouldHaveEarnedUSD.fixed(4), "0.8102")
        XCTAssertEqual(score.earnedInTargetUSD.fixed(4), "1.3377")
        XCTAssertEqual(score.netBenefitUSD.fixed(4), "0.5175")
        XCTAssertTrue(score.paidBack)
        XCTAssertEqual(score.flags, [], "gas within 50 %, APY gain 2 pp vs 1.5 pp predicted: within 1 pp")
        XCTAssertEqual(card.summary.winRate, 100)
    }

    func testBadlyWrongEstimatesAreFlagged() throws {
        let m = move(1, from: .aaveV3, to: .moonwell, units: 1_000_000_000, at: t0, gasUSD: Decimal(string: "0.02")!,
                     analysis: analysis(current: 4, target: Decimal(string: "7.5")!, gasUSD: Decimal(string: "0.01")!))
        let score = try XCTUnwrap(RebalanceScorecard.score([m], intervals: history()).moves.first)
        guard score.flags.count == 2 else { return XCTFail("\(score.flags)") }
        XCTAssertEqual(score.flags[0], .gas(estimatedUSD: Decimal(string: "0.01")!, actualUSD: Decimal(string: "0.02")!))
        guard case .apy(let predicted, let realized) = score.flags[1] else { return XCTFail("\(score.flags)") }
        XCTAssertEqual(predicted, Decimal(string: "3.5"), "1.5 pp more than the 2 pp measured")
        XCTAssertEqual(realized.fixed(2), "2.00")
        XCTAssertEqual(score.flags[0].description, "gas $0.0200 vs $0.0100 estimated (100% above)")
    }

    func testAMoveEndsWhenALaterMoveTakesFundsOutOfItsTargetAndFailedMovesCostGas() throws {
        let first = move(1, from: .aaveV3, to: .moonwell, units: 1_000_000_000, at: t0, gasUSD: 1, analysis: nil)
        let out = move(2, from: .moonwell, to: .aaveV3, units: 1_000_000_000, at: hours(48), gasUSD: 1, analysis: nil)
        let failed = move(3, from: .aaveV3, to: .moonwell, units: 1_000_000_000, at: hours(72), status: .failed,
                          gasUSD: Decimal(string: "0.5")!, analysis: nil)
        let card = RebalanceScorecard.score([first, out, failed], intervals: history())
        XCTAssertEqual(card.moves.map(\.id), [out.execution.id, first.execution.id], "newest first; the failed one is no move")
        XCTAssertEqual(card.moves[1].to, hours(48))
        XCTAssertEqual(card.moves[0].to, hours(240), "the last move runs to the newest scan")
        XCTAssertFalse(card.moves[1].paidBack, "two days of 2 pp on 1,000 do not pay $1 of gas")
        XCTAssertEqual(card.summary.moves, 2)
        XCTAssertEqual(card.summary.wins, 0)
        XCTAssertEqual(card.summary.winRate, 0)
        XCTAssertEqual(card.summary.totalGasUSD, Decimal(string: "2.5"))
        XCTAssertEqual(card.summary.failedGasUSD, Decimal(string: "0.5"))
        XCTAssertEqual(card.summary.netBenefitUSD, card.summary.extraEarnedUSD - Decimal(string: "2.5")!)
        XCTAssertFalse(card.summary.paybackAchieved)
    }

    func testIdleFundsWouldHaveEarnedNothing() throws {
        let m = move(1, from: nil, to: .moonwell, units: 1_000_000_000, at: t0, gasUSD: 0, analysis: nil)
        let score = try XCTUnwrap(RebalanceScorecard.score([m], intervals: history()).moves.first)
        XCTAssertEqual(score.sourceMeasuredAPY, 0)
        XCTAssertEqual(score.sourceWouldHaveEarnedUSD, 0)
        XCTAssertEqual(score.extraEarnedUSD, score.earnedInTargetUSD)
    }

    func testExplorerLinksOnlyForNetworksWithAnExplorer() {
        XCTAssertEqual(Explorer.transactionURL(network: "base", hash: "0xab"), "https://basescan.org/tx/0xab")
        XCTAssertEqual(Explorer.transactionURL(network: "base-sepolia", hash: "0xab"), "https://sepolia.basescan.org/tx/0xab")
        XCTAssertNil(Explorer.transactionURL(network: "simulated", hash: "0xab"))
        XCTAssertNil(Explorer.transactionURL(network: "file:devnet", hash: "0xab"))
    }
}
