import Foundation
import TestSupport
import XCTest

/// `/metrics` of a running engine, checked by Prometheus' own tools (Debian's `prometheus` package):
/// `promtool check metrics` on a real scrape, and a real Prometheus server scraping the engine.
final class MetricsEndpointTests: XCTestCase {
    /// A headless engine serving metrics on a free loopback port, once its first cycle is done.
    func startEngine(_ bin: BuiltBinary, dir: String) throws -> (engine: RunningEngine, port: Int) {
        let port = try LocalHTTP.freePort()
        let engine = try RunningEngine(bin, arguments: ["--db", dir + "/m.sqlite"],
                                       environment: ["METRICS_LISTEN": "127.0.0.1:\(port)"])
        return (engine, port)
    }

    /// The page once it reports the first cycle (the exporter follows the event stream, a moment behind stdout).
    func scrapeAfterFirstCycle(port: Int) throws -> HTTPGet.Response? {
        try LocalHTTP.waitFor(seconds: 30) {
            let page = try HTTPGet.request(port: port, path: "/metrics")
            return page.body.contains("\nmammon_scans_total 1\n") ? page : nil
        }
    }

    func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "mammon-metrics-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func testPromtoolAcceptsAScrapeOfTheRunningEngine() throws {
        let bin = try BuiltBinary.require()
        let promtool = try RequiredTool.path("promtool", package: "prometheus")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (engine, port) = try startEngine(bin, dir: dir)
        let scraped = try scrapeAfterFirstCycle(port: port)
        let stopped = engine.stop()
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        let page = try XCTUnwrap(scraped, "no scrape reported the first cycle")

        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        for series in [#"mammon_scheduler_state{state="running"} 1"#, "mammon_opportunities_found_total ",
                       #"mammon_position_value_usd{market="aave-v3"} "#, #"mammon_market_apy_ratio{market="moonwell"} "#,
                       "mammon_wallet_idle_usd ", "mammon_last_successful_scan_timestamp_seconds ", "mammon_pending_approvals 0",
                       #"mammon_build_info{version=""#, "mammon_gas_spent_usd_total ", "mammon_breaker_consecutive_failures 0"] {
            XCTAssertTrue(page.body.contains(series), "missing \(series) in:\n\(page.body)")
        }
        XCTAssertFalse(page.body.contains("mammon_rpc_"), "the simulated network has no RPC endpoints")
        XCTAssertTrue(stopped.stderr.contains("metrics at http://127.0.0.1:\(port)/metrics"), stopped.stderr)

        let check = Process()
        check.executableURL = URL(fileURLWithPath: promtool)
        check.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        check.standardInput = input
        check.standardOutput = output
        check.standardError = output
        try check.run()
        input.fileHandleForWriting.write(Data(page.body.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, "promtool check metrics: \(said)")
        XCTAssertEqual(said.trimmingCharacters(in: .whitespacesAndNewlines), "", "promtool found nothing to lint")
    }

    func testAPrometheusServerScrapesTheEngineAndAnswersAQuery() throws {
        let bin = try BuiltBinary.require()
        let prometheusPath = try RequiredTool.path("prometheus", package: "prometheus")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (engine, port) = try startEngine(bin, dir: dir)
        defer { _ = engine.stop() }

        let webPort = try LocalHTTP.freePort()
        let config = """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: mammon
            static_configs:
              - targets: ['127.0.0.1:\(port)']
        """
        try config.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: prometheusPath)
        server.arguments = ["--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
                            "--web.listen-address=127.0.0.1:\(webPort)", "--log.level=warn"]
        FileManager.default.createFile(atPath: dir + "/prometheus.log", contents: nil)
        let log = FileHandle(forWritingAtPath: dir + "/prometheus.log")
        server.standardOutput = log
        server.standardError = log
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }

        // Ready, a first scrape, a query: each can take a second or two; a minute is plenty.
        let answer: [String: Any]? = LocalHTTP.waitFor(seconds: 60, every: 0.5) {
            guard let page = try? HTTPGet.request(port: webPort, path: "/api/v1/query?query=mammon_scans_total"), page.status == 200,
                  let json = try? JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any],
                  let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]], let first = result.first
            else { return nil }
            return first
        }
        let serverLog = (try? String(contentsOfFile: dir + "/prometheus.log", encoding: .utf8)) ?? ""
        let sample = try XCTUnwrap(answer, "Prometheus never answered mammon_scans_total; its log:\n\(serverLog)")
        let labels = try XCTUnwrap(sample["metric"] as? [String: String])
        XCTAssertEqual(labels["job"], "mammon")
        XCTAssertEqual(labels["instance"], "127.0.0.1:\(port)")
        let value = try XCTUnwrap(sample["value"] as? [Any])
        XCTAssertEqual(value.last as? String, "1", "one scan so far")

        let targets = try HTTPGet.request(port: webPort, path: "/api/v1/targets")
        XCTAssertTrue(targets.body.contains(#""health":"up""#), targets.body)
    }

    func testANonLoopbackAddressIsRefusedUnlessAllowed() throws {
        let bin = try BuiltBinary.require()
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let refused = try bin.run(["--once", "--db", dir + "/m.sqlite"], environment: ["METRICS_LISTEN": "0.0.0.0:9464"])
        XCTAssertEqual(refused.status, 78, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("METRICS_ALLOW_REMOTE=true"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/m.sqlite"), "refused before anything is written")
    }
}
