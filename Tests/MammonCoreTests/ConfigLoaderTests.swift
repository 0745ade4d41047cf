import MammonCore
import XCTest

final class ConfigLoaderTests: XCTestCase {
    func testDefaultsMatchTheOriginal() throws {
        let c = try ConfigLoader.load(flags: [], environment: [:], file: nil)
        XCTAssertEqual(c.scanIntervalHours, 4)
        XCTAssertEqual(c.maxRebalancesPerDay, 5)
        XCTAssertEqual(c.maxGasPerDayUSD, 50)
        XCTAssertEqual(c.gates.minProfitUSD, 10)
        XCTAssertEqual(c.gates.minAPYImprovement, Decimal(string: "0.5"))
        XCTAssertEqual(c.gates.minRebalanceAmountUSD, 100)
        XCTAssertEqual(c.gates.maxBreakEvenDays, 30)
        XCTAssertEqual(c.gates.maxCostPct, Decimal(string: "0.01"))
        XCTAssertNil(c.approvalMode)
        XCTAssertEqual(c.guards, MarketGuards())
        XCTAssertEqual(c.guards.apyWindowHours, 24)
        XCTAssertEqual(c.guards.minMarketTVLMultiple, 10)
        XCTAssertEqual(c.guards.maxMarketSharePct, 15)
        XCTAssertEqual(c.guards.exitTVLDropPct, 50)
        XCTAssertEqual(c.guards.minHoursBetweenMoves, 6)
    }

    func testTheMarketGuardsKeysAreValidated() throws {
        let c = try ConfigLoader.load(flags: [], environment: ["APY_WINDOW_HOURS": "0", "MIN_MARKET_TVL_MULTIPLE": "1", "MAX_MARKET_SHARE_PCT": "100",
                                                               "EXIT_TVL_DROP_PCT": "33.5", "MIN_HOURS_BETWEEN_MOVES": "168"], file: nil)
        XCTAssertEqual(c.guards, MarketGuards(apyWindowHours: 0, minMarketTVLMultiple: 1, maxMarketSharePct: 100, exitTVLDropPct: Decimal(string: "33.5")!,
                                              minHoursBetweenMoves: 168))
        for (key, bad) in [("APY_WINDOW_HOURS", "169"), ("APY_WINDOW_HOURS", "-1"), ("APY_WINDOW_HOURS", "1.5"), ("MIN_MARKET_TVL_MULTIPLE", "0.5"),
                           ("MIN_MARKET_TVL_MULTIPLE", "1001"), ("MAX_MARKET_SHARE_PCT", "0"), ("MAX_MARKET_SHARE_PCT", "100.1"),
                           ("EXIT_TVL_DROP_PCT", "0"), ("EXIT_TVL_DROP_PCT", "101"), ("MIN_HOURS_BETWEEN_MOVES", "169")] {
            XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: [key: bad], file: nil), "\(key) = \(bad)")
        }
        XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["MAX_MARKET_SHARE_PCT": "0"], file: nil)) { e in
            XCTAssertEqual("\(e)", "config: MAX_MARKET_SHARE_PCT = '0' (from environment) is invalid: allowed a number > 0 and ≤ 100")
        }
    }

    func testFlagsBeatEnvironmentBeatFileBeatDefaults() throws {
        let file = (path: "m.conf", contents: "SCAN_INTERVAL_HOURS = 6\nMAX_REBALANCES_PER_DAY=7\nMIN_PROFIT_USD = \"12.5\" # comment\n")
        let env = ["MAX_REBALANCES_PER_DAY": "8", "MIN_PROFIT_USD": "20"]
        let flags = [ConfigLoader.Setting(key: "MIN_PROFIT_USD", value: "30", source: .flag("min-profit-usd"))]
        let c = try ConfigLoader.load(flags: flags, environment: env, file: file)
        XCTAssertEqual(c.scanIntervalHours, 6)
        XCTAssertEqual(c.maxRebalancesPerDay, 8)
        XCTAssertEqual(c.gates.minProfitUSD, 30)
    }

    func testOutOfRangeNamesKeyValueSourceAndRange() {
        XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["MAX_REBALANCES_PER_DAY": "21"], file: nil)) { e in
            XCTAssertEqual("\(e)", "config: MAX_REBALANCES_PER_DAY = '21' (from environment) is invalid: allowed an integer 1–20")
        }
        XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: [:], file: ("c.conf", "\nMAX_COST_PCT = 0.2\n"))) { e in
            XCTAssertEqual("\(e)", "config: MAX_COST_PCT = '0.2' (from c.conf:2) is invalid: allowed a number ≥ 0 and ≤ 0.1")
        }
        for bad in ["4.5", "0", "25", "four", ""] {
            XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["SCAN_INTERVAL_HOURS": bad], file: nil), bad)
        }
        for bad in ["-1", "1e3", "12abc", "0x10"] {
            XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["MIN_PROFIT_USD": bad], file: nil), bad)
        }
        XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["SUPPORTED_PROTOCOLS": "aave-v3,aerodrome"], file: nil))
        XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["RETRY_BACKOFF_SECONDS": "600", "RETRY_BACKOFF_MAX_SECONDS": "60"], file: nil))
    }

    func testUnknownRepeatedAndMalformedFileLinesAreErrors() {
        XCTAssertThrowsError(try ConfigLoader.parseFile(path: "f", contents: "MIN_ANNUAL_GAIN_USD=10")) { e in
            XCTAssertTrue("\(e)".hasPrefix("config: f:1: unknown key MIN_ANNUAL_GAIN_USD"), "\(e)")
        }
        XCTAssertThrowsError(try ConfigLoader.parseFile(path: "f", contents: "MIN_PROFIT_USD=1\nMIN_PROFIT_USD=2")) { e in
            XCTAssertEqual("\(e)", "config: f:2: MIN_PROFIT_USD is already set on line 1")
        }
        XCTAssertThrowsError(try ConfigLoader.parseFile(path: "f", contents: "# ok\njust words"))
    }

    func testConsoleThemeIsANameNotAPath() throws {
        XCTAssertNil(try ConfigLoader.load(flags: [], environment: [:], file: nil).consoleTheme)
        let c = try ConfigLoader.load(flags: [], environment: [:], file: ("m.conf", "CONSOLE_THEME = solarized-dark\n"))
        XCTAssertEqual(c.consoleTheme, "solarized-dark")
        for bad in ["../../etc/passwd", "a b", "", "dark.theme"] {
            XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["CONSOLE_THEME": bad], file: nil), bad)
        }
    }

    func testApprovalModes() throws {
        XCTAssertEqual(try ConfigLoader.load(flags: [], environment: ["APPROVAL_MODE": "manual"], file: nil).approvalMode, .manual)
        let threshold = try ConfigLoader.load(flags: [], environment: ["APPROVAL_MODE": "250"], file: nil).approvalMode
        XCTAssertEqual(threshold, .aboveUSD(250))
        XCTAssertFalse(threshold!.requiresApproval(amountUSD: 250))
        XCTAssertTrue(threshold!.requiresApproval(amountUSD: Decimal(string: "250.01")!))
        XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["APPROVAL_MODE": "sometimes"], file: nil))
    }
}
