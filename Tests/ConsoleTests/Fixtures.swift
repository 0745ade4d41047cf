import Foundation
import MammonCore
@testable import Console

/// Deterministic engine data: fixed dates and ids, so screens are the same on every run.
enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18
    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }
    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    static func usdc(_ text: String) -> TokenAmount { try! TokenAmount(decimalString: text, decimals: 6) }

    static func status(_ state: SchedulerStatus.State = .running, rebalances: Int = 3, gas: Decimal = Decimal(string: "12.4")!,
                       failures: Int = 0, halt: String? = nil) -> SchedulerStatus {
        SchedulerStatus(state: state, haltReason: halt, network: "simulated",
                        walletAddress: "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", approvalMode: "manual",
                        startedAt: at(0), lastScanAt: at(60), nextScanAt: at(60 + 4 * 3600), scans: 12,
                        opportunitiesFound: 4, opportunitiesExecuted: 2, opportunitiesSkipped: 1, rebalancesToday: rebalances,
                        gasTodayUSD: gas, rebalancesTotal: 9, gasTotalUSD: 31, maxRebalancesPerDay: 5, maxGasPerDayUSD: 50,
                        consecutiveFailures: failures)
    }

    static func recommendation(_ n: Int, from: MarketID? = .aaveV3, to: MarketID = .moonwell,
                               amount: String = "1000", current: Decimal = Decimal(string: "4.10")!,
                               expected: Decimal = Decimal(string: "5.35")!) -> RebalanceRecommendation {
        RebalanceRecommendation(id: id(n), from: from, to: to, token: .usdc, amount: usdc(amount), currentAPY: current,
                                expectedAPY: expected, reason: "higher supply rate", confidence: 80)
    }

    static func analysis(amount: Decimal = 1000, current: Decimal = Decimal(string: "4.10")!,
                         target: Decimal = Decimal(string: "5.35")!, failing: String? = nil) -> ProfitabilityAnalysis {
        let costs = CostBreakdown(withdrawGasUSD: Decimal(string: "0.0412")!, approveGasUSD: Decimal(string: "0.0188")!,
                                  swapGasUSD: 0, depositGasUSD: Decimal(string: "0.0521")!, slippageUSD: 0, protocolFeesUSD: 0)
        let gain = amount * (target - current) / 100
        let names = ["apy_improvement", "min_profit", "break_even", "max_cost", "min_apy_improvement", "min_rebalance_amount"]
        let gates = names.map { GateVerdict(name: $0, passed: $0 != failing, reason: $0 == failing ? "\($0) not met" : "ok") }
        return ProfitabilityAnalysis(currentAPY: current, targetAPY: target, amountUSD: amount, apyImprovement: target - current,
                                     annualGainUSD: gain, costs: costs, netGainUSD: gain - costs.totalUSD, breakEvenDays: 4,
                                     roiPct: 100, gates: gates)
    }

    static func plan() -> MovePlan {
        MovePlan(withdrawGas: 180_000, approveGas: 46_000, depositGas: 210_000, gasPriceGwei: Decimal(string: "0.0120")!,
                 ethUSD: 3000)
    }

    static func approval(_ n: Int) -> ApprovalRequest {
        let rec = recommendation(n)
        return ApprovalRequest(recommendation: rec, analysis: analysis(), plan: plan(), steps: ExecutionStep.plan(for: rec),
                               requestedAt: at(70), expiresAt: at(70 + 3600))
    }

    static func snapshot(_ p: MarketID, _ apy: String, _ position: String) -> MarketSnapshot {
        MarketSnapshot(quote: YieldQuote(marketID: p, token: .usdc, apy: Decimal(string: apy)!, observedAt: at(60)),
                       position: usdc(position))
    }

    static func event(_ seconds: TimeInterval, _ kind: EngineEvent.Kind) -> ConsoleAction {
        .engineEvent(EngineEvent(at: at(seconds), kind: kind))
    }

    /// Ten days of 4-hourly scans ending at t0, interest credited at each market's drifting rate in
    /// whole base units, three moves that completed and one that failed.
    /// Without `verdicts`, the moves come as a console first reads them: no gate verdict yet.
    static func portfolioBook(verdicts: Bool = true) -> PortfolioBook {
        let interval: TimeInterval = 4 * 3600
        let start = at(-60 * interval)
        var held: [MarketID: UInt128] = [.aaveV3: 2_500_000_000, .moonwell: 0, .morphoVault: 250_000_000]
        var idle: UInt128 = 1_500_000_000
        var observations: [BalanceObservation] = [], flows: [TreasuryFlow] = [], moves: [MoveRecord] = []
        let plan: [Int: (n: Int, from: MarketID?, to: MarketID, units: UInt128, status: ExecutionStatus)] = [
            6: (1, nil, .moonwell, 1_000_000_000, .succeeded), 18: (2, .aaveV3, .moonwell, 1_000_000_000, .succeeded),
            30: (3, .morphoVault, .moonwell, 250_000_000, .failed), 42: (4, .aaveV3, .morphoVault, 500_000_000, .succeeded)]
        for k in 0...60 {
            let t = start.addingTimeInterval(Double(k) * interval)
            let bps: [MarketID: Int] = [.aaveV3: 410 + (k * 7) % 11 - 5, .moonwell: 520 + (k * 5) % 13 - 6,
                                               .morphoVault: 460 + (k * 3) % 7 - 3]
            observations.append(BalanceObservation(at: t, logPosition: Int64(k * 10), idle: usdc("0").adding(TokenAmount(baseUnits: idle, decimals: 6)),
                                                    markets: [MarketID.aaveV3, .moonwell, .morphoVault].map {
                MarketBalance(marketID: $0, amount: TokenAmount(baseUnits: held[$0]!, decimals: 6), apy: Decimal(bps[$0]!).shifted(by: -2))
            }))
            if let m = plan[k] {
                let rec = RebalanceRecommendation(id: id(200 + m.n), from: m.from, to: m.to, token: .usdc,
                                                  amount: TokenAmount(baseUnits: m.units, decimals: 6),
                                                  currentAPY: m.from.map { Decimal(bps[$0]!).shifted(by: -2) } ?? 0,
                                                  expectedAPY: Decimal(bps[m.to]!).shifted(by: -2), reason: "higher supply rate", confidence: 80)
                let exec = id(100 + m.n)
                var steps: [StepRecord] = []
                if m.status == .succeeded {
                    if let from = m.from {
                        held[from]! -= m.units
                        flows.append(TreasuryFlow(logPosition: Int64(k * 10 + 3), at: t.addingTimeInterval(5), market: from, direction: .withdraw,
                                                  amount: rec.amount, executionID: exec))
                    } else {
                        idle -= m.units
                    }
                    held[m.to]! += m.units
                    flows.append(TreasuryFlow(logPosition: Int64(k * 10 + 5), at: t.addingTimeInterval(9), market: m.to, direction: .deposit,
                                              amount: rec.amount, executionID: exec))
                    for (j, step) in ExecutionStep.plan(for: rec).filter(\.sendsTransaction).enumerated() {
                        steps.append(StepRecord(executionID: exec, step: step, status: .succeeded,
                                                txHash: "0x" + String(repeating: "\(m.n)\(j)", count: 32), gasUsed: 105_000,
                                                gasCostUSD: Decimal(string: "0.0019")!))
                    }
                }
                let summary = ExecutionSummary(id: exec, recommendation: rec, status: m.status, startedAt: t.addingTimeInterval(1),
                                               finishedAt: t.addingTimeInterval(12), gasUsed: m.status == .succeeded ? 315_000 : 150_000,
                                               gasCostUSD: Decimal(string: m.status == .succeeded ? "0.0057" : "0.0027")!)
                moves.append(MoveRecord(execution: summary, analysis: verdicts ? analysis(amount: rec.amount.decimalValue, current: rec.currentAPY,
                                                                                          target: rec.expectedAPY) : nil, steps: steps))
            }
            for (market, units) in held {
                held[market] = units + units * UInt128(bps[market]!) * UInt128(interval) / (10_000 * 31_536_000)
            }
        }
        return PortfolioBook(observations: observations, flows: flows, moves: moves)
    }

    /// A console that has seen a few scans, two rejected opportunities, one waiting for approval, an
    /// execution in its deposit step, and two errors; its portfolio holds ten days of history.
    static func busyState(size: TerminalSize = .init(80, 24)) -> ConsoleState {
        var state = ConsoleState(now: at(0), size: .init(width: size.w, height: size.h))
        var actions: [ConsoleAction] = [.restored(StoredRecords(portfolio: portfolioBook())), event(0, .status(status()))]
        let rates: [[String]] = [["4.10", "5.02", "4.60"], ["4.12", "5.20", "4.55"], ["4.05", "5.35", "4.70"], ["4.10", "5.31", "4.66"]]
        for (i, r) in rates.enumerated() {
            actions.append(event(Double(i) * 10, .marketsScanned(cycle: i + 9, markets: [
                snapshot(.aaveV3, r[0], "1000"), snapshot(.moonwell, r[1], "0"), snapshot(.morphoVault, r[2], "250")],
                idle: usdc("125.5"))))
        }
        actions += [
            event(40, .opportunityFound(recommendation(1, from: .morphoVault, to: .moonwell, amount: "250",
                                                       current: Decimal(string: "4.66")!, expected: Decimal(string: "5.31")!))),
            event(41, .gateVerdict(recommendationID: id(1), analysis: analysis(amount: 250, current: Decimal(string: "4.66")!,
                                                                                target: Decimal(string: "5.31")!, failing: "break_even"))),
            event(42, .opportunityFound(recommendation(2, from: nil, to: .aaveV3, amount: "125.5",
                                                       current: 0, expected: Decimal(string: "4.10")!))),
            event(43, .gateVerdict(recommendationID: id(2), analysis: analysis(amount: Decimal(string: "125.5")!, current: 0,
                                                                                target: Decimal(string: "4.10")!, failing: "min_rebalance_amount"))),
            event(50, .opportunityFound(recommendation(3))),
            event(51, .gateVerdict(recommendationID: id(3), analysis: analysis())),
            event(52, .approvalRequested(approval(3))),
            event(53, .executionStarted(executionID: id(90), recommendation: recommendation(4, from: .moonwell, to: .aaveV3, amount: "500"),
                                        steps: ExecutionStep.allCases)),
        ]
        for (k, step) in [ExecutionStep.validation, .balanceCheck, .withdraw, .approve].enumerated() {
            let start = at(54 + Double(k) * 2)
            actions.append(event(54 + Double(k) * 2, .stepStarted(executionID: id(90), step: step)))
            actions.append(event(55 + Double(k) * 2, .stepFinished(StepRecord(
                executionID: id(90), step: step, status: .succeeded,
                txHash: step.sendsTransaction ? "0x" + String(repeating: "ab\(k)", count: 21).prefix(64) : nil,
                gasUsed: step.sendsTransaction ? 182_311 : nil, gasCostUSD: step.sendsTransaction ? Decimal(string: "0.041")! : nil,
                startedAt: start, finishedAt: start.addingTimeInterval(1.2)))))
        }
        actions += [
            event(62, .stepStarted(executionID: id(90), step: .deposit)),
            event(63, .error(source: "chain", message: "rpc timeout after 10s calling eth_getBalance on https://base.example/rpc; retrying")),
            event(64, .error(source: "price", message: "ETH price feed stale by 12 minutes")),
            .tick(at(65)),
        ]
        for a in actions { _ = ConsoleReducer.reduce(&state, a) }
        state.flash = nil
        return state
    }
}

struct TerminalSize {
    var w: Int, h: Int
    init(_ w: Int, _ h: Int) { self.w = w; self.h = h }
}
