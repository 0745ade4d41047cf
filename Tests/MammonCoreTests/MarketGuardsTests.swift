import Foundation
import MammonCore
import XCTest

/// The careful allocator's rules, pure: each test shows the decision with the rule and without it.
final class MarketGuardsTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func usdc(_ whole: Decimal) -> TokenAmount {
        TokenAmount(baseUnits: UInt128((whole * 1_000_000).rounded(0, .down).plainString)!, decimals: 6)
    }

    func market(_ id: MarketID, apy: Decimal, position: Decimal = 0, supply: Decimal? = nil, utilization: Decimal? = nil,
                model: SupplyRateModel? = nil) -> MarketSnapshot {
        MarketSnapshot(quote: YieldQuote(marketID: id, token: .usdc, apy: apy, observedAt: now), position: usdc(position),
                       withdrawableLiquidity: usdc(1_000_000_000), supply: supply.map(usdc), utilization: utilization, rateModel: model)
    }

    func hourly(_ id: MarketID, apy: Decimal, hours: ClosedRange<Int>, supply: Decimal? = nil, utilization: Decimal? = nil) -> [MarketHistoryEntry] {
        hours.map { MarketHistoryEntry(at: now.addingTimeInterval(-TimeInterval($0) * 3600), marketID: id, apy: apy,
                                       supply: supply.map(usdc), utilization: utilization) }
    }

    func optimizer(_ guards: MarketGuards, maxTransaction: Decimal = 1_000_000) -> YieldOptimizer {
        YieldOptimizer(allowed: [.aaveV3, .moonwell, .morphoVault], minimumAmountUSD: 100, maxTransactionValueUSD: maxTransaction, guards: guards)
    }

    /// Every guard at its default but the APY window: judged on spot rates, for tests of the other
    /// rules that give the optimizer no history.
    var spotGuards: MarketGuards {
        var g = MarketGuards()
        g.apyWindowHours = 0
        return g
    }

    /// A rate that does not answer deposits (a flat supply curve), to show a size rule on its own.
    func flat(_ apy: Decimal) -> SupplyRateModel {
        .supplyCurve(KinkedRateCurve(base: apy / 100, slopeLow: 0, slopeHigh: 0, kink: 1), borrows: 0)
    }

    func assess(_ markets: [MarketSnapshot], _ history: [MarketHistoryEntry], _ guards: MarketGuards = MarketGuards()) -> [MarketID: MarketCondition] {
        MarketCondition.assess(markets, readings: history, now: now, guards: guards, maxHold: 8 * 3600)
    }

    // MARK: - Rates that are not a spike

    func testASpikeIsNotATargetWhileItsWindowAverageIsLow() {
        let markets = [market(.aaveV3, apy: 4, position: 5000), market(.moonwell, apy: 9)]
        let history = hourly(.aaveV3, apy: 4, hours: 1...24) + hourly(.moonwell, apy: 3, hours: 1...24)
        let conditions = assess(markets, history)
        XCTAssertEqual(conditions[.moonwell]?.windowAPY, 3)
        XCTAssertEqual(conditions[.moonwell]?.coveredSeconds, 24 * 3600)
        XCTAssertEqual(conditions[.moonwell]?.targetAPY, 3, "judged on the lower of spot 9 % and window 3 %")
        let guarded = optimizer(MarketGuards()).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: conditions) { UUID() }
        XCTAssertTrue(guarded.recommendations.isEmpty, "\(guarded.recommendations)")
        // Judged on the spot rate, the spike is chased.
        let spot = optimizer(spotGuards).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: assess(markets, history, spotGuards)) { UUID() }
        XCTAssertEqual(spot.recommendations.map(\.to), [.moonwell])
        XCTAssertEqual(spot.recommendations.first?.expectedAPY, 9)
    }

    func testAMarketWithoutHalfAWindowOfHistoryIsNotATargetYet() throws {
        let markets = [market(.aaveV3, apy: 3, position: 5000), market(.moonwell, apy: 5)]
        let short = hourly(.moonwell, apy: 5, hours: 1...11)
        let plan = optimizer(MarketGuards()).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: assess(markets, short)) { UUID() }
        XCTAssertTrue(plan.recommendations.isEmpty)
        XCTAssertEqual(plan.exclusions, [.notEnoughHistory(.aaveV3, coveredHours: 0, neededHours: 12, windowHours: 24),
                                         .notEnoughHistory(.moonwell, coveredHours: 11, neededHours: 12, windowHours: 24)],
                       "Aave, the source, needs no history to be left, but would need it to be a target")
        let enough = hourly(.moonwell, apy: 5, hours: 1...12)
        let later = optimizer(MarketGuards()).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: assess(markets, enough)) { UUID() }
        XCTAssertEqual(later.recommendations.map(\.to), [.moonwell])
        XCTAssertEqual(later.recommendations.first?.amount, usdc(5000))
    }

    func testTheWindowWeighsEachReadingByItsTimeAndAGapIsNotHistory() throws {
        let markets = [market(.moonwell, apy: 7)]
        let history = [MarketHistoryEntry(at: now.addingTimeInterval(-30 * 3600), marketID: .moonwell, apy: 2),  // before the window
                       MarketHistoryEntry(at: now.addingTimeInterval(-20 * 3600), marketID: .moonwell, apy: 4),
                       MarketHistoryEntry(at: now.addingTimeInterval(-6 * 3600), marketID: .moonwell, apy: 7),
                       MarketHistoryEntry(at: now.addingTimeInterval(-3 * 3600), marketID: .moonwell, apy: 99, apyMeasured: false)]
        let c = try XCTUnwrap(assess(markets, history)[.moonwell])
        // -30 h counts from the window's start (-24 h) for its 8 h hold: 2 h; -20 h holds 8 of its 14 h;
        // -6 h holds until now; the unmeasured reading is no rate. (2×2 + 4×8 + 7×6) / 16 = 4.875.
        XCTAssertEqual(c.coveredSeconds, 16 * 3600)
        XCTAssertEqual(c.windowAPY, Decimal(string: "4.875"))
        XCTAssertTrue(c.hasEnoughHistory)
        XCTAssertEqual(c.sourceAPY, 7, "a source is judged on the higher of spot and window")
    }

    // MARK: - Size against the market

    func testATooSmallMarketIsNotATarget() throws {
        // 2,000 idle; Moonwell pays more but only 450 are supplied to it: under 10× it has room for 50,
        // less than a move worth making (100). Morpho, deep, takes it all.
        let markets = [market(.moonwell, apy: 6, supply: 450, model: flat(6)), market(.morphoVault, apy: 4, supply: 500_000_000)]
        let plan = optimizer(spotGuards).plan(markets: markets, idle: usdc(2000), token: .usdc) { UUID() }
        XCTAssertEqual(plan.recommendations.map(\.to), [.morphoVault])
        XCTAssertEqual(plan.recommendations.first?.amount, usdc(2000))
        XCTAssertEqual(plan.exclusions, [.full(.moonwell, room: usdc(50))])
        // The gate says the same of a move sent there anyway.
        let checks = try XCTUnwrap(optimizer(spotGuards).checks(
            for: RebalanceRecommendation(id: UUID(), from: nil, to: .moonwell, token: .usdc, amount: usdc(2000), currentAPY: 0, expectedAPY: 6,
                                         reason: "", confidence: 0),
            markets: markets, conditions: [:], patience: nil))
        let tvl = try XCTUnwrap(checks.gates.first { $0.name == "market_tvl" })
        XCTAssertFalse(tvl.passed)
        XCTAssertEqual(tvl.reason, "Market supply 2450.00 after the move < 10 × our 2000.00")
        // Without the rule, the small market takes everything.
        let loose = optimizer(.off).plan(markets: markets, idle: usdc(2000), token: .usdc) { UUID() }
        XCTAssertEqual(loose.recommendations.map(\.to), [.moonwell])
    }

    func testAMarketOverTheShareCapTakesNoMore() throws {
        var guards = spotGuards
        guards.minMarketTVLMultiple = 1  // only the share cap binds
        // We already hold 20 % of Moonwell: over the 15 % cap, no room at all.
        let markets = [market(.moonwell, apy: 6, position: 20_000, supply: 100_000, model: flat(6)), market(.morphoVault, apy: 4, supply: 500_000_000)]
        let plan = optimizer(guards).plan(markets: markets, idle: usdc(1000), token: .usdc) { UUID() }
        XCTAssertEqual(plan.recommendations.map(\.to), [.morphoVault])
        XCTAssertEqual(plan.exclusions, [.full(.moonwell, room: usdc(0))])
        let checks = try XCTUnwrap(optimizer(guards).checks(
            for: RebalanceRecommendation(id: UUID(), from: nil, to: .moonwell, token: .usdc, amount: usdc(1000), currentAPY: 0, expectedAPY: 6,
                                         reason: "", confidence: 0),
            markets: markets, conditions: [:], patience: nil))
        let share = try XCTUnwrap(checks.gates.first { $0.name == "market_share" })
        XCTAssertFalse(share.passed)
        XCTAssertEqual(share.reason, "Our share after the move 20.79% > maximum 15.00%")
        XCTAssertTrue(try XCTUnwrap(checks.gates.first { $0.name == "market_tvl" }).passed)
        let loose = optimizer(.off).plan(markets: markets, idle: usdc(1000), token: .usdc) { UUID() }
        XCTAssertEqual(loose.recommendations.map(\.to), [.moonwell])
    }

    func testTheShareCapIsExactToTheBaseUnit() {
        var guards = MarketGuards()
        guards.minMarketTVLMultiple = 1
        let m = market(.moonwell, apy: 6, supply: 10_000)
        // x ≤ 0.15 × 10,000 / 0.85 = 1,764.705882…
        let room = MarketSizing.capacity(m, guards: guards)
        XCTAssertEqual(room, 1_764_705_882)
        XCTAssertTrue(SizeCheck(m, receiving: TokenAmount(baseUnits: room!, decimals: 6), guards: guards).sharePassed)
        XCTAssertFalse(SizeCheck(m, receiving: TokenAmount(baseUnits: room! + 1, decimals: 6), guards: guards).sharePassed)
    }

    // MARK: - Spreading

    func testFundsSpreadOverTheBestMarketsUnderTheCapsExactToTheBaseUnit() throws {
        let idle = TokenAmount(baseUnits: 10_000_000_001, decimals: 6)  // 10,000.000001
        let markets = [market(.moonwell, apy: 6, supply: 30_000, model: flat(6)), market(.morphoVault, apy: 5, supply: 45_000, model: flat(5)),
                       market(.aaveV3, apy: 4, supply: 1_000_000_000)]
        let guards = spotGuards
        let plan = optimizer(guards).plan(markets: markets, idle: idle, token: .usdc) { UUID() }
        XCTAssertEqual(plan.recommendations.map(\.to), [.moonwell, .morphoVault, .aaveV3])
        // 30,000 / 9 and 45,000 / 9 under 10×; Aave, deep, takes the rest.
        XCTAssertEqual(plan.recommendations.map(\.amount.baseUnits), [3_333_333_333, 5_000_000_000, 1_666_666_668])
        XCTAssertEqual(plan.recommendations.reduce(UInt128(0)) { $0 + $1.amount.baseUnits }, idle.baseUnits)
        for rec in plan.recommendations {
            let target = try XCTUnwrap(markets.first { $0.quote.marketID == rec.to })
            let size = SizeCheck(target, receiving: rec.amount, guards: guards)
            XCTAssertTrue(size.tvlPassed && size.sharePassed, "\(rec.to): \(size)")
            if rec.to != .aaveV3 {
                XCTAssertFalse(SizeCheck(target, receiving: rec.amount.adding(TokenAmount(baseUnits: 1, decimals: 6)), guards: guards).tvlPassed,
                               "\(rec.to): a capped leg is as large as its market allows")
            }
        }
        XCTAssertEqual(plan.recommendations.map(\.expectedAPY), [6, 5, 4], "a deep market's rate does not move for 1,666")
        // Without the caps, one market takes everything.
        XCTAssertEqual(optimizer(.off).plan(markets: markets, idle: idle, token: .usdc) { UUID() }.recommendations.map(\.to), [.moonwell])
    }

    func testTwoSourcesNeverCountOnTheSameRoom() {
        // Idle and an Aave position both want Moonwell, which has room for 3,333.33 in all.
        let markets = [market(.aaveV3, apy: 3, position: 3000, supply: 1_000_000_000), market(.moonwell, apy: 6, supply: 30_000, model: flat(6)),
                       market(.morphoVault, apy: 5, supply: 1_000_000_000)]
        let plan = optimizer(spotGuards).plan(markets: markets, idle: usdc(3000), token: .usdc) { UUID() }
        let intoMoonwell = plan.recommendations.filter { $0.to == .moonwell }.reduce(UInt128(0)) { $0 + $1.amount.baseUnits }
        XCTAssertEqual(intoMoonwell, 3_333_333_333)
        XCTAssertEqual(plan.recommendations.map(\.from), [.aaveV3, nil, nil])
        XCTAssertEqual(plan.recommendations.map(\.to), [.moonwell, .moonwell, .morphoVault])
    }

    // MARK: - The APY after our deposit

    func testABigTreasuryDoesNotChaseARateItsDepositDestroys() {
        // Moonwell: 1M supplied, 950k borrowed (95 %, past its 90 % kink): 6 % now. Our 60,000 takes
        // utilization to 89.6 %, below the kink, and its rate to about half. Morpho: 5 %, a billion deep.
        let curve = KinkedRateCurve(base: 0, slopeLow: Decimal(string: "0.04")!, slopeHigh: Decimal(string: "0.6")!, kink: Decimal(string: "0.9")!)
        let markets = [market(.moonwell, apy: 6, supply: 1_000_000, utilization: Decimal(string: "0.95"),
                              model: .borrowCurve(curve, borrows: 950_000, reserveFactor: Decimal(string: "0.1")!)),
                       market(.morphoVault, apy: 5, supply: 1_000_000_000, model: .dilution)]
        let o = optimizer(spotGuards)
        let big = o.plan(markets: markets, idle: usdc(60_000), token: .usdc) { UUID() }
        XCTAssertEqual(big.recommendations.map(\.to), [.morphoVault])
        XCTAssertEqual(big.recommendations.first?.expectedAPY, 5)
        XCTAssertLessThan(o.targetAPY(markets[0], o.condition(markets[0], [:]), deposit: usdc(60_000)), Decimal(string: "3.1")!)
        // A small one barely moves the rate and takes the better market.
        let small = o.plan(markets: markets, idle: usdc(1000), token: .usdc) { UUID() }
        XCTAssertEqual(small.recommendations.map(\.to), [.moonwell])
        XCTAssertEqual(small.recommendations.first?.expectedAPY, Decimal(string: "5.9422"), "6 × 0.990382…, by hand")
        // Judged on quoted rates alone (no supply read to judge the deposit by), the big one chases 6 %.
        let blind = markets.map { var m = $0; m.supply = nil; return m }
        XCTAssertEqual(o.plan(markets: blind, idle: usdc(60_000), token: .usdc) { UUID() }.recommendations.map(\.to), [.moonwell])
    }

    func testAMarketWithoutARateModelIsJudgedDiluted() {
        // The same interest over more supply, squared: 6 % × (30,000 / 33,333.333333)² = 4.86 %.
        let o = optimizer(spotGuards)
        let vault = market(.morphoVault, apy: 6, supply: 30_000)
        XCTAssertEqual(o.targetAPY(vault, o.condition(vault, [:]), deposit: usdc(Decimal(string: "3333.333333")!)), Decimal(string: "4.86"))
        XCTAssertEqual(o.targetAPY(vault, o.condition(vault, [:]), deposit: usdc(1)), 6, "a fall under half a basis point is none")
    }

    // MARK: - Exits

    func testADrainingMarketIsLeftForTheBestSafeMarketWhateverItPays() throws {
        let markets = [market(.moonwell, apy: 5, position: 2000, supply: 400_000), market(.morphoVault, apy: 3, supply: 500_000_000)]
        let history = hourly(.moonwell, apy: 5, hours: 10...10, supply: 1_000_000) + hourly(.moonwell, apy: 5, hours: 30...30, supply: 9_000_000)
        let conditions = assess(markets, history, spotGuards)
        let exit = try XCTUnwrap(conditions[.moonwell]?.exit)
        XCTAssertEqual(exit, .supplyDrop(.moonwell, peak: usdc(1_000_000), peakAt: now.addingTimeInterval(-36_000), now: usdc(400_000), dropPct: 60),
                       "measured from the highest reading within 24 h, not from 30 h ago")
        let plan = optimizer(spotGuards).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: conditions) { UUID() }
        let rec = try XCTUnwrap(plan.recommendations.first)
        XCTAssertEqual(plan.recommendations.count, 1)
        XCTAssertEqual(rec.from, .moonwell)
        XCTAssertEqual(rec.to, .morphoVault)
        XCTAssertEqual(rec.exit, exit)
        XCTAssertEqual(rec.reason, "Exit: Moonwell's supply fell 60.0% within 24 h (from 1000000 to 400000); to Morpho at 3.00%")
        // Gated on safety: the profit gates are shown but waived; patience too (moved an hour ago).
        let checks = optimizer(spotGuards).checks(for: rec, markets: markets, conditions: conditions,
                                                  patience: PatienceCheck(marketID: .moonwell, lastMoveAt: now.addingTimeInterval(-3600), now: now, minimumHours: 6))
        let a = ProfitabilityGate.analyze(currentAPY: rec.currentAPY, targetAPY: rec.expectedAPY, amountUSD: 2000,
                                          plan: MovePlan(withdrawGas: 150_000, approveGas: 50_000, depositGas: 150_000, gasPriceGwei: Decimal(string: "0.01")!, ethUSD: 2500),
                                          thresholds: GateThresholds(), guards: checks)
        XCTAssertTrue(a.profitable, "\(a.failedGates)")
        XCTAssertTrue(a.isExit)
        XCTAssertEqual(a.gates.filter(\.waived).map(\.name), ["apy_improvement", "min_profit", "break_even", "min_apy_improvement", "patience"])
        XCTAssertTrue(a.gates.filter(\.waived).allSatisfy { !$0.passed }, "each waived gate would have stopped a move for profit")
        XCTAssertEqual(a.failedGates, [])
        XCTAssertTrue(a.gates.contains { $0.name == "exit" && $0.passed })
        // Moonwell itself is no target for anything now.
        let idle = optimizer(spotGuards).plan(markets: [market(.moonwell, apy: 9, supply: 400_000), markets[1]], idle: usdc(500), token: .usdc,
                                              conditions: conditions) { UUID() }
        XCTAssertEqual(idle.recommendations.map(\.to), [.morphoVault])
        // Without the rule (a drop of 100 % only), the position stays: Morpho pays less.
        var loose = spotGuards
        loose.exitTVLDropPct = 100
        XCTAssertNil(assess(markets, history, loose)[.moonwell]?.exit)
        XCTAssertTrue(optimizer(loose).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: assess(markets, history, loose)) { UUID() }
            .recommendations.isEmpty)
    }

    func testUtilizationThatStaysAtTheTopForAnHourIsAnExit() throws {
        let markets = [market(.moonwell, apy: 9, position: 2000, supply: 10_000_000, utilization: Decimal(string: "0.995")),
                       market(.morphoVault, apy: 3, supply: 500_000_000)]
        func reading(_ minutes: Int, _ u: String) -> MarketHistoryEntry {
            MarketHistoryEntry(at: now.addingTimeInterval(-TimeInterval(minutes) * 60), marketID: .moonwell, apy: 9, supply: usdc(10_000_000),
                               utilization: Decimal(string: u))
        }
        let stayed = assess(markets, [reading(120, "0.991"), reading(60, "0.999")], spotGuards)
        XCTAssertEqual(stayed[.moonwell]?.exit, .utilizationStuck(.moonwell, since: now.addingTimeInterval(-7200), now: Decimal(string: "0.995")!))
        let plan = optimizer(spotGuards).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: stayed) { UUID() }
        XCTAssertEqual(plan.recommendations.map(\.to), [.morphoVault])
        XCTAssertNotNil(plan.recommendations.first?.exit)
        // Not yet an hour, or broken by a lower reading: no exit (and no move to a market paying 3 %).
        for history in [[reading(30, "0.999")], [reading(120, "0.995"), reading(45, "0.98"), reading(20, "0.995")]] {
            let c = assess(markets, history, spotGuards)
            XCTAssertNil(c[.moonwell]?.exit, "\(history)")
            XCTAssertTrue(optimizer(spotGuards).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: c) { UUID() }.recommendations.isEmpty)
        }
        // A market at the top now is no target, even before it stays there.
        let crowded = optimizer(spotGuards).plan(markets: [market(.moonwell, apy: 9, supply: 10_000_000, utilization: Decimal(string: "0.995")), markets[1]],
                                                 idle: usdc(500), token: .usdc) { UUID() }
        XCTAssertEqual(crowded.recommendations.map(\.to), [.morphoVault])
        XCTAssertEqual(crowded.exclusions, [.crowded(.moonwell, utilization: Decimal(string: "0.995")!)])
    }

    func testAnExitNobodyCanTakeIsSaidAsSuch() {
        let markets = [market(.moonwell, apy: 5, position: 2000, supply: 400_000)]
        let conditions = assess(markets, hourly(.moonwell, apy: 5, hours: 2...2, supply: 1_000_000), spotGuards)
        let plan = optimizer(spotGuards).plan(markets: markets, idle: .zero(.usdc), token: .usdc, conditions: conditions) { UUID() }
        XCTAssertTrue(plan.recommendations.isEmpty)
        guard case .noSafeTarget(let reason, let position)? = plan.exclusions.last else { return XCTFail("\(plan.exclusions)") }
        XCTAssertEqual(reason.marketID, .moonwell)
        XCTAssertEqual(position, usdc(2000))
    }

    func testAnExitAndItsGuardsSurviveTheEventLog() throws {
        let exit = ExitReason.supplyDrop(.moonwell, peak: usdc(1_000_000), peakAt: now.addingTimeInterval(-3600), now: usdc(400_000), dropPct: 60)
        let rec = RebalanceRecommendation(id: UUID(), from: .moonwell, to: .morphoVault, token: .usdc, amount: usdc(1000), currentAPY: 5,
                                          expectedAPY: 3, reason: "exit", confidence: 0, exit: exit)
        let checks = GuardChecks(targetRate: RateCheck(spotAPY: Decimal(string: "3.1")!, windowAPY: 3, windowHours: 24, coveredHours: 20,
                                                       neededHours: 12, hasEnoughHistory: true, judgedAPY: 3),
                                 size: SizeCheck(supplyAfter: usdc(500_001_000), positionAfter: usdc(1000), minMultiple: 10, maxSharePct: 15),
                                 patience: PatienceCheck(marketID: .moonwell, lastMoveAt: now.addingTimeInterval(-3600), now: now, minimumHours: 6),
                                 exit: exit)
        let analysis = ProfitabilityGate.analyze(currentAPY: 5, targetAPY: 3, amountUSD: 1000,
                                                 plan: MovePlan(withdrawGas: 150_000, approveGas: 50_000, depositGas: 150_000, gasPriceGwei: 0, ethUSD: 2500),
                                                 thresholds: GateThresholds(), guards: checks)
        for kind in [EngineEvent.Kind.opportunityFound(rec), .gateVerdict(recommendationID: rec.id, analysis: analysis)] {
            let line = try EngineEvent(at: now, kind: kind).jsonLine()
            XCTAssertEqual(try EngineEvent.fromJSON(Data(line.utf8)).kind, kind, line)
        }
        let line = try EngineEvent(at: now, kind: .gateVerdict(recommendationID: rec.id, analysis: analysis)).jsonLine()
        for key in [#""rule":"supply_drop""#, #""waived":true"#, #""supply_after""#, #""judged_apy""#, #""enough_history":true"#, #""last_move_at""#] {
            XCTAssertTrue(line.contains(key), "\(key) in \(line)")
        }
    }

    // MARK: - Patience

    func testPatienceCountsFromTheLastMoveTouchingTheSource() {
        let recent = PatienceCheck(marketID: .aaveV3, lastMoveAt: now.addingTimeInterval(-5 * 3600 - 3599), now: now, minimumHours: 6)
        XCTAssertFalse(recent.passed)
        let checks = GuardChecks(targetRate: RateCheck(spotAPY: 5, windowAPY: nil, windowHours: 0, coveredHours: 0, neededHours: 0,
                                                       hasEnoughHistory: true, judgedAPY: 5),
                                 size: SizeCheck(supplyAfter: nil, positionAfter: usdc(1000), minMultiple: 10, maxSharePct: 15), patience: recent)
        let gate = checks.gates.first { $0.name == "patience" }
        XCTAssertEqual(gate?.passed, false)
        XCTAssertEqual(gate?.reason, "Aave V3 last moved 5.9 h ago < minimum 6 h")
        XCTAssertTrue(PatienceCheck(marketID: .aaveV3, lastMoveAt: now.addingTimeInterval(-6 * 3600), now: now, minimumHours: 6).passed)
        XCTAssertTrue(PatienceCheck(marketID: .aaveV3, lastMoveAt: nil, now: now, minimumHours: 6).passed)
        XCTAssertTrue(PatienceCheck(marketID: .aaveV3, lastMoveAt: now, now: now, minimumHours: 0).passed)
    }

    // MARK: - The original calculator

    /// The original calculator's cases (ProfitabilityGateTests) with every guard at its default,
    /// where none applies (a deep target with a full window of steady history, a source not moved
    /// before): the same verdict, figures and failing gates; the guards' gates all pass.
    func testTheOriginalCasesAnswerTheSameWithTheGuardsAtTheirDefaults() {
        let base = MovePlan(withdrawGas: 150_000, approveGas: 50_000, depositGas: 150_000, gasPriceGwei: Decimal(string: "0.01")!, ethUSD: 2500)
        let cases: [(current: Decimal, target: Decimal, amount: Decimal, plan: MovePlan, thresholds: GateThresholds)] = [
            (Decimal(string: "3.27")!, 5, Decimal(string: "200.05")!, base, GateThresholds()),
            (5, 4, 50, base, GateThresholds()),
            (4, 4, 0, base, GateThresholds()),
            (1, 2, 1000, base, GateThresholds()),
            (0, 1, 1000, MovePlan(withdrawGas: 150_000, approveGas: 50_000, depositGas: 150_000, gasPriceGwei: 0, ethUSD: 2500), GateThresholds()),
            (3, Decimal(string: "3.49")!, 1000, base, GateThresholds(minProfitUSD: 0)),
            (0, 10, 7000, MovePlan(withdrawGas: 150_000, approveGas: 50_000, depositGas: 150_000, gasPriceGwei: 100, ethUSD: 2000), GateThresholds()),
            (0, Decimal(string: "3.65")!, 10_000, MovePlan(withdrawGas: nil, approveGas: nil, depositGas: 31_000, gasPriceGwei: 1000, ethUSD: 1000),
             GateThresholds(minProfitUSD: 0, maxBreakEvenDays: 30, maxCostPct: 1)),
            (3, 5, 10_000, base, GateThresholds()),
            (0, 5, 100_000, base, GateThresholds()),
        ]
        let guards = MarketGuards()
        for c in cases {
            let original = ProfitabilityGate.analyze(currentAPY: c.current, targetAPY: c.target, amountUSD: c.amount, plan: c.plan, thresholds: c.thresholds)
            let deep = market(.moonwell, apy: c.target, supply: 500_000_000)
            let condition = MarketCondition(marketID: .moonwell, spotAPY: c.target, windowAPY: c.target, windowHours: 24,
                                            coveredSeconds: 86_400, neededSeconds: guards.neededHistorySeconds)
            let judged = optimizer(guards).targetAPY(deep, condition, deposit: usdc(c.amount))
            XCTAssertEqual(judged, c.target, "a deposit small against the market leaves the rate as quoted")
            let checks = GuardChecks(targetRate: RateCheck(condition, judgedAPY: judged), size: SizeCheck(deep, receiving: usdc(c.amount), guards: guards),
                                     patience: PatienceCheck(marketID: .aaveV3, lastMoveAt: nil, now: now, minimumHours: guards.minHoursBetweenMoves))
            let guarded = ProfitabilityGate.analyze(currentAPY: c.current, targetAPY: judged, amountUSD: c.amount, plan: c.plan,
                                                    thresholds: c.thresholds, guards: checks)
            XCTAssertEqual(guarded.profitable, original.profitable, "\(c)")
            XCTAssertEqual(guarded.failedGates, original.failedGates, "\(c)")
            XCTAssertEqual(Array(guarded.gates.prefix(6)), original.gates)
            XCTAssertEqual(guarded.gates.dropFirst(6).map(\.name), ["apy_window", "market_tvl", "market_share", "patience"])
            XCTAssertEqual(guarded.netGainUSD, original.netGainUSD)
            XCTAssertEqual(guarded.breakEvenDays, original.breakEvenDays)
            XCTAssertEqual(guarded.costs, original.costs)
        }
    }
}
