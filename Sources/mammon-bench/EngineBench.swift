import Chain
import Engine
import Foundation
import MammonCore
// The event-append figure measures the store's own commit on a throwaway database (no engine's):
// the one file outside the engine that imports the writer, listed in WriterGateTests.
@_spi(EngineWriter) import Store

/// Engine figures: a simulated cycle, deciding many quotes, and event persistence throughput.
enum EngineBench: BenchSuite {
    static let name = "engine"

    static func run(scale: Double) async throws -> [String: BenchFigure] {
        func n(_ count: Int) -> Int { max(2, Int(Double(count) * scale)) }
        var figures: [String: BenchFigure] = [:]
        let steady = try await steadyCycles(count: n(2000))
        figures["cycle_steady_median"] = BenchFigure(steady.median * 1e6, "µs")
        figures["cycle_steady_p99"] = BenchFigure(steady.p99 * 1e6, "µs")
        let moving = try await cyclesWithExecutions(count: n(40))
        figures["cycle_with_2_executions_durable_median"] = BenchFigure(moving.median * 1e3, "ms")
        figures["cycle_with_2_executions_durable_p99"] = BenchFigure(moving.p99 * 1e3, "ms")
        let decide = decideThousandQuotes(rounds: n(200))
        figures["decide_1000_quotes_100_positions_median"] = BenchFigure(decide.median * 1e3, "ms")
        figures["decide_1000_quotes_100_positions_p99"] = BenchFigure(decide.p99 * 1e3, "ms")
        figures["events_persisted_per_second_batched"] = BenchFigure(try eventsPerSecond(total: n(200) * 1000, batch: 1000), "events/s")
        return figures
    }

    struct Samples {
        var values: [Double]
        var median: Double { let s = values.sorted(); return s[s.count / 2] }
        var p99: Double { let s = values.sorted(); return s[min(s.count - 1, Int(Double(s.count) * 0.99))] }
    }

    static func time(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// A cycle in steady state: scan, decide, persist its events; nothing worth moving.
    static func steadyCycles(count: Int) async throws -> Samples {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_007_200))
        let store = try AppDatabase.inMemory()
        let chain = SimulatedChain(seed: 42, clock: clock)
        var config = MammonConfig()
        config.maxRebalancesPerDay = 20
        let engine = try Engine(config: config, chain: chain, store: store, clock: clock, approvalMode: .auto)
        await engine.open()
        // Move everything into the best market first: run until a cycle executes nothing.
        var executed = -1
        while try store.executions(limit: 100).count != executed {
            executed = try store.executions(limit: 100).count
            await engine.runOnce()
        }
        let idle = await chain.ledger.wallet
        precondition(idle == 0, "bench warm-up left \(idle) idle")
        var samples: [Double] = []
        for _ in 0..<count { samples.append(await time { await engine.runOnce() }) }
        return Samples(values: samples)
    }

    /// A fresh treasury each time: two executions of three signed steps each, every step committed
    /// durably (WAL, synchronous=FULL) before the next.
    static func cyclesWithExecutions(count: Int) async throws -> Samples {
        let dir = NSTemporaryDirectory() + "mammon-bench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase.open(path: dir + "/bench.sqlite")
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_007_200))
        var config = MammonConfig()
        config.maxRebalancesPerDay = 20
        var samples: [Double] = []
        for _ in 0..<count {
            clock.advance(by: 86_400) // a new UTC day, so limits never interfere
            let chain = SimulatedChain(seed: 42, clock: clock, ledger: .opening(token: .usdc))
            let engine = try Engine(config: config, chain: chain, store: store, clock: clock, approvalMode: .auto)
            samples.append(await time { await engine.runOnce() })
        }
        return Samples(values: samples)
    }

    /// 1,000 quotes (10 tokens' worth of markets), 100 positions: propose and run every gate.
    static func decideThousandQuotes(rounds: Int) -> Samples {
        let at = Date(timeIntervalSince1970: 0)
        let protocols: [MarketID] = [.aaveV3, .moonwell, .morphoVault]
        var markets: [MarketSnapshot] = []
        for i in 0..<1000 {
            let p = protocols[i % 3]
            let apy = Decimal(300 + (i * 37) % 400) / 100
            let units: UInt128 = i < 100 ? UInt128(1_000 + i) * 1_000_000 : 0
            markets.append(MarketSnapshot(quote: YieldQuote(marketID: p, token: .usdc, apy: apy, observedAt: at),
                                          position: TokenAmount(baseUnits: units, decimals: 6),
                                          withdrawableLiquidity: TokenAmount(baseUnits: 1_000_000_000_000_000, decimals: 6)))
        }
        let optimizer = YieldOptimizer(allowed: protocols, minimumAmountUSD: 100, maxTransactionValueUSD: 1_000_000)
        let plan = MovePlan(withdrawGas: 150_000, approveGas: 50_000, depositGas: 120_000, gasPriceGwei: Decimal(string: "0.011")!, ethUSD: 3000)
        let thresholds = GateThresholds()
        var samples: [Double] = []
        var sink = 0
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            let recs = optimizer.recommend(markets: markets, idle: .zero(.usdc), token: .usdc) { UUID.random() }
            for r in recs {
                let a = ProfitabilityGate.analyze(currentAPY: r.currentAPY, targetAPY: r.expectedAPY,
                                                  amountUSD: YieldOptimizer.usd(r.amount), plan: plan, thresholds: thresholds)
                sink &+= a.breakEvenDays
            }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        precondition(sink != Int.min)
        return Samples(values: samples)
    }

    /// Events appended to a WAL database in transactions of `batch`.
    static func eventsPerSecond(total: Int, batch: Int) throws -> Double {
        let dir = NSTemporaryDirectory() + "mammon-bench-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try AppDatabase.open(path: dir + "/events.sqlite")
        let at = Date(timeIntervalSince1970: 1_800_007_200)
        let id = UUID()
        let events = (0..<batch).map { i in
            EngineEvent(at: at, kind: .stepStarted(executionID: id, step: ExecutionStep.allCases[i % 6]))
        }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<(total / batch) { try store.append(events) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(total) / seconds
    }
}
