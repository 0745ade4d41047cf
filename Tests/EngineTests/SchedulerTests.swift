import Chain
import Engine
import Foundation
import MammonCore
import Store
import XCTest

final class SchedulerTests: XCTestCase {
    var fixture = EngineFixture()
    override func tearDown() { fixture.cleanUp() }

    func testScansEveryIntervalAndStopInterruptsTheWaitAtOnce() async throws {
        let (engine, _, store) = try await fixture.open()
        await engine.start()
        await fixture.clock.waitForSleepers(1)
        XCTAssertEqual(fixture.clock.sleepingUntil, [EngineFixture.start.addingTimeInterval(4 * 3600)])
        var status = await engine.status()
        XCTAssertEqual(status.scans, 1)
        XCTAssertEqual(status.state, .running)
        XCTAssertEqual(status.nextScanAt, EngineFixture.start.addingTimeInterval(4 * 3600))

        fixture.clock.advance(by: 4 * 3600 - 1)
        XCTAssertEqual(fixture.clock.sleepingUntil.count, 1, "not before the interval")
        fixture.clock.advance(by: 1)
        await fixture.clock.waitForSleepers(1)
        status = await engine.status()
        XCTAssertEqual(status.scans, 2)

        await engine.stop(reason: "test")   // no clock movement: the wait is cancelled
        status = await engine.status()
        XCTAssertEqual(status.state, .stopped)
        XCTAssertNil(status.nextScanAt)
        XCTAssertTrue(fixture.clock.sleepingUntil.isEmpty)
        XCTAssertEqual(try store.types { $0.hasPrefix("scheduler.") }, ["scheduler.started", "scheduler.stopped"])
    }

    func testFailedCyclesBackOffExponentiallyThenTheBreakerLatchesAcrossRestarts() async throws {
        fixture.config.retryBackoffSeconds = 60
        fixture.config.breakerConsecutiveFailures = 3
        do {
            let (engine, chain, store) = try await fixture.open()
            for _ in 0..<3 { await chain.inject(.readFailure("rpc down")) }
            await engine.start()
            await fixture.clock.waitForSleepers(1)
            XCTAssertEqual(fixture.clock.sleepingUntil, [EngineFixture.start.addingTimeInterval(60)])
            fixture.clock.advance(by: 60)
            await fixture.clock.waitForSleepers(1)
            XCTAssertEqual(fixture.clock.sleepingUntil, [EngineFixture.start.addingTimeInterval(60 + 120)], "backoff doubles")
            fixture.clock.advance(by: 120)
            // Third failure trips the breaker: the loop ends, nothing sleeps.
            while await engine.status().state != .halted { await Task.yield() }
            let status = await engine.status()
            XCTAssertEqual(status.haltReason, "circuit breaker: 3 consecutive cycle failures (last: market scan failed: rpc down)")
            XCTAssertEqual(try store.types { $0 == "cycle.retry" || $0 == "scheduler.halted" }, ["cycle.retry", "cycle.retry", "scheduler.halted"])
            await engine.shutdown()
        }
        // Restart: still halted; start is refused until the operator resumes.
        let (engine, _, store) = try await fixture.open()
        var status = await engine.status()
        XCTAssertEqual(status.state, .halted)
        await engine.send(.start)
        status = await engine.status()
        XCTAssertEqual(status.state, .halted)
        XCTAssertTrue(try store.recentEvents(limit: 1, types: ["error"]).first.map { "\($0.kind)".contains("cannot start: halted") } ?? false)
        let ran = await engine.runOnce()
        XCTAssertFalse(ran, "no scans while halted")
        await engine.send(.resume)
        status = await engine.status()
        XCTAssertEqual(status.state, .stopped)
        XCTAssertEqual(status.consecutiveFailures, 0)
        let ok = await engine.runOnce()
        XCTAssertTrue(ok)
    }

    func testDailyLimitsSurviveARestartAndResetAtUTCMidnight() async throws {
        fixture = EngineFixture(start: Date(timeIntervalSince1970: 1_800_057_600 - 600)) // 2027-01-15T23:50Z
        fixture.config.maxRebalancesPerDay = 2
        do {
            let (engine, _, store) = try await fixture.open()
            await engine.runOnce()
            XCTAssertEqual(try store.executions(limit: 10).count, 2)
            await engine.shutdown()
        }
        let (engine, _, store) = try await fixture.open()
        let status = await engine.status()
        XCTAssertEqual(status.rebalancesToday, 2, "a restart does not reset today's count")
        await engine.runOnce()
        XCTAssertEqual(try store.executions(limit: 10).count, 2, "limit reached: nothing executed")
        let limit = try XCTUnwrap(store.recentEvents(limit: 5, types: ["limit.reached"]).last)
        guard case .limitReached(let name, let detail) = limit.kind else { return XCTFail() }
        XCTAssertEqual(name, "max_rebalances_per_day")
        XCTAssertEqual(detail, "2 of 2 rebalances used today (2027-01-15 UTC)")

        fixture.clock.advance(by: 600) // 2027-01-16T00:00:00Z
        let afterMidnight = await engine.status()
        XCTAssertEqual(afterMidnight.rebalancesToday, 0)
        await engine.runOnce()
        XCTAssertEqual(try store.executions(limit: 10).count, 4)
        XCTAssertEqual(try store.budget(day: "2027-01-16").rebalances, 2)
        XCTAssertEqual(try store.budget(day: "2027-01-15").rebalances, 2)
    }

    func testGasCapStopsAMoveThatWouldOvershoot() async throws {
        fixture.config.maxGasPerDayUSD = Decimal(string: "0.005")!  // one simulated move costs ~$0.0099 at max fee
        let (engine, _, store) = try await fixture.open()
        await engine.runOnce()
        XCTAssertTrue(try store.executions(limit: 10).isEmpty)
        XCTAssertTrue(try store.recentEvents(limit: 20, types: ["limit.reached"]).contains {
            if case .limitReached("max_gas_per_day_usd", _) = $0.kind { true } else { false }
        })
    }
}
