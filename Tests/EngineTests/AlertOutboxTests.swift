import Chain
import Engine
import Foundation
import MammonCore
import Service
import Store
import XCTest

/// The engine on the simulated chain queues each alert in the outbox in the commit of the event
/// that raised it. Faults are the simulated chain's, or the live chain's real error texts.
final class AlertOutboxTests: XCTestCase {
    var fixture = EngineFixture()
    override func setUp() {
        fixture.config.notifyURLsFile = "/unused: alerts are on"
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
    }
    override func tearDown() { fixture.cleanUp() }

    func alerts(_ store: AppDatabase) throws -> [Alert] { try store.outboxAlerts().map(\.alert) }

    func only(_ title: String, _ store: AppDatabase, file: StaticString = #filePath, line: UInt = #line) throws -> Alert {
        let all = try alerts(store)
        let matching = all.filter { $0.title == title }
        XCTAssertEqual(matching.count, 1, "\(title) in \(all.map(\.title))", file: file, line: line)
        return try XCTUnwrap(matching.first, file: file, line: line)
    }

    func testNoAlertsAreQueuedWithoutNotifiers() async throws {
        fixture.config.notifyURLsFile = nil
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.revert(.deposit, reason: "simulated revert"))
        await engine.runOnce()
        XCTAssertEqual(try store.outboxAlerts(), [])
    }

    func testStrandedFundsAreAFailureAlertQueuedWithTheirEvent() async throws {
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.revert(.deposit, reason: "simulated revert"))
        await engine.runOnce()
        let stranded = try only("Funds stranded in the wallet", store)
        XCTAssertEqual(stranded.severity, .failure)
        XCTAssertTrue(stranded.message.contains("Aave V3 → Moonwell"), stranded.message)
        XCTAssertTrue(stranded.message.contains("simulated revert"), stranded.message)
        // Same transaction: the alert's time is its event's time.
        let finished = try XCTUnwrap(store.recentEvents(limit: 200, types: ["execution.finished"]).first)
        let queued = try XCTUnwrap(store.outboxAlerts().first { $0.alert.title == stranded.title })
        XCTAssertEqual(queued.createdAt.timeIntervalSince1970, finished.at.timeIntervalSince1970, accuracy: 0.001)
    }

    func testAFailedExecutionIsAWarning() async throws {
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.revert(.withdraw, reason: "simulated revert"))
        await engine.runOnce()
        let failed = try only("Execution failed", store)
        XCTAssertEqual(failed.severity, .warning)
        XCTAssertTrue(failed.message.contains("failed at withdraw"), failed.message)
    }

    func testBreakerTripIsAFailureAndResumeIsInfo() async throws {
        fixture.config.breakerConsecutiveFailures = 2
        let (engine, chain, store) = try await fixture.open()
        for _ in 0..<2 {   // each injected read failure fails one read
            await chain.inject(.readFailure("simulated read failure"))
            await engine.runOnce()
        }
        let tripped = try only("Circuit breaker tripped", store)
        XCTAssertEqual(tripped.severity, .failure)
        XCTAssertTrue(tripped.message.contains("simulated read failure"), tripped.message)
        await engine.send(.resume)
        XCTAssertEqual(try only("Engine resumed", store).severity, .info)
    }

    func testEmergencyStopIsAFailure() async throws {
        let (engine, _, store) = try await fixture.open()
        await engine.send(.emergencyStop)
        let stop = try only("Emergency stop", store)
        XCTAssertEqual(stop.severity, .failure)
        XCTAssertEqual(try alerts(store).filter { $0.title == "Circuit breaker tripped" }, [])
    }

    func testApprovalWaitingSaysTheMoveAndExpiryAndExpiredIsInfo() async throws {
        fixture.approvalMode = .manual
        let (engine, _, store) = try await fixture.open()
        await engine.runOnce()
        let waiting = try alerts(store).filter { $0.title == "Approval waiting" }
        XCTAssertFalse(waiting.isEmpty)
        XCTAssertTrue(waiting.allSatisfy { $0.severity == .warning })
        let expiry = EngineFixture.start.addingTimeInterval(3600).iso8601
        XCTAssertTrue(waiting[0].message.contains("expires at \(expiry)"), waiting[0].message)
        XCTAssertTrue(waiting[0].message.contains(" → "), waiting[0].message)
        fixture.clock.advance(by: 3601)
        await engine.runOnce()
        let expired = try alerts(store).filter { $0.title == "Approval expired" }
        XCTAssertEqual(expired.count, waiting.count)
        XCTAssertTrue(expired.allSatisfy { $0.severity == .info })
    }

    func testLimitReachedIsAWarning() async throws {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell, .morphoVault]
        fixture.config.maxRebalancesPerDay = 1
        let (engine, _, store) = try await fixture.open()
        await engine.runOnce()
        let limit = try XCTUnwrap(alerts(store).first { $0.title == "Limit reached" })
        XCTAssertEqual(limit.severity, .warning)
        XCTAssertTrue(limit.message.hasPrefix("max_rebalances_per_day"), limit.message)
    }

    func testStuckTransactionReplacedIsAWarning() async throws {
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.congestion(.deposit, bumps: 1))
        await engine.runOnce()
        let stuck = try only("Stuck transaction replaced", store)
        XCTAssertEqual(stuck.severity, .warning)
        XCTAssertTrue(stuck.message.contains("replaced by 0x"), stuck.message)
    }

    /// The live chain's own error texts, thrown by the chain during a scan as the live chain would.
    func testStalePriceFeedIsAFailure() async throws {
        let stale = LiveChainError.stalePrice(feed: "0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70", updatedAt: 1_800_000_000, ageSeconds: 7200, limitSeconds: 3600)
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.readFailure(stale.description, code: stale.alertCode))
        await engine.runOnce()
        let alert = try only("Price feed unusable", store)
        XCTAssertEqual(alert.severity, .failure)
        XCTAssertTrue(alert.message.contains("is stale"), alert.message)
    }

    /// The engine routes by the error's type: a reworded failure raises the same alert, and a failure
    /// whose text merely quotes the old phrases (a node's words) raises none of them.
    func testRoutingFollowsTheErrorNotItsWords() async throws {
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.readFailure("the oracle went quiet", code: .priceFeedUnusable))
        await engine.runOnce()
        XCTAssertEqual(try only("Price feed unusable", store).message, "Spending is blocked: market scan failed: the oracle went quiet")
        var other = EngineFixture(config: fixture.config)
        defer { other.cleanUp() }
        let (engine2, chain2, store2) = try await other.open()
        await chain2.inject(.readFailure("reverted: ETH/USD feed stale; no healthy RPC endpoint; the chain cannot be reached"))
        await engine2.runOnce()
        XCTAssertEqual(try alerts(store2).filter { ["Price feed unusable", "RPC endpoints failing"].contains($0.title) }, [])
    }

    func testPriceOutOfBoundsIsAFailure() async throws {
        let bounds = LiveChainError.priceOutOfBounds(feed: "0xfeed", price: "12", min: "100", max: "100000")
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.readFailure(bounds.description, code: bounds.alertCode))
        await engine.runOnce()
        XCTAssertEqual(try only("Price feed unusable", store).severity, .failure)
    }

    func testAllRPCEndpointsFailingIsAFailure() async throws {
        let down = LiveChainError.rpc(.noHealthyEndpoint(urls: ["https://rpc.example/KEY1", "https://other.example/KEY2"], retryIn: 30))
        let (engine, chain, store) = try await fixture.open()
        await chain.inject(.readFailure(down.description, code: down.alertCode))
        await engine.runOnce()
        let alert = try only("RPC endpoints failing", store)
        XCTAssertEqual(alert.severity, .failure)
        XCTAssertFalse(alert.message.contains("KEY1"), "endpoint URLs are redacted by the chain: \(alert.message)")
        let refused = LiveChainError.rpc(.transport(method: "eth_call", TransportError(url: "http://127.0.0.1:9/k", kind: .couldNotConnect, code: 7, message: "Connection refused")))
        XCTAssertEqual(AlertRules.alerts(for: EngineEvent(at: Date(), kind: .error(source: "scan", message: "market scan failed: \(refused)", code: AlertCode.of(refused)))).map(\.title),
                       ["RPC endpoints failing"])
    }

    func testLifecycleNoticesAreInfo() async throws {
        let (engine, _, store) = try await fixture.open()
        await engine.note(source: EngineLifecycle.source, EngineLifecycle.restartedAfterCrash(previousWasRunning: true, unfinishedExecutions: 1),
                          code: .engineRestartedAfterCrash)
        await engine.note(source: EngineLifecycle.source, EngineLifecycle.started(network: "simulated"), code: .engineStarted)
        await engine.note(source: EngineLifecycle.source, EngineLifecycle.stopped(reason: "signal"), code: .engineStopped)
        XCTAssertEqual(try alerts(store).map(\.title), ["Engine restarted after a crash", "Engine started", "Engine stopped"])
        XCTAssertTrue(try alerts(store).allSatisfy { $0.severity == .info })
    }

    func testDailyReportIsWrittenOnceADayAtTheHour() async throws {
        let (engine, _, store) = try await fixture.open()   // 2027-01-15 10:00 UTC
        await engine.runOnce()
        let reporter = DailyReporter(store: store, hour: 8) { await engine.note(source: DailyReport.source, $0) }
        let reported = try await reporter.reportIfDue(now: fixture.clock.now())
        XCTAssertFalse(reported, "the database did not exist at 08:00 today")
        fixture.clock.advance(by: 22 * 3600)   // 2027-01-16 08:00
        await engine.runOnce()                 // a second scan: the positions earned interest in between
        let first = try await reporter.reportIfDue(now: fixture.clock.now())
        let again = try await reporter.reportIfDue(now: fixture.clock.now().addingTimeInterval(60))
        XCTAssertTrue(first)
        XCTAssertFalse(again)
        let report = try only("Daily report", store)
        XCTAssertEqual(report.severity, .info)
        for part in ["Positions: ", "% APY", "Moves: ", "gas spent $", "Errors: none.", "Waiting: nothing.", "Earnings (24h): +"] {
            XCTAssertTrue(report.message.contains(part), "\(part) in \(report.message)")
        }
        // The figure is the measured one: balance growth net of moves, as the portfolio view shows it.
        let day = EarningsCalculator.window(EarningsCalculator.intervals(try store.balanceObservations(), flows: try store.treasuryFlows()), span: .day)
        XCTAssertGreaterThan(day.treasury.earned, 0)
        XCTAssertTrue(report.message.contains("Earnings (24h): +\(AccountingReport.signedExact(day.treasury.earned, decimals: 6)) USDC"), report.message)
    }
}
