import Foundation
import MammonCore
import MammonMetrics
import XCTest

/// The fold from engine events to metric values.
final class EngineMetricsStateTests: XCTestCase {
    func testStatusMarketsIdleApprovalsAndTheLastGoodCycleFollowTheEvents() {
        let request = Sample.approval(1)
        let state = EngineMetricsState(folding: [
            Sample.event(0, .status(Sample.status(.running, scans: 3))),
            Sample.event(10, .marketsScanned(cycle: 3, markets: [
                Sample.snapshot(.aaveV3, apy: "4.10", position: "1000"),
                Sample.snapshot(.morphoVault, apy: "0", position: "250", measured: false)], idle: Sample.usdc("125.5"))),
            Sample.event(20, .scanFinished(cycle: 3, ok: true, opportunities: 1, executed: 0, durationMs: 40, error: nil)),
            Sample.event(30, .scanFinished(cycle: 4, ok: false, opportunities: 0, executed: 0, durationMs: 40, error: "rpc down")),
            Sample.event(40, .approvalRequested(request)),
            Sample.event(41, .approvalRequested(Sample.approval(2))),
            Sample.event(50, .approvalResolved(recommendationID: Sample.id(2), outcome: .expired, detail: "expired")),
        ])
        XCTAssertEqual(state.status?.scans, 3)
        XCTAssertEqual(state.markets["aave-v3"], .init(positionUSD: 1000, apyPercent: Decimal(string: "4.10")!))
        XCTAssertEqual(state.markets["morpho-vault"], .init(positionUSD: 250, apyPercent: nil), "an unmeasured APY is not 0 %")
        XCTAssertEqual(state.idleUSD, Decimal(string: "125.5")!)
        XCTAssertEqual(state.lastSuccessfulScanAt, Sample.at(20), "a failed cycle does not move the last good one")
        XCTAssertEqual(state.pendingApprovals, [request.id])
    }

    func testANewScanReplacesTheMarketsAndAReplayedEventCountsOnce() {
        var state = EngineMetricsState()
        let first = Sample.event(0, .marketsScanned(cycle: 1, markets: [Sample.snapshot(.aaveV3, apy: "4", position: "10"),
                                                                      Sample.snapshot(.moonwell, apy: "5", position: "0")], idle: Sample.usdc("0")))
        state.apply(first)
        state.apply(Sample.event(5, .marketsScanned(cycle: 2, markets: [Sample.snapshot(.moonwell, apy: "5.5", position: "10")],
                                                    idle: Sample.usdc("1"))))
        XCTAssertEqual(Set(state.markets.keys), ["moonwell"])
        // The exporter seeds from the database after subscribing: an approval may arrive twice.
        state.apply(Sample.event(6, .approvalRequested(Sample.approval(3))))
        state.apply(Sample.event(6, .approvalRequested(Sample.approval(3))))
        XCTAssertEqual(state.pendingApprovals.count, 1)
    }

    func testAVerifiedMoveReplacesThePositionsBeforeTheNextScan() {
        var state = EngineMetricsState()
        state.apply(Sample.event(0, .marketsScanned(cycle: 1, markets: [Sample.snapshot(.aaveV3, apy: "3", position: "1000"),
                                                                      Sample.snapshot(.moonwell, apy: "5", position: "0")], idle: Sample.usdc("0"))))
        state.apply(Sample.event(5, .positionsVerified(executionID: Sample.id(9), markets: [Sample.snapshot(.aaveV3, apy: "3", position: "0"),
                                                                                          Sample.snapshot(.moonwell, apy: "5", position: "1000")],
                                                       idle: Sample.usdc("0"))))
        XCTAssertEqual(state.markets["moonwell"]?.positionUSD, 1000)
        XCTAssertEqual(state.markets["aave-v3"]?.positionUSD, 0)
    }
}

/// Fixed dates and ids.
enum Sample {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)
    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    static func usdc(_ text: String) -> TokenAmount { try! TokenAmount(decimalString: text, decimals: 6) }
    static func event(_ seconds: TimeInterval, _ kind: EngineEvent.Kind) -> EngineEvent { EngineEvent(at: at(seconds), kind: kind) }

    static func status(_ state: SchedulerStatus.State, scans: Int, found: Int = 4, executed: Int = 2, skipped: Int = 1,
                       rebalances: Int = 9, gasTotal: Decimal = 31, failures: Int = 0) -> SchedulerStatus {
        SchedulerStatus(state: state, network: "simulated", scans: scans, opportunitiesFound: found, opportunitiesExecuted: executed,
                        opportunitiesSkipped: skipped, rebalancesToday: 2, gasTodayUSD: Decimal(string: "1.25")!,
                        rebalancesTotal: rebalances, gasTotalUSD: gasTotal, consecutiveFailures: failures)
    }

    static func snapshot(_ p: MarketID, apy: String, position: String, measured: Bool = true) -> MarketSnapshot {
        MarketSnapshot(quote: YieldQuote(marketID: p, token: .usdc, apy: Decimal(string: apy)!, observedAt: t0),
                       position: usdc(position), apyMeasured: measured)
    }

    static func approval(_ n: Int) -> ApprovalRequest {
        let rec = RebalanceRecommendation(id: id(n), from: .aaveV3, to: .moonwell, token: .usdc, amount: usdc("1000"),
                                          currentAPY: 4, expectedAPY: 5, reason: "higher supply rate", confidence: 80)
        let costs = CostBreakdown(withdrawGasUSD: 0, approveGasUSD: 0, swapGasUSD: 0, depositGasUSD: 0, slippageUSD: 0, protocolFeesUSD: 0)
        let analysis = ProfitabilityAnalysis(currentAPY: 4, targetAPY: 5, amountUSD: 1000, apyImprovement: 1, annualGainUSD: 10,
                                             costs: costs, netGainUSD: 10, breakEvenDays: 0, roiPct: 100, gates: [])
        let plan = MovePlan(withdrawGas: 1, approveGas: 1, depositGas: 1, gasPriceGwei: 1, ethUSD: 3000)
        return ApprovalRequest(recommendation: rec, analysis: analysis, plan: plan, steps: ExecutionStep.plan(for: rec),
                               requestedAt: at(0), expiresAt: at(3600))
    }
}
