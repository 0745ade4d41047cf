import Foundation
import MammonCore
import Prometheus
import Synchronization

/// The engine's Prometheus metrics: a registry fed from `EngineMetricsState` snapshots and RPC
/// samples, rendered in the text exposition format. Safe to update and render from any thread.
///
/// The engine's totals (scans, rebalances, gas) are its own persisted counters, so they survive a
/// restart; they are exported as counters raised by the difference from the last value seen.
public final class EngineMetrics: Sendable {
    /// Latency buckets (seconds) for RPC round trips: a local node answers in milliseconds, a public
    /// endpoint under load in seconds, and the transport gives up after 30.
    public static let rpcLatencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    let registry: PrometheusCollectorRegistry
    private let fixed: Fixed
    private let book = Mutex(Bookkeeping())

    /// Series created once (their labels never change).
    private struct Fixed: Sendable {
        var schedulerState: [(SchedulerStatus.State, Gauge)]
        var scans, found, executed, skipped, rebalances: Counter
        var gasTotal: Counter
        var rebalancesToday, gasToday, idle, breakerFailures, pendingApprovals, lastSuccessfulScan: Gauge
    }

    /// What was last exported, to turn totals into counter increments and to drop series that went away.
    private struct Bookkeeping {
        var counted: [String: Double] = [:]
        var marketGauges: [String: (position: Gauge, apy: Gauge?)] = [:]
        var endpointGauges: [String: (healthy: Gauge, failures: Gauge)] = [:]
    }

    /// `shadow`: the engine is a shadow run (`--watch`); every series then describes moves that were never sent.
    public init(version: String = BuildInfo.version, shadow: Bool = false) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: .init(metricName: name, unitName: "total", helpText: help))
        }
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: .init(metricName: name, unitName: "", helpText: help))
        }
        let stateHelp = "1 for the scheduler's current state (stopped, running or halted), 0 for the others"
        fixed = Fixed(
            schedulerState: [SchedulerStatus.State.stopped, .running, .halted].map { state in
                (state, registry.makeGauge(descriptor: .init(metricName: "mammon_scheduler_state", unitName: "", helpText: stateHelp),
                                           labels: [("state", state.rawValue)]))
            },
            scans: counter("mammon_scans", "Scan cycles started, over the database's life"),
            found: counter("mammon_opportunities_found", "Moves proposed by the optimizer"),
            executed: counter("mammon_opportunities_executed", "Proposed moves that were executed"),
            skipped: counter("mammon_opportunities_skipped", "Proposed moves refused by a gate, a limit or the operator"),
            rebalances: counter("mammon_rebalances", "Rebalances executed, over the database's life"),
            gasTotal: counter("mammon_gas_spent_usd", "Gas spent in USD, over the database's life"),
            rebalancesToday: gauge("mammon_rebalances_today", "Rebalances executed in the current UTC day"),
            gasToday: gauge("mammon_gas_spent_today_usd", "Gas spent in USD in the current UTC day"),
            idle: gauge("mammon_wallet_idle_usd", "USDC in the wallet outside any market, at the last scan (1 USDC = 1 USD)"),
            breakerFailures: gauge("mammon_breaker_consecutive_failures", "Failed cycles in a row (the breaker trips at CIRCUIT_BREAKER_CONSECUTIVE_FAILURES)"),
            pendingApprovals: gauge("mammon_pending_approvals", "Proposed moves waiting for the operator's approval"),
            lastSuccessfulScan: gauge("mammon_last_successful_scan_timestamp_seconds", "Unix time of the last cycle that completed"))
        registry.makeGauge(descriptor: .init(metricName: "mammon_build_info", unitName: "", helpText: "The running mammon's version (always 1)"),
                           labels: [("version", version)]).set(to: 1)
        registry.makeGauge(descriptor: .init(metricName: "mammon_shadow_mode", unitName: "",
                                             helpText: "1 when this engine is a shadow run (watch-only: no move it reports was signed or sent), else 0"))
            .set(to: shadow ? 1 : 0)
    }

    /// Brings every engine series up to `state`.
    public func update(_ state: EngineMetricsState) {
        book.withLock { book in
            if let status = state.status {
                for (s, gauge) in fixed.schedulerState { gauge.set(to: s == status.state ? 1 : 0) }
                Self.raise(fixed.scans, "scans", to: Double(status.scans), in: &book)
                Self.raise(fixed.found, "found", to: Double(status.opportunitiesFound), in: &book)
                Self.raise(fixed.executed, "executed", to: Double(status.opportunitiesExecuted), in: &book)
                Self.raise(fixed.skipped, "skipped", to: Double(status.opportunitiesSkipped), in: &book)
                Self.raise(fixed.rebalances, "rebalances", to: Double(status.rebalancesTotal), in: &book)
                Self.raise(fixed.gasTotal, "gas", to: status.gasTotalUSD.doubleForDisplay, in: &book)
                fixed.rebalancesToday.set(to: Double(status.rebalancesToday))
                fixed.gasToday.set(to: status.gasTodayUSD.doubleForDisplay)
                fixed.breakerFailures.set(to: Double(status.consecutiveFailures))
            }
            fixed.pendingApprovals.set(to: Double(state.pendingApprovals.count))
            if let idle = state.idleUSD { fixed.idle.set(to: idle.doubleForDisplay) }
            if let at = state.lastSuccessfulScanAt { fixed.lastSuccessfulScan.set(to: at.timeIntervalSince1970) }
            updateMarkets(state.markets, in: &book)
        }
    }

    /// Records one RPC round trip to the endpoint labelled `endpoint` (host and port only).
    public func recordRoundTrip(endpoint: String, seconds: Double, failed: Bool) {
        registry.makeValueHistogram(
            descriptor: .init(metricName: "mammon_rpc_request_duration", unitName: "seconds",
                              helpText: "HTTP round trips to each RPC endpoint, answered or not"),
            labels: [("endpoint", endpoint)], buckets: Self.rpcLatencyBuckets).record(seconds)
        let errors = registry.makeCounter(
            descriptor: .init(metricName: "mammon_rpc_errors", unitName: "total",
                              helpText: "RPC round trips that got no usable answer (no connection, HTTP error, garbage)"),
            labels: [("endpoint", endpoint)])
        if failed { errors.increment() }
    }

    /// What the RPC client thinks of one endpoint now.
    public struct EndpointState: Sendable, Hashable {
        public var endpoint: String
        public var healthy: Bool
        public var consecutiveFailures: Int
        public init(endpoint: String, healthy: Bool, consecutiveFailures: Int) {
            self.endpoint = endpoint
            self.healthy = healthy
            self.consecutiveFailures = consecutiveFailures
        }
    }

    /// Sets the per-endpoint health series (read from the client just before a scrape).
    public func update(endpoints: [EndpointState]) {
        book.withLock { book in
            for e in endpoints {
                let gauges = book.endpointGauges[e.endpoint] ?? (
                    registry.makeGauge(descriptor: .init(metricName: "mammon_rpc_endpoint_healthy", unitName: "",
                                                         helpText: "1 while the RPC endpoint is in use, 0 while it is set aside"),
                                       labels: [("endpoint", e.endpoint)]),
                    registry.makeGauge(descriptor: .init(metricName: "mammon_rpc_endpoint_consecutive_failures", unitName: "",
                                                         helpText: "Failed round trips in a row to the RPC endpoint"),
                                       labels: [("endpoint", e.endpoint)]))
                book.endpointGauges[e.endpoint] = gauges
                gauges.healthy.set(to: e.healthy ? 1 : 0)
                gauges.failures.set(to: Double(e.consecutiveFailures))
            }
        }
    }

    /// The text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    // MARK: - Private

    private static func raise(_ counter: Counter, _ key: String, to total: Double, in book: inout Bookkeeping) {
        let last = book.counted[key] ?? 0
        // A total never falls (the database keeps it); if it did, the counter waits until it passes again.
        guard total > last else { return }
        // Whole counts stay integers in the text ("7", not "7.0").
        if total == total.rounded(), last == last.rounded() {
            counter.increment(by: Int64(total - last))
        } else {
            counter.increment(by: total - last)
        }
        book.counted[key] = total
    }

    private func updateMarkets(_ markets: [String: EngineMetricsState.Market], in book: inout Bookkeeping) {
        let position = MetricNameDescriptor(metricName: "mammon_position_value", unitName: "usd",
                                            helpText: "The wallet's position in each market at the last scan (1 USDC = 1 USD)")
        let apy = MetricNameDescriptor(metricName: "mammon_market_apy", unitName: "ratio",
                                       helpText: "Each market's supply APY at the last scan as a ratio (0.05 is 5 %); absent while not measured")
        for gone in Set(book.marketGauges.keys).subtracting(markets.keys) {
            if let gauges = book.marketGauges.removeValue(forKey: gone) {
                registry.unregisterGauge(gauges.position)
                if let apy = gauges.apy { registry.unregisterGauge(apy) }
            }
        }
        for (market, figures) in markets {
            var gauges = book.marketGauges[market] ?? (registry.makeGauge(descriptor: position, labels: [("market", market)]), nil)
            gauges.position.set(to: figures.positionUSD.doubleForDisplay)
            if let percent = figures.apyPercent {
                if gauges.apy == nil { gauges.apy = registry.makeGauge(descriptor: apy, labels: [("market", market)]) }
                // Divided as a Double: 4.25 % reads 0.0425, where Decimal's division then conversion reads 0.042499999999999996.
                gauges.apy?.set(to: percent.doubleForDisplay / 100)
            } else if let old = gauges.apy {
                registry.unregisterGauge(old)
                gauges.apy = nil
            }
            book.marketGauges[market] = gauges
        }
    }
}

/// What `mammon_build_info` reports.
public enum BuildInfo {
    /// The release this source tree is (`MammonVersion`, the one the VERSION file holds).
    public static let version = MammonVersion.current
}
