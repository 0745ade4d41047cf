import Foundation
import MammonCore
@_spi(EngineWriter) @testable import Store
import XCTest

final class PositionHistoryTests: XCTestCase {
    let at = Date(timeIntervalSince1970: 1_800_000_000)
    func usdc(_ units: UInt128) -> TokenAmount { TokenAmount(baseUnits: units, decimals: 6) }

    func snapshot(_ p: MarketID, _ units: UInt128, apy: String, block: UInt64? = 77, measured: Bool = true) -> MarketSnapshot {
        MarketSnapshot(quote: YieldQuote(marketID: p, token: .usdc, apy: Decimal(string: apy)!, observedAt: at),
                       position: usdc(units), apyMeasured: measured, block: block)
    }

    func scan(_ db: AppDatabase, at time: Date, idle: UInt128, _ markets: [MarketSnapshot], events: [EngineEvent] = []) throws {
        try db.commit([.balancesObserved(idle: usdc(idle), markets: markets, token: .usdc, at: time)], events: events)
    }

    func testEveryScanIsKeptExactlyWithItsBlockAndLogPosition() throws {
        let db = try AppDatabase.inMemory()
        try db.append([EngineEvent(at: at, kind: .scanStarted(cycle: 1))])
        let huge: UInt128 = 340_282_366_920_938_463_463_374_607_431_768_211_455 // UInt128.max
        try scan(db, at: at, idle: 1_500_000_000, [snapshot(.aaveV3, huge, apy: "3.21"), snapshot(.morphoVault, 0, apy: "0", measured: false)],
                 events: [EngineEvent(at: at, kind: .scanStarted(cycle: 2))])
        try scan(db, at: at.addingTimeInterval(3600), idle: 0, [snapshot(.aaveV3, 5, apy: "3.2", block: nil)])
        let history = try db.balanceObservations()
        XCTAssertEqual(history.count, 2)
        XCTAssertEqual(history[0].at, at)
        XCTAssertEqual(history[0].block, 77)
        XCTAssertEqual(history[0].logPosition, 1, "one event was logged before the first scan's balances were read")
        XCTAssertEqual(history[1].logPosition, 2)
        XCTAssertEqual(history[0].idle, usdc(1_500_000_000))
        XCTAssertEqual(history[0].markets, [MarketBalance(marketID: .aaveV3, amount: usdc(huge), apy: Decimal(string: "3.21")!),
                                            MarketBalance(marketID: .morphoVault, amount: usdc(0), apy: 0, apyMeasured: false)])
        XCTAssertNil(history[1].block)
        XCTAssertEqual(try db.latestBalanceObservation(), history[1])
    }

    func testMarketReadingsKeepSupplyAndUtilizationFromTheScanBeforeTheWindow() throws {
        let db = try AppDatabase.inMemory()
        var deep = snapshot(.moonwell, 5, apy: "4.9")
        deep.supply = usdc(150_000_000_000_000)
        deep.utilization = Decimal(string: "0.72")
        for h in 0..<4 {
            try scan(db, at: at.addingTimeInterval(Double(h) * 3600), idle: 0, [deep, snapshot(.aaveV3, 1, apy: "3.\(h)")])
        }
        // From 1.5 h: the scan at 1 h opens the window, then 2 h and 3 h.
        let readings = try db.marketReadings(from: at.addingTimeInterval(1.5 * 3600))
        XCTAssertEqual(readings.map(\.at), [3600, 3600, 7200, 7200, 10_800, 10_800].map { at.addingTimeInterval($0) })
        XCTAssertEqual(readings.filter { $0.marketID == .aaveV3 }.map(\.apy), [Decimal(string: "3.1")!, Decimal(string: "3.2")!, Decimal(string: "3.3")!])
        let moonwell = try XCTUnwrap(readings.first { $0.marketID == .moonwell })
        XCTAssertEqual(moonwell.supply, usdc(150_000_000_000_000))
        XCTAssertEqual(moonwell.utilization, Decimal(string: "0.72"))
        let aave = try XCTUnwrap(readings.first { $0.marketID == .aaveV3 })
        XCTAssertNil(aave.supply, "not read is NULL, never a zero")
        XCTAssertNil(aave.utilization)
    }

    func testThePositionHistoryCannotBeRewritten() throws {
        let path = NSTemporaryDirectory() + "mammon-history-\(UUID().uuidString)/db.sqlite"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let db = try AppDatabase.open(path: path)
        try scan(db, at: at, idle: 1, [snapshot(.aaveV3, 2, apy: "3")])
        XCTAssertThrowsError(try db.writer.write { try $0.execute(sql: "UPDATE position_history SET amount_base_units = '3'") })
        XCTAssertThrowsError(try db.writer.write { try $0.execute(sql: "UPDATE balance_scan SET idle_base_units = '3'") })
        XCTAssertEqual(try db.balanceObservations().first?.markets.first?.amount, usdc(2))
    }

    func testBoundsAndDailyResolution() throws {
        let db = try AppDatabase.inMemory()
        for h in 0..<(24 * 4) {
            try scan(db, at: at.addingTimeInterval(Double(h) * 3600), idle: UInt128(h), [snapshot(.aaveV3, UInt128(h), apy: "3")])
        }
        XCTAssertEqual(try db.balanceObservations().count, 96)
        let from = at.addingTimeInterval(10.5 * 3600)
        let bounded = try db.balanceObservations(from: from, to: at.addingTimeInterval(20 * 3600))
        XCTAssertEqual(bounded.first?.idle.baseUnits, 10, "the newest scan at or before `from` is the baseline")
        XCTAssertEqual(bounded.last?.idle.baseUnits, 20)
        let daily = try db.balanceObservations(dailyBefore: at.addingTimeInterval(72 * 3600))
        // The first scan, the last of each earlier UTC day, then every scan of the last day.
        let days = Set((0..<72).map { at.addingTimeInterval(Double($0) * 3600).utcDay })
        XCTAssertEqual(daily.count, 1 + days.count + 24)
        XCTAssertEqual(daily.first?.idle.baseUnits, 0)
        // Every scan of the last day, one per 4 UTC hours of the day before, one per day before that.
        let tiered = try db.balanceObservations(dailyBefore: at.addingTimeInterval(48 * 3600), fourHourlyBefore: at.addingTimeInterval(72 * 3600))
        let blocks = Set((48..<72).map { Int(at.addingTimeInterval(Double($0) * 3600).timeIntervalSince1970 / 14_400) })
        let earlierDays = Set((0..<48).map { at.addingTimeInterval(Double($0) * 3600).utcDay })
        XCTAssertEqual(tiered.count, 1 + earlierDays.count + blocks.count + 24)
        func block(_ hour: Int) -> Int { Int(at.addingTimeInterval(Double(hour) * 3600).timeIntervalSince1970 / 14_400) }
        let lastOfEachBlock: [UInt128] = (48..<72).filter { h in h == 71 || block(h + 1) != block(h) }.map { UInt128($0) }
        let middle = tiered.filter { $0.at >= at.addingTimeInterval(48 * 3600) && $0.at < at.addingTimeInterval(72 * 3600) }
        XCTAssertEqual(middle.map(\.idle.baseUnits), lastOfEachBlock, "the last scan of each block")
        let full = EarningsCalculator.window(EarningsCalculator.intervals(try db.balanceObservations(), flows: []), span: .all)
        let thin = EarningsCalculator.window(EarningsCalculator.intervals(daily, flows: []), span: .all)
        XCTAssertEqual(thin.treasury.earned, full.treasury.earned)
        XCTAssertEqual(EarningsCalculator.window(EarningsCalculator.intervals(tiered, flows: []), span: .all).treasury.earned, full.treasury.earned)
        XCTAssertEqual(full.treasury.earned, 95)
    }

    func testTreasuryFlowsComeFromMinedDepositAndWithdrawSteps() throws {
        let db = try AppDatabase.inMemory()
        let rec = RebalanceRecommendation(id: UUID(), from: .aaveV3, to: .moonwell, token: .usdc, amount: usdc(400_000_000),
                                          currentAPY: 3, expectedAPY: 5, reason: "r", confidence: 50)
        let id = UUID()
        try db.commit([.executionStarted(ExecutionSummary(id: id, recommendation: rec, status: .running, startedAt: at), steps: ExecutionStep.plan(for: rec))],
                      events: [EngineEvent(at: at, kind: .executionStarted(executionID: id, recommendation: rec, steps: ExecutionStep.plan(for: rec)))])
        func finished(_ step: ExecutionStep, _ status: StepStatus) -> EngineEvent {
            EngineEvent(at: at, kind: .stepFinished(StepRecord(executionID: id, step: step, status: status, finishedAt: at.addingTimeInterval(5))))
        }
        try db.append([finished(.withdraw, .succeeded), finished(.approve, .succeeded), finished(.deposit, .failed)])
        try db.append([finished(.deposit, .succeeded)])
        let flows = try db.treasuryFlows()
        XCTAssertEqual(flows.map(\.direction), [.withdraw, .deposit])
        XCTAssertEqual(flows.map(\.market), [.aaveV3, .moonwell])
        XCTAssertEqual(flows.map(\.logPosition), [2, 5])
        XCTAssertEqual(flows.map(\.amount), [usdc(400_000_000), usdc(400_000_000)])
        XCTAssertEqual(flows.first?.at, at.addingTimeInterval(5))
    }

    /// A database from before the flow table: the migration fills it from the event log, so the
    /// flows read are the same as if the trigger had kept them all along.
    func testFlowsLoggedBeforeTheFlowTableExistedAreFilledInByTheMigration() throws {
        let dir = NSTemporaryDirectory() + "mammon-flows-\(UUID().uuidString)"
        let path = dir + "/db.sqlite"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rec = RebalanceRecommendation(id: UUID(), from: nil, to: .morphoVault, token: .usdc, amount: usdc(7_000_000),
                                          currentAPY: 0, expectedAPY: 5, reason: "r", confidence: 50)
        let id = UUID()
        let kept: [TreasuryFlow]
        do {
            let db = try AppDatabase.open(path: path)
            try db.commit([.executionStarted(ExecutionSummary(id: id, recommendation: rec, status: .running, startedAt: at), steps: ExecutionStep.plan(for: rec))],
                          events: [EngineEvent(at: at, kind: .executionStarted(executionID: id, recommendation: rec, steps: ExecutionStep.plan(for: rec)))])
            try db.append([EngineEvent(at: at, kind: .stepFinished(StepRecord(executionID: id, step: .approve, status: .succeeded))),
                           EngineEvent(at: at.addingTimeInterval(9), kind: .stepFinished(StepRecord(executionID: id, step: .deposit, status: .succeeded)))])
            kept = try db.treasuryFlows()
            try db.writer.writeWithoutTransaction { db in
                try db.execute(sql: """
                    DROP TRIGGER treasury_flow_logged; DROP TABLE treasury_flow;
                    DELETE FROM grdb_migrations WHERE identifier = 'v21: treasury flows'
                    """)
            }
        }
        XCTAssertEqual(kept.map(\.direction), [.deposit])
        XCTAssertEqual(kept.map(\.market), [.morphoVault])
        XCTAssertEqual(kept.map(\.logPosition), [3])
        XCTAssertEqual(kept.first?.at, at.addingTimeInterval(9), "no finish time in the record: the event's")
        XCTAssertEqual(try AppDatabase.open(path: path).treasuryFlows(), kept)
    }
}
