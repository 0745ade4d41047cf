import Foundation
import MammonCore
import XCTest

final class ProfitabilityGateTests: XCTestCase {
    /// The what-if defaults: 0.01 gwei, $2500 ETH, withdraw 150k + approve 50k + deposit 150k.
    func plan(gwei: String = "0.01", eth: Decimal = 2500, swap: Bool = false, withdraw: Bool = true) -> MovePlan {
        MovePlan(withdrawGas: withdraw ? 150_000 : nil, approveGas: 50_000, swapGas: swap ? 200_000 : nil, depositGas: 150_000,
                 gasPriceGwei: Decimal(string: gwei)!, ethUSD: eth)
    }

    func d(_ s: String) -> Decimal { Decimal(string: s)! }

    func testTheOriginalsOnlyLiveRebalance() {
        // $200.05 Aave 3.27 % → Moonwell 5.00 %: gain $3.460865, costs 350k gas × 0.01 gwei × $2500 = $0.00875.
        let a = ProfitabilityGate.analyze(currentAPY: d("3.27"), targetAPY: d("5.00"), amountUSD: d("200.05"), plan: plan(), thresholds: GateThresholds())
        XCTAssertEqual(a.annualGainUSD, d("3.460865"))
        XCTAssertEqual(a.costs.withdrawGasUSD, d("0.00375"))
        XCTAssertEqual(a.costs.approveGasUSD, d("0.00125"))
        XCTAssertEqual(a.costs.totalUSD, d("0.00875"))
        XCTAssertEqual(a.netGainUSD, d("3.452115"))
        XCTAssertEqual(a.breakEvenDays, 1) // 0.00875 / 3.460865 × 365 = 0.92 → 1
        XCTAssertFalse(a.profitable)
        XCTAssertEqual(a.failedGates.map(\.name), ["min_profit"])
        XCTAssertEqual(a.gates.first { $0.name == "min_profit" }?.reason, "Net gain $3.45/year < minimum $10.00")
    }

    func testEveryGateIsEvaluatedEvenAfterAFailure() {
        let a = ProfitabilityGate.analyze(currentAPY: 5, targetAPY: 4, amountUSD: 50, plan: plan(), thresholds: GateThresholds())
        XCTAssertEqual(a.gates.map(\.name), ["apy_improvement", "min_profit", "break_even", "max_cost", "min_apy_improvement", "min_rebalance_amount"])
        XCTAssertEqual(Set(a.failedGates.map(\.name)), ["apy_improvement", "min_profit", "break_even", "min_apy_improvement", "min_rebalance_amount"])
        XCTAssertEqual(a.breakEvenDays, 999_999)
        XCTAssertEqual(a.gates[0].reason, "No APY improvement (current: 5.00%, target: 4.00%)")
    }

    func testNoGainGivesSentinelsAndZeroAmountDoesNotDivide() {
        let a = ProfitabilityGate.analyze(currentAPY: 4, targetAPY: 4, amountUSD: 0, plan: plan(), thresholds: GateThresholds())
        XCTAssertEqual(a.breakEvenDays, 999_999)
        XCTAssertTrue(a.gates.first { $0.name == "max_cost" }!.passed, "cost share is 0 when the amount is 0, as the original")
        XCTAssertFalse(a.gates.first { $0.name == "min_rebalance_amount" }!.passed)
        let free = ProfitabilityGate.analyze(currentAPY: 1, targetAPY: 2, amountUSD: 1000, plan: plan(gwei: "0"), thresholds: GateThresholds())
        XCTAssertEqual(free.roiPct, 999_999)
    }

    func testBreakEvenRoundsHalfToEven() {
        // costs / gain × 365 exactly 2.5 → 2 and 3.5 → 4.
        XCTAssertEqual(ProfitabilityGate.breakEvenDays(costs: d("2.5"), annualGain: 365), 2)
        XCTAssertEqual(ProfitabilityGate.breakEvenDays(costs: d("3.5"), annualGain: 365), 4)
        XCTAssertEqual(ProfitabilityGate.breakEvenDays(costs: d("4.5000001"), annualGain: 365), 5)
    }

    func testBoundariesAreInclusiveWhereTheOriginalIs() {
        let free = plan(gwei: "0")
        // net == minimum passes (the original rejects only net < min).
        let atMin = ProfitabilityGate.analyze(currentAPY: 0, targetAPY: 1, amountUSD: 1000, plan: free, thresholds: GateThresholds(minProfitUSD: 10))
        XCTAssertTrue(atMin.gates[1].passed)
        let below = ProfitabilityGate.analyze(currentAPY: 0, targetAPY: d("0.999"), amountUSD: 1000, plan: free, thresholds: GateThresholds(minProfitUSD: 10))
        XCTAssertFalse(below.gates[1].passed)
        // Improvement exactly at MIN_APY_IMPROVEMENT passes; just below fails.
        let t = GateThresholds(minProfitUSD: 0)
        XCTAssertTrue(ProfitabilityGate.analyze(currentAPY: 3, targetAPY: d("3.5"), amountUSD: 1000, plan: free, thresholds: t).gates[4].passed)
        XCTAssertFalse(ProfitabilityGate.analyze(currentAPY: 3, targetAPY: d("3.49"), amountUSD: 1000, plan: free, thresholds: t).gates[4].passed)
        // Amount exactly at MIN_REBALANCE_AMOUNT passes.
        XCTAssertTrue(ProfitabilityGate.analyze(currentAPY: 0, targetAPY: 5, amountUSD: 100, plan: free, thresholds: t).gates[5].passed)
        XCTAssertFalse(ProfitabilityGate.analyze(currentAPY: 0, targetAPY: 5, amountUSD: d("99.99"), plan: free, thresholds: t).gates[5].passed)
    }

    func testCostShareAndBreakEvenLimits() {
        // 350k gas at 100 gwei and $2000: 0.07 ETH = $70 on $7000 = exactly 1 %.
        let p = plan(gwei: "100", eth: 2000)
        let exact = ProfitabilityGate.analyze(currentAPY: 0, targetAPY: 10, amountUSD: 7000, plan: p, thresholds: GateThresholds())
        XCTAssertEqual(exact.costs.totalUSD, 70)
        XCTAssertTrue(exact.gates[3].passed, "cost share equal to MAX_COST_PCT passes (strict > fails)")
        let over = ProfitabilityGate.analyze(currentAPY: 0, targetAPY: 10, amountUSD: d("6999.99"), plan: p, thresholds: GateThresholds())
        XCTAssertFalse(over.gates[3].passed)
        // Break-even exactly 30 days passes, 31 fails: gain $365/yr → $1/day; costs $30 vs $31.
        let t = GateThresholds(minProfitUSD: 0, maxBreakEvenDays: 30, maxCostPct: 1)
        let thirty = MovePlan(withdrawGas: nil, approveGas: nil, depositGas: 30_000, gasPriceGwei: 1000, ethUSD: 1000)
        let at30 = ProfitabilityGate.analyze(currentAPY: 0, targetAPY: d("3.65"), amountUSD: 10_000, plan: thirty, thresholds: t)
        XCTAssertEqual(at30.breakEvenDays, 30)
        XCTAssertTrue(at30.gates[2].passed)
        let thirtyOne = MovePlan(withdrawGas: nil, approveGas: nil, depositGas: 31_000, gasPriceGwei: 1000, ethUSD: 1000)
        XCTAssertFalse(ProfitabilityGate.analyze(currentAPY: 0, targetAPY: d("3.65"), amountUSD: 10_000, plan: thirtyOne, thresholds: t).gates[2].passed)
    }

    func testSwapAddsSwapGasAndSlippageOnlyWhenPlanned() {
        let noSwap = ProfitabilityGate.analyze(currentAPY: 3, targetAPY: 5, amountUSD: 10_000, plan: plan(), thresholds: GateThresholds())
        XCTAssertEqual(noSwap.costs.slippageUSD, 0)
        XCTAssertEqual(noSwap.costs.swapGasUSD, 0)
        var p = plan(swap: true)
        p.swapAmountUSD = 4000
        let swap = ProfitabilityGate.analyze(currentAPY: 3, targetAPY: 5, amountUSD: 10_000, plan: p, thresholds: GateThresholds())
        XCTAssertEqual(swap.costs.swapGasUSD, d("0.005"))
        XCTAssertEqual(swap.costs.slippageUSD, 20) // 4000 × 50 bps
        p.protocolFeePct = d("0.1")
        XCTAssertEqual(ProfitabilityGate.analyze(currentAPY: 3, targetAPY: 5, amountUSD: 10_000, plan: p, thresholds: GateThresholds()).costs.protocolFeesUSD, 10)
    }

    func testNewPositionIsNotChargedAWithdraw() {
        let a = ProfitabilityGate.analyze(currentAPY: 0, targetAPY: 5, amountUSD: 1000, plan: plan(withdraw: false), thresholds: GateThresholds())
        XCTAssertEqual(a.costs.withdrawGasUSD, 0)
        XCTAssertEqual(a.costs.totalUSD, d("0.005"))
    }

    func testConfidenceFollowsTheOriginal() {
        let big = ProfitabilityGate.analyze(currentAPY: 0, targetAPY: 5, amountUSD: 100_000, plan: plan(), thresholds: GateThresholds())
        XCTAssertEqual(ProfitabilityGate.confidence(big), 100) // 60 + 20 + 10 + 10
        let small = ProfitabilityGate.analyze(currentAPY: 3, targetAPY: 4, amountUSD: 1000, plan: plan(), thresholds: GateThresholds())
        XCTAssertEqual(ProfitabilityGate.confidence(small), 80) // net $9.99: 60 + 0 + 10 + 10
    }
}
