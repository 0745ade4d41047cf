import Foundation
import MammonCore
import MammonMetrics
import XCTest

/// Engine state and RPC samples as Prometheus text.
final class EngineMetricsTests: XCTestCase {
    func text(_ metrics: EngineMetrics) -> String { String(decoding: metrics.exposition(), as: UTF8.self) }

    func lines(_ metrics: EngineMetrics) -> Set<String> {
        Set(text(metrics).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }

    func testAShadowRunSaysSoInItsOwnSeries() {
        XCTAssertTrue(lines(EngineMetrics(shadow: true)).contains("mammon_shadow_mode 1.0"), text(EngineMetrics(shadow: true)))
        XCTAssertTrue(lines(EngineMetrics()).contains("mammon_shadow_mode 0.0"), text(EngineMetrics()))
    }

    func testEverySeriesOfAStateIsExportedWithItsName() {
        let metrics = EngineMetrics(version: "9.9.9")
        var state = EngineMetricsState()
        for e in [Sample.event(0, .status(Sample.status(.running, scans: 7, gasTotal: Decimal(string: "3.5")!, failures: 2))),
                  Sample.event(1, .marketsScanned(cycle: 7, markets: [Sample.snapshot(.aaveV3, apy: "4.25", position: "1000.5")],
                                                  idle: Sample.usdc("12"))),
                  Sample.event(2, .scanFinished(cycle: 7, ok: true, opportunities: 0, executed: 0, durationMs: 1, error: nil)),
                  Sample.event(3, .approvalRequested(Sample.approval(1)))] {
            state.apply(e)
        }
        metrics.update(state)
        let have = lines(metrics)
        for expected in [
            #"mammon_scheduler_state{state="running"} 1.0"#, #"mammon_scheduler_state{state="stopped"} 0.0"#,
            #"mammon_scheduler_state{state="halted"} 0.0"#,
            "mammon_scans_total 7", "mammon_opportunities_found_total 4", "mammon_opportunities_executed_total 2",
            "mammon_opportunities_skipped_total 1", "mammon_rebalances_total 9", "mammon_gas_spent_usd_total 3.5",
            "mammon_rebalances_today 2.0", "mammon_gas_spent_today_usd 1.25", "mammon_wallet_idle_usd 12.0",
            "mammon_breaker_consecutive_failures 2.0", "mammon_pending_approvals 1.0",
            "mammon_last_successful_scan_timestamp_seconds \(Sample.at(2).timeIntervalSince1970)",
            #"mammon_position_value_usd{market="aave-v3"} 1000.5"#, #"mammon_market_apy_ratio{market="aave-v3"} 0.0425"#,
            #"mammon_build_info{version="9.9.9"} 1.0"#,
        ] {
            XCTAssertTrue(have.contains(expected), "missing \(expected) in:\n\(text(metrics))")
        }
        XCTAssertTrue(text(metrics).contains("# HELP mammon_scans_total "), "every family has help text (promtool lints it)")
        XCTAssertFalse(text(metrics).contains("mammon_rpc_"), "no RPC series without an RPC client")
    }

    func testTotalsRiseByTheirDifferenceAndNeverFall() {
        let metrics = EngineMetrics()
        var state = EngineMetricsState()
        for scans in [3, 5, 4] {
            state.apply(Sample.event(0, .status(Sample.status(.running, scans: scans))))
            metrics.update(state)
        }
        XCTAssertTrue(lines(metrics).contains("mammon_scans_total 5"), text(metrics))
        state.apply(Sample.event(0, .status(Sample.status(.halted, scans: 6))))
        metrics.update(state)
        XCTAssertTrue(lines(metrics).contains("mammon_scans_total 6"), text(metrics))
        XCTAssertTrue(lines(metrics).contains(#"mammon_scheduler_state{state="halted"} 1.0"#), text(metrics))
        XCTAssertTrue(lines(metrics).contains(#"mammon_scheduler_state{state="running"} 0.0"#), text(metrics))
    }

    func testAMarketThatLeavesTheScanLeavesTheMetricsAndAnUnmeasuredAPYIsAbsent() {
        let metrics = EngineMetrics()
        var state = EngineMetricsState()
        state.apply(Sample.event(0, .marketsScanned(cycle: 1, markets: [Sample.snapshot(.aaveV3, apy: "4", position: "1"),
                                                                      Sample.snapshot(.moonwell, apy: "5", position: "2")], idle: Sample.usdc("0"))))
        metrics.update(state)
        XCTAssertTrue(text(metrics).contains(#"market="moonwell""#))
        state.apply(Sample.event(1, .marketsScanned(cycle: 2, markets: [Sample.snapshot(.aaveV3, apy: "4", position: "1", measured: false)],
                                                    idle: Sample.usdc("2"))))
        metrics.update(state)
        XCTAssertFalse(text(metrics).contains(#"market="moonwell""#), text(metrics))
        XCTAssertTrue(lines(metrics).contains(#"mammon_position_value_usd{market="aave-v3"} 1.0"#), text(metrics))
        XCTAssertFalse(text(metrics).contains(#"mammon_market_apy_ratio{market="aave-v3"}"#), text(metrics))
    }

    func testRoundTripsFillTheLatencyHistogramAndFailuresCountPerEndpoint() {
        let metrics = EngineMetrics()
        metrics.recordRoundTrip(endpoint: "rpc.example.com", seconds: 0.02, failed: false)
        metrics.recordRoundTrip(endpoint: "rpc.example.com", seconds: 3, failed: true)
        metrics.recordRoundTrip(endpoint: "127.0.0.1:8545", seconds: 0.001, failed: false)
        metrics.update(endpoints: [.init(endpoint: "rpc.example.com", healthy: false, consecutiveFailures: 3)])
        let have = lines(metrics)
        for expected in [
            #"mammon_rpc_request_duration_seconds_bucket{endpoint="rpc.example.com",le="0.025"} 1"#,
            #"mammon_rpc_request_duration_seconds_bucket{endpoint="rpc.example.com",le="5.0"} 2"#,
            #"mammon_rpc_request_duration_seconds_count{endpoint="rpc.example.com"} 2"#,
            #"mammon_rpc_request_duration_seconds_sum{endpoint="rpc.example.com"} 3.02"#,
            #"mammon_rpc_errors_total{endpoint="rpc.example.com"} 1"#,
            #"mammon_rpc_errors_total{endpoint="127.0.0.1:8545"} 0"#,
            #"mammon_rpc_endpoint_healthy{endpoint="rpc.example.com"} 0.0"#,
            #"mammon_rpc_endpoint_consecutive_failures{endpoint="rpc.example.com"} 3.0"#,
        ] {
            XCTAssertTrue(have.contains(expected), "missing \(expected) in:\n\(text(metrics))")
        }
    }
}
