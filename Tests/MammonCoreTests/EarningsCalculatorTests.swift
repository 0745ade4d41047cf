import Foundation
import MammonCore
import XCTest

final class EarningsCalculatorTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    func usdc(_ units: UInt128) -> TokenAmount { TokenAmount(baseUnits: units, decimals: 6) }

    func observation(_ hours: Double, log: Int64, idle: UInt128, _ markets: [(MarketID, UInt128, String)]) -> BalanceObservation {
        BalanceObservation(at: t0.addingTimeInterval(hours * 3600), logPosition: log, idle: usdc(idle),
                           markets: markets.map { MarketBalance(marketID: $0.0, amount: usdc($0.1), apy: Decimal(string: $0.2)!) })
    }

    func flow(_ log: Int64, _ hours: Double, _ market: MarketID, _ direction: TreasuryFlow.Direction, _ units: UInt128) -> TreasuryFlow {
        TreasuryFlow(logPosition: log, at: t0.addingTimeInterval(hours * 3600), market: market, direction: direction, amount: usdc(units),
                     executionID: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!)
    }

    func testLogAndExpAgreeWithKnownValuesTo16Digits() {
        XCTAssertEqual(DecimalMath.log(1)!, 0)
        XCTAssertNil(DecimalMath.log(0))
        XCTAssertEqual(DecimalMath.log(2)!.fixed(16), "0.6931471805599453")
        XCTAssertEqual(DecimalMath.log(Decimal(string: "1.05")!)!.fixed(16), "0.0487901641694320")
        XCTAssertEqual(DecimalMath.log(Decimal(string: "0.01")!)!.fixed(15), "-4.605170185988091")
        XCTAssertEqual(DecimalMath.exp(1).fixed(16), "2.7182818284590452")
        XCTAssertEqual(DecimalMath.exp(-1).fixed(16), "0.3678794411714423")
        XCTAssertEqual(DecimalMath.exp(10).fixed(10), "22026.4657948067")
        // A year of 2-second compounding at 5 % is 5 %.
        let perBlock = DecimalMath.growth(rate: Decimal(string: "0.05")!, exponent: 2 / DecimalMath.secondsPerYear)!
        XCTAssertEqual(DecimalMath.exp(DecimalMath.log(perBlock)! * DecimalMath.secondsPerYear / 2).fixed(8), "1.05000000")
    }

    func testEarningsAreBalanceGrowthNetOfTheEnginesOwnFlows() {
        // Aave 1,000 → 1,000.10 in an hour, then 400 withdrawn and deposited into Moonwell at the
        // same clock time as the scan (ordered by log position), then each grows.
        let obs = [
            observation(0, log: 10, idle: 0, [(.aaveV3, 1_000_000_000, "4.0"), (.moonwell, 0, "5.0")]),
            observation(1, log: 20, idle: 0, [(.aaveV3, 1_000_100_000, "4.0"), (.moonwell, 0, "5.0")]),
            observation(2, log: 40, idle: 0, [(.aaveV3, 600_160_000, "4.0"), (.moonwell, 400_050_000, "5.0")]),
        ]
        let flows = [flow(25, 1, .aaveV3, .withdraw, 400_000_000), flow(27, 1, .moonwell, .deposit, 400_000_000)]
        let intervals = EarningsCalculator.intervals(obs, flows: flows)
        XCTAssertEqual(intervals.count, 2)
        XCTAssertEqual(intervals[0].markets[.aaveV3]?.earned, 100_000)
        XCTAssertEqual(intervals[1].markets[.aaveV3]?.earned, 60_000, "600.16 − 1,000.10 + 400 withdrawn")
        XCTAssertEqual(intervals[1].markets[.moonwell]?.earned, 50_000, "400.05 − 400 deposited")
        XCTAssertEqual(intervals[1].markets[.moonwell]?.deposited, 400_000_000)
        let all = EarningsCalculator.window(intervals, span: .all)
        XCTAssertEqual(all.treasury.earned, 210_000)
        XCTAssertEqual(all.markets[.aaveV3]?.earned, 160_000)
        XCTAssertEqual(all.earnedAmount, Decimal(string: "0.21"))
        XCTAssertEqual(all.from, t0)
        XCTAssertEqual(all.to, t0.addingTimeInterval(7200))
    }

    func testAFlowAtTheSameClockTimeAsAScanIsPlacedByLogPosition() {
        // Two scans at the same time with a deposit between them: the deposit is not earnings.
        let obs = [
            observation(0, log: 5, idle: 500_000_000, [(.moonwell, 0, "5.0")]),
            observation(0, log: 9, idle: 0, [(.moonwell, 500_000_000, "5.0")]),
            observation(1, log: 12, idle: 0, [(.moonwell, 500_030_000, "5.0")]),
        ]
        let intervals = EarningsCalculator.intervals(obs, flows: [flow(7, 0, .moonwell, .deposit, 500_000_000)])
        XCTAssertEqual(intervals.map { $0.markets[.moonwell]?.earned }, [0, 30_000])
    }

    func testRealizedAPYCompoundsTheMeasuredRate() throws {
        // 1,000 growing 0.0133681 % a day (5 % a year compounded daily) for 30 days.
        var obs: [BalanceObservation] = []
        var balance = Decimal(1_000_000_000)
        let daily = DecimalMath.growth(rate: Decimal(string: "0.05")!, exponent: Decimal(1) / 365)!
        for day in 0...30 {
            let units = UInt128(balance.rounded(0).plainString)!
            obs.append(observation(Double(day) * 24, log: Int64(day), idle: 0, [(.aaveV3, units, "5")]))
            balance *= daily
        }
        let intervals = EarningsCalculator.intervals(obs, flows: [])
        let month = EarningsCalculator.window(intervals, span: .month)
        let apy = try XCTUnwrap(month.markets[.aaveV3]?.realizedAPY)
        XCTAssertEqual(apy.fixed(2), "5.00", "realized \(apy)")
        XCTAssertEqual(month.treasury.realizedAPY?.fixed(2), "5.00")
        let day = EarningsCalculator.window(intervals, span: .day)
        XCTAssertEqual(day.from, obs[29].at, "24 h is the last day's interval")
        XCTAssertEqual(day.treasury.earned, Int128(obs[30].totalBaseUnits) - Int128(obs[29].totalBaseUnits))
        let week = EarningsCalculator.window(intervals, span: .week)
        XCTAssertEqual(week.from, obs[23].at)
        XCTAssertEqual(intervals[0].markets[.aaveV3]?.meanQuotedAPY, 5)
    }

    func testIdleFundsCountInTheTreasurysCapitalAndEarnNothing() {
        let obs = [observation(0, log: 1, idle: 1_000_000_000, [(.aaveV3, 1_000_000_000, "5")]),
                   observation(24 * 365, log: 2, idle: 1_000_000_000, [(.aaveV3, 1_050_000_000, "5")])]
        let all = EarningsCalculator.window(EarningsCalculator.intervals(obs, flows: []), span: .all)
        XCTAssertEqual(all.markets[.aaveV3]?.realizedAPY?.fixed(2), "5.13", "simple 5 % over one interval, compounded continuously")
        XCTAssertEqual(all.treasury.realizedAPY?.fixed(2), "2.53", "half the treasury idle")
    }

    func testCompactionKeepsEveryBaseUnit() {
        var obs: [BalanceObservation] = []
        for h in 0..<(24 * 5) {
            obs.append(observation(Double(h), log: Int64(h), idle: 7, [(.aaveV3, UInt128(1_000_000_000 + h * h * 13), "4.2")]))
        }
        let intervals = EarningsCalculator.intervals(obs, flows: [])
        let compact = EarningsCalculator.compacted(intervals, everyScanFrom: obs[96].at, dailyBefore: obs[48].at)
        XCTAssertEqual(compact.filter { $0.to >= obs[96].at }.count, intervals.filter { $0.to >= obs[96].at }.count, "every scan of the newest day")
        let blocks = compact.filter { $0.to >= obs[48].at && $0.to < obs[96].at }
        XCTAssertTrue(blocks.allSatisfy { $0.to.timeIntervalSince($0.from) <= 4 * 3600 }, "one interval per 4 hours at most")
        XCTAssertEqual(Set(blocks.map { Int($0.to.timeIntervalSince1970 / 14_400) }).count, blocks.count, "one per 4-hour block")
        let days = compact.filter { $0.to < obs[48].at }
        XCTAssertEqual(Set(days.map(\.to.utcDay)).count, days.count, "one per UTC day before")
        XCTAssertLessThan(days.count + blocks.count, intervals.filter { $0.to < obs[96].at }.count)
        XCTAssertEqual(EarningsCalculator.window(compact, span: .all).treasury, EarningsCalculator.window(intervals, span: .all).treasury)
        XCTAssertEqual(EarningsCalculator.window(compact, span: .day), EarningsCalculator.window(intervals, span: .day), "the last 24 h are exact")
        XCTAssertEqual(compact.last, intervals.last)
    }

    func testNoHistoryAndASingleScanEarnNothing() {
        XCTAssertNil(EarningsCalculator.window([], span: .all).from)
        XCTAssertTrue(EarningsCalculator.intervals([observation(0, log: 1, idle: 0, [])], flows: []).isEmpty)
    }
}
