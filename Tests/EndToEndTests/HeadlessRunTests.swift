import Foundation
import XCTest

/// The built binary in `--no-ui --once` mode on the simulated network.
final class HeadlessRunTests: XCTestCase {
    var dir: String!
    override func setUp() {
        dir = NSTemporaryDirectory() + "mammon-e2e-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func objects(_ r: BuiltBinary.Result) throws -> [[String: Any]] {
        try r.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    func testOnceWritesOneJSONEventPerLineWithAFullExecutionInOrder() throws {
        let bin = try BuiltBinary.require()
        let r = try bin.run(["--no-ui", "--once", "--db", dir + "/sim.sqlite"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let events = try objects(r)
        XCTAssertTrue(events.allSatisfy { $0["type"] is String && $0["at"] is String })
        let types = events.map { $0["type"] as! String }.filter { $0 != "scheduler.status" }
        XCTAssertEqual(types.first, "scan.started")
        XCTAssertEqual(types.last, "scan.finished")
        // The first execution's events, in order.
        let start = try XCTUnwrap(types.firstIndex(of: "execution.started"))
        let end = try XCTUnwrap(types.firstIndex(of: "execution.finished"))
        let steps = events.filter { ($0["type"] as? String) == "step.finished" }.prefix(6).map { ($0["record"] as! [String: Any])["step"] as! String }
        XCTAssertEqual(Array(steps), ["validation", "balance_check", "withdraw", "approve", "deposit", "verification"])
        XCTAssertEqual(types[start..<end].filter { $0 == "step.started" }.count, 6)
        let finished = events.first { ($0["type"] as? String) == "execution.finished" }!["execution"] as! [String: Any]
        XCTAssertEqual(finished["status"] as? String, "succeeded")
        for t in ["opportunity.found", "gate.verdict", "markets.scanned"] { XCTAssertTrue(types.contains(t), t) }
        let at = events[0]["at"] as! String
        XCTAssertTrue(at.hasSuffix("Z") && at.count == 24, "ISO 8601 UTC with milliseconds: \(at)")
    }

    func testSecondRunOnTheSameDatabaseCountsTodaysEarlierRebalances() throws {
        let bin = try BuiltBinary.require()
        let db = dir + "/sim.sqlite"
        XCTAssertEqual(try bin.run(["--no-ui", "--once", "--db", db]).status, 0)
        let second = try bin.run(["--no-ui", "--once", "--db", db])
        XCTAssertEqual(second.status, 0, second.stderr)
        let statuses = try objects(second).filter { ($0["type"] as? String) == "scheduler.status" }
        let first = try XCTUnwrap(statuses.first?["status"] as? [String: Any])
        XCTAssertEqual(first["rebalances_today"] as? Int, 2, "the restart starts from today's stored count")
        let status = try bin.run(["status", "--json", "--db", db])
        XCTAssertEqual(status.status, 0, status.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((report["status"] as! [String: Any])["rebalances_today"] as? Int, 4)
        let history = try bin.run(["history", "--json", "--limit", "10", "--db", db])
        let entries = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(entries.count, 4)
    }

    func testLimitReachedIsAnEventAndStopsExecutions() throws {
        let bin = try BuiltBinary.require()
        let r = try bin.run(["--no-ui", "--once", "--db", dir + "/sim.sqlite", "--max-rebalances-per-day", "1"])
        XCTAssertEqual(r.status, 0)
        let events = try objects(r)
        XCTAssertEqual(events.filter { ($0["type"] as? String) == "execution.finished" }.count, 1)
        let limit = try XCTUnwrap(events.first { ($0["type"] as? String) == "limit.reached" })
        XCTAssertEqual(limit["limit"] as? String, "max_rebalances_per_day")
    }

    func testBadConfigExits78NamingTheKeyAndWritesNothing() throws {
        let bin = try BuiltBinary.require()
        let db = dir + "/never.sqlite"
        let env = try bin.run(["--no-ui", "--once", "--db", db], environment: ["MAX_BREAK_EVEN_DAYS": "400"])
        XCTAssertEqual(env.status, 78)
        XCTAssertEqual(env.stdout, "")
        XCTAssertEqual(env.stderr, "config: MAX_BREAK_EVEN_DAYS = '400' (from environment) is invalid: allowed an integer 1–365\n")
        let file = dir + "/bad.conf"
        try "MIN_PROFIT_USD = 5\nMAX_REBALANCE_COST_PCT = 1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try bin.run(["--no-ui", "--once", "--db", db, "--config", file])
        XCTAssertEqual(fromFile.status, 78)
        XCTAssertTrue(fromFile.stderr.contains("\(file):2: unknown key MAX_REBALANCE_COST_PCT"), fromFile.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "nothing is written before the config is valid")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["bad.conf"])
    }

    /// `--theme` names a file under the themes directory: held to CONSOLE_THEME's rule (a name, not
    /// a path) like the setting, refused before anything runs, even when no console would use it.
    func testThemeFlagIsValidatedLikeTheSetting() throws {
        let bin = try BuiltBinary.require()
        let db = dir + "/never.sqlite"
        let r = try bin.run(["--no-ui", "--once", "--db", db, "--theme", "../../etc/x"])
        XCTAssertEqual(r.status, 78)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "config: CONSOLE_THEME = '../../etc/x' (from flag --theme) is invalid: allowed a theme name: letters, digits, '-' and '_'\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
        let fine = try bin.run(["--no-ui", "--once", "--db", db, "--theme", "gruvbox-dark"])
        XCTAssertEqual(fine.status, 0, fine.stderr)
    }

    /// ArgumentParser's own requests (help in every spelling, completion scripts) are reported by it,
    /// never as a raw internal error, and run nothing.
    func testHelpAndCompletionAreArgumentParsersOwn() throws {
        let bin = try BuiltBinary.require()
        for args in [["--help"], ["help"], ["help", "run"], ["run", "--help"], ["help", "history"]] {
            let r = try bin.run(args)
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stdout.contains("USAGE: mammon"), "\(args): \(r.stdout.prefix(300))")
            XCTAssertFalse((r.stdout + r.stderr).contains("CommandError"), "\(args)")
        }
        let completion = try bin.run(["--generate-completion-script", "bash"])
        XCTAssertEqual(completion.status, 0, completion.stderr)
        XCTAssertTrue(completion.stdout.contains("complete"), completion.stdout.prefix(200).description)
        let unknown = try bin.run(["run", "--bogus"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("Unknown option '--bogus'"), unknown.stderr)
    }

    func testProfitabilityShowsTheMarketGuardsWhenGivenTheirFigures() throws {
        let bin = try BuiltBinary.require()
        // The guards at their defaults (BuiltBinary's runs otherwise move at once: MovesAtOnce).
        let defaults = ["APY_WINDOW_HOURS": "24", "MIN_HOURS_BETWEEN_MOVES": "6"]
        func gates(_ extra: [String]) throws -> (status: Int32, json: [String: Any], gates: [String: [String: Any]]) {
            let r = try bin.run(["profitability", "--current-apy", "3", "--target-apy", "6", "--amount", "10000", "--json"] + extra, environment: defaults)
            let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let list = o["gates"] as! [[String: Any]]
            return (r.status, o, Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0) }))
        }
        // A spike: spot 6 %, 24 h average 3.2 %: judged at 3.2, under the 0.5 pp minimum; 4 h since the
        // source moved, under the 6 h of patience; a market of 50,000 too small for 10,000 (10×).
        let spike = try gates(["--window-apy", "3.2", "--history-hours", "20", "--market-supply", "50000", "--hours-since-move", "4"])
        XCTAssertEqual(spike.status, 1)
        XCTAssertEqual((spike.json["target_apy"] as? NSNumber)?.doubleValue, 2.2222, "3.2 × (50,000 / 60,000)², rounded down to 4 decimals")
        XCTAssertEqual(spike.gates["apy_window"]?["passed"] as? Bool, true)
        XCTAssertEqual(spike.gates["market_tvl"]?["passed"] as? Bool, false)
        XCTAssertEqual(spike.gates["market_share"]?["passed"] as? Bool, false)
        XCTAssertEqual(spike.gates["patience"]?["passed"] as? Bool, false)
        XCTAssertEqual(spike.gates["patience"]?["reason"] as? String, "Source last moved 4 h ago < minimum 6 h")
        let young = try gates(["--history-hours", "11.9"])
        XCTAssertEqual(young.gates["apy_window"]?["passed"] as? Bool, false)
        XCTAssertEqual(young.status, 1)
        // An exit: the source's supply fell 60 %; moving to a market paying less is allowed, for safety.
        let exit = try bin.run(["profitability", "--current-apy", "5", "--target-apy", "4", "--amount", "1000", "--supply-drop-pct", "60",
                                "--hours-since-move", "1"], environment: defaults)
        XCTAssertEqual(exit.status, 0, exit.stdout)
        XCTAssertTrue(exit.stdout.contains("– apy_improvement"), exit.stdout)
        XCTAssertTrue(exit.stdout.contains("(waived: exit)"), exit.stdout)
        XCTAssertTrue(exit.stdout.contains("✓ exit"), exit.stdout)
        XCTAssertTrue(exit.stdout.contains("\nPROFITABLE"), exit.stdout)
    }

    func testProfitabilityCalculatorJSON() throws {
        let bin = try BuiltBinary.require()
        let r = try bin.run(["profitability", "--current-apy", "3", "--target-apy", "5", "--amount", "10000", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(o["profitable"] as? Bool, true)
        XCTAssertEqual((o["annual_gain_usd"] as? NSNumber)?.intValue, 200)
        let costs = o["costs"] as! [String: Any]
        XCTAssertEqual(Set(costs.keys), ["withdraw_gas_usd", "approve_gas_usd", "swap_gas_usd", "deposit_gas_usd", "slippage_usd", "protocol_fees_usd", "total_usd"])
        XCTAssertEqual((o["gates"] as! [[String: Any]]).count, 6)
        let text = try bin.run(["profitability", "--current-apy", "3", "--target-apy", "5", "--amount", "10000"])
        XCTAssertTrue(text.stdout.contains("(market guards not applied"), text.stdout)
        let bad = try bin.run(["profitability", "--current-apy", "x", "--target-apy", "5", "--amount", "1"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--current-apy 'x' is not a number"), bad.stderr)
    }
}
