import ArgumentParser
import MammonCore
@testable import mammon
import XCTest

/// The config flags come from the `ConfigKey` table alone: every key with a flag is an option of every
/// command that takes settings, every such option is a key, and `--help` shows each with its help.
final class ConfigFlagsTests: XCTestCase {
    func testEveryKeyWithAFlagParsesAsThatKeyAndAKeyWithoutOneIsRefusedAndSaysWhy() throws {
        var flagged = 0
        for key in ConfigKey.all {
            guard let flag = key.flagName else {
                guard case .none(let reason) = key.flag else { return XCTFail("\(key.name): no flag name, yet not .none") }
                XCTAssertFalse(reason.isEmpty, "\(key.name) says why it has no flag")
                let derived = key.name.lowercased().replacingOccurrences(of: "_", with: "-")
                XCTAssertThrowsError(try ConfigOptions.parse(["--\(derived)", "x"]), "\(key.name) must not be a flag")
                continue
            }
            flagged += 1
            let options = try ConfigOptions.parse(["--\(flag)", "value of \(key.name)"])
            XCTAssertEqual(options.flagSettings, [ConfigLoader.Setting(key: key.name, value: "value of \(key.name)", source: .flag(flag))])
        }
        XCTAssertGreaterThan(flagged, 30, "most settings are flags")
        XCTAssertNil(ConfigKey.named("HEARTBEAT_URL")?.flagName, "a secret never goes on a command line")
    }

    func testTheOptionsArgumentParserKnowsAreExactlyTheTablesAndHelpShowsEachWithItsHelp() {
        let help = ConfigOptions.helpMessage(columns: 10_000)
        let declared = Set(help.split(whereSeparator: \.isWhitespace).filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) })
        XCTAssertEqual(declared, Set(ConfigKey.all.compactMap(\.flagName) + ["config", "help"]))
        // A long option's help starts on the line below its name: compare with the whitespace folded.
        let folded = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for key in ConfigKey.all {
            guard let flag = key.flagName else { continue }
            let entry = "--\(flag) <value> \(key.help) (\(key.name): \(key.range))".split(whereSeparator: \.isWhitespace).joined(separator: " ")
            XCTAssertTrue(folded.contains(entry), "--help lists \(entry)")
        }
    }

    func testRunTakesTheGeneratedFlagsAndTheyReachTheConfigurationByTheTablesRules() throws {
        let safe = "0x" + String(repeating: "ab", count: 20)
        let command = try Mammon.parseAsRoot(["run", "--no-ui", "--theme", "light", "--safe", safe, "--max-rebalances-per-day", "3"])
        let run = try XCTUnwrap(command as? RunCommand)
        let config = try ConfigLoader.load(flags: run.settings.flagSettings, environment: [:], file: nil)
        XCTAssertEqual(config.consoleTheme, "light")
        XCTAssertEqual(config.treasurySafe, safe)
        XCTAssertEqual(config.maxRebalancesPerDay, 3)
        let refused = try XCTUnwrap(Mammon.parseAsRoot(["status", "--max-rebalances-per-day", "50"]) as? StatusCommand)
        XCTAssertThrowsError(try ConfigLoader.load(flags: refused.settings.flagSettings, environment: [:], file: nil)) { error in
            XCTAssertEqual("\(error)", "config: MAX_REBALANCES_PER_DAY = '50' (from flag --max-rebalances-per-day) is invalid: allowed an integer 1–20")
        }
        XCTAssertThrowsError(try Mammon.parseAsRoot(["run", "--heartbeat-url", "https://hc-ping.com/secret"]))
    }
}
