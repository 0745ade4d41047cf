import Foundation
import MammonCore
import XCTest

final class DomainTests: XCTestCase {
    func testTokenAmountParsesAndPrintsExactly() throws {
        let a = try TokenAmount(decimalString: "1234.56", decimals: 6)
        XCTAssertEqual(a.baseUnits, 1_234_560_000)
        XCTAssertEqual(a.exactString, "1234.560000")
        XCTAssertEqual(try TokenAmount(decimalString: "0.000001", decimals: 6).baseUnits, 1)
        XCTAssertEqual(try TokenAmount(decimalString: ".5", decimals: 6).baseUnits, 500_000)
        XCTAssertEqual(TokenAmount(baseUnits: 5, decimals: 6).exactString, "0.000005")
        XCTAssertThrowsError(try TokenAmount(decimalString: "0.0000001", decimals: 6)) { XCTAssertEqual($0 as? AmountError, .tooPrecise("0.0000001", decimals: 6)) }
        for bad in ["", "1.2.3", "-1", "1e6", "abc", "1,5"] {
            XCTAssertThrowsError(try TokenAmount(decimalString: bad, decimals: 6), bad)
        }
        let max = TokenAmount(baseUnits: UInt128.max, decimals: 18)
        let round = try JSONDecoder().decode(TokenAmount.self, from: JSONEncoder().encode(max))
        XCTAssertEqual(round, max, "base units survive JSON as a string, never a lossy number")
        XCTAssertNil(TokenAmount(baseUnits: 1, decimals: 6).subtracting(TokenAmount(baseUnits: 2, decimals: 6)))
    }

    func testDecimalFormatting() {
        XCTAssertEqual(Decimal(string: "12.345")!.fixed(2), "12.34") // half-even
        XCTAssertEqual(Decimal(string: "12.355")!.fixed(2), "12.36")
        XCTAssertEqual(Decimal(string: "-0.5")!.fixed(2), "-0.50")
        XCTAssertEqual(Decimal(string: "0.004")!.fixed(2), "0.00")
        XCTAssertEqual(Decimal(7).fixed(0), "7")
        XCTAssertNil(Decimal.strict("1.2x"))
        XCTAssertEqual(Decimal.strict(" 3.5 "), Decimal(string: "3.5"))
    }

    /// A node's block time can be any 256-bit number: every date writes as text without trapping,
    /// times past the four-digit years as the nearest end.
    func testEveryDateFormatsWithoutTrapping() {
        let far = Date(timeIntervalSince1970: 1e300)
        XCTAssertEqual(far.iso8601, "9999-12-31T23:59:59.999Z")
        XCTAssertEqual(far.utcDay, "9999-12-31")
        XCTAssertEqual(Date(timeIntervalSince1970: 0x7fff_ffff_ffff_ffff).sqliteText, "9999-12-31 23:59:59.999")
        XCTAssertEqual(Date(timeIntervalSince1970: -1e300).iso8601, "0001-01-01T00:00:00.000Z")
        XCTAssertEqual(Date(timeIntervalSince1970: .infinity).utcDay, "9999-12-31")
        XCTAssertEqual(Date(timeIntervalSince1970: .nan).iso8601, "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Date.distantFuture.utcDay, "4001-01-01", "inside the range: written as itself")
    }

    func testUTCDayAndISOTimes() {
        let justBeforeMidnight = Date(timeIntervalSince1970: 1_795_823_999.999) // 2026-11-27T23:59:59.999Z
        XCTAssertEqual(justBeforeMidnight.utcDay, "2026-11-27")
        XCTAssertEqual(justBeforeMidnight.addingTimeInterval(0.001).utcDay, "2026-11-28")
        XCTAssertEqual(justBeforeMidnight.iso8601, "2026-11-27T23:59:59.999Z")
        XCTAssertEqual(Date(iso8601: "2026-11-27T23:59:59.999Z"), justBeforeMidnight)
        XCTAssertEqual(justBeforeMidnight.sqliteText, "2026-11-27 23:59:59.999")
        XCTAssertEqual(Date(sqliteText: "2026-11-27 23:59:59.999"), justBeforeMidnight)
        XCTAssertEqual(Date(iso8601: "2026-11-27T23:59:59Z"), Date(timeIntervalSince1970: 1_795_823_999))
        XCTAssertEqual(Date(iso8601: "2026-11-27T23:59:59.9Z"), Date(timeIntervalSince1970: 1_795_823_999.9))
        XCTAssertEqual(Date(iso8601: "2026-11-27T23:59:59.999999Z"), justBeforeMidnight, "kept to the millisecond")
        XCTAssertEqual(Date(timeIntervalSince1970: 0).iso8601, "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Date(timeIntervalSince1970: -0.001).iso8601, "1969-12-31T23:59:59.999Z")
        XCTAssertEqual(Date(sqliteText: "2028-02-29 12:00:00"), Date(iso8601: "2028-02-29T12:00:00.000Z"), "a leap day")
        for bad in ["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27 23:59:59Z",
                    "2026-11-27T23:59:59", "2026-11-27T23:59:59.Z", "2026-11-27T23:59:5xZ", "", "2026-11-27"] {
            XCTAssertNil(Date(iso8601: bad), bad)
        }
        XCTAssertNil(Date(sqliteText: "2026-11-27T23:59:59.999Z"))
        // Every millisecond of a day written and read back is the same instant (no float drift).
        for ms in stride(from: Int64(1_795_737_600_000), to: 1_795_824_000_000, by: 997) {
            let d = Date(timeIntervalSince1970: Double(ms) / 1000)
            XCTAssertEqual(Date(iso8601: d.iso8601), d)
            XCTAssertEqual(Date(sqliteText: d.sqliteText)?.iso8601, d.iso8601)
        }
    }

    func testLimitsCheckProjectedGasAndEachCap() {
        let limits = SafetyLimits(maxRebalancesPerDay: 5, maxGasPerDayUSD: 50, maxTransactionValueUSD: 1000)
        XCTAssertNil(limits.check(budget: DailyBudget(day: "d", rebalances: 4, gasUSD: 49), amountUSD: 1000, estimatedGasUSD: 1))
        XCTAssertEqual(limits.check(budget: DailyBudget(day: "d", rebalances: 5), amountUSD: 1, estimatedGasUSD: 0)?.limit.rawValue, "max_rebalances_per_day")
        XCTAssertEqual(limits.check(budget: DailyBudget(day: "d", rebalances: 0, gasUSD: 49), amountUSD: 1, estimatedGasUSD: Decimal(string: "1.01")!)?.limit.rawValue,
                       "max_gas_per_day_usd", "a move that would overshoot the daily gas cap is refused before it starts")
        XCTAssertEqual(limits.check(budget: DailyBudget(day: "d"), amountUSD: Decimal(string: "1000.01")!, estimatedGasUSD: 0)?.limit.rawValue, "max_transaction_value_usd")
    }

    /// The daily gas limit in ETH holds whatever price makes the USD figure small, and the sums
    /// saturate instead of trapping.
    func testTheDailyGasLimitInEthHoldsWhateverTheUSDFigureSays() {
        var config = MammonConfig()
        config.maxGasPerDayETH = Decimal(string: "0.02")!
        let limits = config.limits
        XCTAssertEqual(limits.maxGasPerDayWei, 20_000_000_000_000_000)
        // $0.50 of gas at ETH = $100.01 is 0.005 ETH: with 0.016 ETH spent it passes 0.02 ETH.
        let refusal = limits.gasRefusal(spentWei: 16_000_000_000_000_000, spentUSD: 1, worstWei: 5_000_000_000_000_000, worstUSD: Decimal(string: "0.5")!)
        XCTAssertEqual(refusal, "it may cost up to 0.005 ETH; with 0.016 ETH spent today that passes MAX_GAS_PER_DAY_ETH 0.02")
        XCTAssertNil(limits.gasRefusal(spentWei: 15_000_000_000_000_000, spentUSD: 1, worstWei: 5_000_000_000_000_000, worstUSD: Decimal(string: "0.5")!))
        XCTAssertEqual(limits.gasRefusal(spentWei: 0, spentUSD: 49, worstWei: 1, worstUSD: 2)?.hasSuffix("passes MAX_GAS_PER_DAY_USD $50.00"), true)
        XCTAssertNotNil(limits.gasRefusal(spentWei: .max, spentUSD: 0, worstWei: 1, worstUSD: 0), "a sum past 2^128 is over, not a trap")
        XCTAssertEqual(limits.checkGas(spentWei: 1, estimatedWei: 20_000_000_000_000_000)?.limit.rawValue, "max_gas_per_day_eth")
        XCTAssertNil(limits.checkGas(spentWei: 0, estimatedWei: 20_000_000_000_000_000))
    }

    func testBreakerTripsOnConsecutiveOrDailyFailuresAndStaysTripped() {
        let policy = BreakerPolicy(maxConsecutiveFailures: 3, maxFailuresPer24h: 4)
        var b = BreakerState()
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertFalse(b.recordFailure("a", at: t0, policy: policy))
        XCTAssertFalse(b.recordFailure("b", at: t0 + 1, policy: policy))
        XCTAssertTrue(b.recordFailure("c", at: t0 + 2, policy: policy))
        XCTAssertEqual(b.tripReason, "3 consecutive cycle failures (last: c)")
        b.recordSuccess()
        XCTAssertTrue(b.tripped, "success does not clear a tripped breaker; only an operator reset does")
        XCTAssertFalse(b.recordFailure("d", at: t0 + 3, policy: policy), "reports the trip once")

        var daily = BreakerState()
        for i in 0..<3 { _ = daily.recordFailure("x", at: t0 + Double(i) * 3600, policy: policy); daily.recordSuccess() }
        XCTAssertFalse(daily.tripped)
        XCTAssertTrue(daily.recordFailure("y", at: t0 + 4 * 3600, policy: policy))
        XCTAssertEqual(daily.tripReason, "4 cycle failures in 24h (last: y)")
        var old = BreakerState()
        for i in 0..<3 { _ = old.recordFailure("x", at: t0 + Double(i), policy: policy); old.recordSuccess() }
        XCTAssertFalse(old.recordFailure("z", at: t0 + 90_000, policy: policy), "failures older than 24 h fall out of the window")
    }

    func testBackoffDoublesAndIsCapped() {
        let p = BreakerPolicy(backoffBaseSeconds: 60, backoffMaxSeconds: 1800)
        XCTAssertEqual((1...7).map { p.backoff(attempt: $0) }, [60, 120, 240, 480, 960, 1800, 1800])
        XCTAssertEqual(p.backoff(attempt: 500), 1800)
    }

    func testOptimizerPicksBestAllowedMarketChunksAndDeploysIdle() {
        let t = Date(timeIntervalSince1970: 0)
        func m(_ p: MarketID, _ apy: String, _ units: UInt128) -> MarketSnapshot {
            MarketSnapshot(quote: YieldQuote(marketID: p, token: .usdc, apy: Decimal(string: apy)!, observedAt: t),
                           position: TokenAmount(baseUnits: units, decimals: 6),
                           withdrawableLiquidity: TokenAmount(baseUnits: 1_000_000_000_000, decimals: 6))
        }
        let markets = [m(.aaveV3, "3.2", 2_500_000_000), m(.moonwell, "4.9", 0), m(.morphoVault, "5.1", 50_000_000), m(.aerodrome, "12.5", 0)]
        let optimizer = YieldOptimizer(allowed: [.aaveV3, .moonwell, .morphoVault, .aerodrome], minimumAmountUSD: 100, maxTransactionValueUSD: 1000)
        let recs = optimizer.recommend(markets: markets, idle: TokenAmount(baseUnits: 150_000_000, decimals: 6), token: .usdc) { UUID() }
        XCTAssertEqual(recs.count, 2, "the $50 Morpho position is below the minimum")
        XCTAssertEqual(recs[0].from, .aaveV3)
        XCTAssertEqual(recs[0].to, .morphoVault, "Aerodrome's higher APY is an AMM, never a target")
        XCTAssertEqual(recs[0].amount.baseUnits, 1_000_000_000, "moves are chunked to the per-transaction cap")
        XCTAssertEqual(recs[1].from, nil)
        XCTAssertEqual(recs[1].amount.baseUnits, 150_000_000)
        XCTAssertEqual(recs[1].currentAPY, 0)
        let none = optimizer.recommend(markets: [m(.morphoVault, "5.1", 900_000_000), m(.aaveV3, "3", 0)], idle: .zero(.usdc), token: .usdc) { UUID() }
        XCTAssertTrue(none.isEmpty, "already in the best market")
    }

    /// One table of event types: each is in the README's event schema, and no other type decodes.
    func testEveryEventTypeIsDocumentedAndUnknownOnesAreRefused() throws {
        let readme = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let schema = String(text[text.range(of: "## Event schema")!.lowerBound..<text.range(of: "## After a crash")!.lowerBound])
        for type in EngineEventType.allCases {
            XCTAssertTrue(schema.contains("`\(type.rawValue)`"), "\(type.rawValue) is not in the README's event schema")
        }
        XCTAssertThrowsError(try EngineEvent.fromJSON(Data(#"{"type":"scan.exploded","at":"2027-01-15T08:00:00.123Z","seq":1}"#.utf8))) { error in
            XCTAssertTrue("\(error)".contains("unknown event type scan.exploded"), "\(error)")
        }
    }

    func testEventsRoundTripThroughJSONWithDottedTypes() throws {
        let id = UUID()
        let rec = RebalanceRecommendation(id: id, from: .aaveV3, to: .moonwell, token: .usdc, amount: TokenAmount(baseUnits: 5, decimals: 6),
                                          currentAPY: 3, expectedAPY: 5, reason: "r", confidence: 70)
        let at = Date(timeIntervalSince1970: 1_800_000_000.123)
        let events: [EngineEvent.Kind] = [
            .schedulerStarted, .scanStarted(cycle: 3), .opportunityFound(rec),
            .stepFinished(StepRecord(executionID: id, step: .withdraw, status: .succeeded, txHash: "0xab", gasUsed: 150_000, gasCostUSD: Decimal(string: "0.0027"))),
            .limitReached(limit: "max_rebalances_per_day", detail: "5 of 5"), .error(source: "scan", message: "boom"),
            .scanFinished(cycle: 3, ok: false, opportunities: 1, executed: 0, durationMs: 12, error: "boom"),
        ]
        for kind in events {
            let e = EngineEvent(sequence: 9, at: at, kind: kind)
            let line = try e.jsonLine()
            XCTAssertFalse(line.contains("\n"))
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            XCTAssertEqual(object["type"] as? String, kind.type)
            XCTAssertEqual(object["at"] as? String, "2027-01-15T08:00:00.123Z")
            XCTAssertEqual(try EngineEvent.fromJSON(Data(line.utf8)), e)
        }
    }
}

final class RandomUUIDTests: XCTestCase {
    func testVersion4VariantAndUnique() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids.prefix(100) {
            let text = id.uuidString
            XCTAssertEqual(Array(text)[14], "4", text)
            XCTAssertTrue("89AB".contains(Array(text)[19]), text)
        }
    }
}
