import Chain
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// The market guards in the engine on the simulated network, on its history and its mined moves:
/// each test also shows what the engine does without the rule.
final class GuardTests: XCTestCase {
    var fixture = EngineFixture(config: MammonConfig())  // every guard at its default
    var others: [EngineFixture] = []
    override func tearDown() {
        fixture.cleanUp()
        for o in others { o.cleanUp() }
    }

    func usdc(_ whole: UInt128) -> TokenAmount { TokenAmount(baseUnits: whole * 1_000_000, decimals: 6) }

    func notices(_ store: AppDatabase) throws -> [String] {
        try store.allEvents().compactMap { if case .notice(_, let m, _) = $0.kind { m } else { nil } }
    }

    func verdicts(_ store: AppDatabase) throws -> [(RebalanceRecommendation, ProfitabilityAnalysis)] {
        let events = try store.allEvents()
        var recs: [UUID: RebalanceRecommendation] = [:]
        var out: [(RebalanceRecommendation, ProfitabilityAnalysis)] = []
        for e in events {
            if case .opportunityFound(let rec) = e.kind { recs[rec.id] = rec }
            if case .gateVerdict(let id, let analysis) = e.kind, let rec = recs[id] { out.append((rec, analysis)) }
        }
        return out
    }

    /// A fixture beside the main one (a run without the rule), cleaned up with it.
    func other(_ change: (inout MammonConfig) -> Void) -> EngineFixture {
        var config = fixture.config
        change(&config)
        let f = EngineFixture(config: config)
        others.append(f)
        return f
    }

    func testAFreshStartMovesOnceHalfTheAPYWindowHasHistory() async throws {
        let (engine, _, store) = try await fixture.open()
        for hour in [0, 4, 8] {
            let ok = await engine.runOnce()
            XCTAssertTrue(ok)
            XCTAssertTrue(try store.executions(limit: 10).isEmpty, "hour \(hour): no market has 12 h of rate history yet")
            fixture.clock.advance(by: 4 * 3600)
        }
        let said = try notices(store)
        XCTAssertTrue(said.contains("Moonwell: 8 h of rate history in the 24 h APY window, 12 h needed: not a target yet"), "\(said)")
        let ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let moves = try store.executions(limit: 10)
        XCTAssertFalse(moves.isEmpty, "at 12 h of scans every 4 h the window has half its history")
        XCTAssertTrue(moves.allSatisfy { $0.status == .succeeded })
        let window = try XCTUnwrap(verdicts(store).last?.1.gates.first { $0.name == "apy_window" })
        XCTAssertTrue(window.passed)
        XCTAssertTrue(window.reason.contains("12 h of history ≥ 12 h needed"), window.reason)
    }

    func testADrainingMarketIsExitedForSafetyNotProfit() async throws {
        fixture.config.guards.apyWindowHours = 0  // judged on spot rates: the exit is what this is about
        let loose = other { $0.guards.exitTVLDropPct = 100 }
        for (f, guarded) in [(fixture, true), (loose, false)] {
            let (engine, chain, store) = try await f.open()
            var ok = await engine.runOnce()
            XCTAssertTrue(ok)
            XCTAssertEqual(Set(try store.executions(limit: 10).map(\.recommendation.to)), [.moonwell], "Aave's first 1,000 and 1,000 idle")
            await chain.inject(.draining(.moonwell))  // 60 % of the others' supply leaves within the hour
            f.clock.advance(by: 3600)
            ok = await engine.runOnce()
            XCTAssertTrue(ok)
            let exits = try store.executions(limit: 10).filter { $0.recommendation.from == .moonwell }
            guard guarded else {
                XCTAssertTrue(exits.isEmpty, "without the rule the position stays: Moonwell still pays the most")
                continue
            }
            let exit = try XCTUnwrap(exits.first)
            XCTAssertEqual(exits.count, 1)
            XCTAssertEqual(exit.status, .succeeded)
            XCTAssertEqual(exit.recommendation.to, .morphoVault, "the best safe market, though it pays less")
            XCTAssertEqual(exit.recommendation.amount, usdc(1000), "in chunks of MAX_TRANSACTION_VALUE_USD like any move")
            guard case .supplyDrop(.moonwell, _, _, _, let pct)? = exit.recommendation.exit else { return XCTFail("\(String(describing: exit.recommendation.exit))") }
            XCTAssertGreaterThanOrEqual(pct, 59)
            let analysis = try XCTUnwrap(verdicts(store).first { $0.0.exit != nil }?.1)
            XCTAssertEqual(analysis.gates.first { $0.name == "exit" }?.passed, true)
            XCTAssertEqual(analysis.gates.filter(\.waived).map(\.name), ["apy_improvement", "min_profit", "break_even", "min_apy_improvement", "patience"])
            XCTAssertFalse(try XCTUnwrap(analysis.gates.first { $0.name == "apy_improvement" }).passed, "Morpho pays less: not a move for profit")
            // The same hour, Aave's position is held by patience: only the exit skips the wait.
            let aave = try XCTUnwrap(verdicts(store).last { $0.0.from == .aaveV3 }?.1)
            XCTAssertEqual(aave.failedGates.map(\.name), ["patience"])
            XCTAssertTrue(try notices(store).contains { $0.hasPrefix("Moonwell is not a target: Moonwell's supply fell") })
        }
    }

    func testUtilizationThatStaysAtTheTopForAnHourIsExited() async throws {
        fixture.config.guards.apyWindowHours = 0
        let (engine, chain, store) = try await fixture.open()
        var ok = await engine.runOnce()
        XCTAssertTrue(ok)
        await chain.inject(.crowded(.moonwell))  // 99.5 % borrowed from now on
        for minutes in [30, 45] {
            fixture.clock.advance(by: TimeInterval(minutes) * 60)
            ok = await engine.runOnce()
            XCTAssertTrue(ok)
            XCTAssertTrue(try store.executions(limit: 20).filter { $0.recommendation.from == .moonwell }.isEmpty,
                          "not yet an hour at the top")
        }
        XCTAssertTrue(try notices(store).contains("Moonwell is 99.50% utilized, at or above 99%: withdrawals may wait, not a target"))
        fixture.clock.advance(by: 30 * 60)  // the first crowded scan is now 75 minutes old
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let exit = try XCTUnwrap(store.executions(limit: 20).first { $0.recommendation.from == .moonwell })
        XCTAssertEqual(exit.status, .succeeded)
        XCTAssertEqual(exit.recommendation.exit?.rule, "high_utilization")
        XCTAssertNotEqual(exit.recommendation.to, .moonwell)
    }

    func testPatienceHoldsAPositionMovedLessThanSixHoursAgo() async throws {
        fixture.config.guards.apyWindowHours = 0
        let eager = other { $0.guards.minHoursBetweenMoves = 0 }
        for (f, patient) in [(fixture, true), (eager, false)] {
            let (engine, _, store) = try await f.open()
            var ok = await engine.runOnce()
            XCTAssertTrue(ok)
            func fromAave() throws -> Int { try store.executions(limit: 20).filter { $0.recommendation.from == .aaveV3 && $0.status == .succeeded }.count }
            XCTAssertEqual(try fromAave(), 1, "Aave's first chunk")
            f.clock.advance(by: 4 * 3600)
            ok = await engine.runOnce()
            XCTAssertTrue(ok)
            guard patient else {
                XCTAssertEqual(try fromAave(), 2, "without patience the next chunk goes at the next scan")
                continue
            }
            XCTAssertEqual(try fromAave(), 1)
            let held = try XCTUnwrap(verdicts(store).last { $0.0.from == .aaveV3 }?.1)
            XCTAssertEqual(held.failedGates.map(\.name), ["patience"])
            XCTAssertEqual(held.failedGates.first?.reason, "Aave V3 last moved 4 h ago < minimum 6 h")
            f.clock.advance(by: 2 * 3600)
            ok = await engine.runOnce()
            XCTAssertTrue(ok)
            XCTAssertEqual(try fromAave(), 2, "six hours after the last move touching Aave")
        }
    }

    func testTheWindowDampsTheHourlyDriftThatSpotRatesChase() async throws {
        // Gates loose enough that the drifting rates tempt the engine (as EarningsTests).
        func restless(_ c: inout MammonConfig) {
            c.gates = GateThresholds(minProfitUSD: 0, maxBreakEvenDays: 365, minAPYImprovement: Decimal(string: "0.05")!, minRebalanceAmountUSD: 100)
            c.maxTransactionValueUSD = 10_000
            c.maxRebalancesPerDay = 20
        }
        fixture.config.guards.minHoursBetweenMoves = 0  // the window alone
        restless(&fixture.config)
        let spot = other { $0.guards.apyWindowHours = 0 }
        var moves: [Int] = []
        for f in [fixture, spot] {
            let (engine, _, store) = try await f.open()
            for _ in 0..<(7 * 6) {
                let ok = await engine.runOnce()
                XCTAssertTrue(ok)
                f.clock.advance(by: 4 * 3600)
            }
            moves.append(try store.executions(limit: 1000).filter { $0.status == .succeeded && $0.recommendation.from != nil }.count)
        }
        XCTAssertLessThanOrEqual(moves[0], 1, "on its 24 h average Moonwell stays the best: one move there, none back")
        XCTAssertGreaterThanOrEqual(moves[1], 3, "on spot rates the hourly drift moves funds back and forth")
    }
}
