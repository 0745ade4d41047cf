import Foundation
import XCTest

/// Terminal types, locales, NO_COLOR, and the terminal restored after signals and crashes.
final class TerminalCompatibilityTests: XCTestCase {
    func testWorksUnderEachSupportedTerm() throws {
        for term in ["xterm-256color", "screen-256color", "tmux-256color", "linux", "vt100"] {
            let t = try TerminalSession(width: 80, height: 24)
            try t.startConsole(env: ["TERM": term], arguments: ["--stopped"])
            t.waitUntil("four panes under TERM=\(term)") { s in
                ["1 Scheduler", "2 Opportunities", "3 Execution", "4 Errors"].allSatisfy { s.contains($0) }
            }
            try t.type("q")
            t.waitFor("[exit 0, tty restored]")
        }
    }

    func testUnknownAndMissingTermAreClearErrors() throws {
        let t = try TerminalSession(width: 120, height: 10)
        try t.start(t.mammonCommand().filter { !$0.hasPrefix("TERM=") })
        let missing = t.waitFor("[exit 78")
        XCTAssertTrue(missing.contains("TERM is not set"), missing)

        let u = try TerminalSession(width: 120, height: 10)
        try u.startConsole(env: ["TERM": "no-such-terminal"])
        let unknown = u.waitFor("[exit 78, tty restored]")
        XCTAssertTrue(unknown.contains("'no-such-terminal' is unknown"), unknown)
        let scheduler = try u.status()["status"] as? [String: Any]
        XCTAssertEqual(scheduler?["total_scans"] as? Int, 0, "the engine did nothing before the terminal was found unusable")
        XCTAssertEqual(scheduler?["state"] as? String, "stopped")
    }

    func testASCIIFallbackWithoutAUTF8Locale() throws {
        let t = try TerminalSession(width: 80, height: 24)
        try t.startConsole(env: ["LANG": "C", "LC_ALL": "C"], arguments: ["--stopped"])
        let s = t.waitFor("+ 1 Scheduler -")
        XCTAssertFalse(s.contains("┌") || s.contains("│"), "no box drawing in an ASCII locale:\n\(s)")
        try t.type("q")
        t.waitFor("[exit 0, tty restored]")
    }

    func testNoColorDrawsWithoutColourEscapes() throws {
        let t = try TerminalSession(width: 80, height: 24)
        try t.startConsole(env: ["NO_COLOR": "1"], arguments: ["--stopped"])
        t.waitFor("■ STOPPED")
        let styled = try t.tmux(["capture-pane", "-p", "-e", "-t", "main"])
        let colour = try NSRegularExpression(pattern: "\u{1B}\\[(?:[0-9]+;)*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9]+)*m")
        let range = NSRange(styled.startIndex..., in: styled)
        XCTAssertEqual(colour.numberOfMatches(in: styled, range: range), 0, "NO_COLOR: no colour escapes")
        XCTAssertTrue(styled.contains("7m"), "bars and selection still use reverse video")
        try t.type("q")
        t.waitFor("[exit 0")
    }

    func testSignalsQuitInOrderAndRestoreTheTerminal() throws {
        for signal in [SIGTERM, SIGHUP, SIGINT] {
            let t = try TerminalSession(width: 80, height: 24)
            try t.startConsole(arguments: ["--stopped"])
            t.waitFor("■ STOPPED")
            XCTAssertEqual(kill(try t.pid(), signal), 0)
            let after = t.waitFor("[exit 0, tty restored]")
            XCTAssertFalse(after.contains("┌"), "signal \(signal): the console's screen is gone")
        }
    }

    func testACrashStillRestoresTheTerminal() throws {
        let t = try TerminalSession(width: 80, height: 24)
        try t.startConsole(arguments: ["--stopped"])
        t.waitFor("■ STOPPED")
        XCTAssertEqual(kill(try t.pid(), SIGSEGV), 0)
        let after = t.waitFor("tty restored]")
        XCTAssertTrue(after.contains("[exit 139"), "died of SIGSEGV after restoring:\n\(after)")
    }

    func testAUserThemeAndABrokenOne() throws {
        let t = try TerminalSession(width: 100, height: 30)
        let themes = t.dir.appendingPathComponent("mammon/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try "text = fg=green\nborder = fg=purple\n".write(to: themes.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        try t.startConsole(arguments: ["--stopped", "--theme", "mine"])
        let s = t.waitFor("│ theme /")
        XCTAssertTrue(s.contains("1 Scheduler"), "falls back to the default theme and runs")
        try t.type("q")
        // After the console closes, the whole message stays on the terminal.
        let after = t.waitFor("[exit 0")
        XCTAssertTrue(after.replacingOccurrences(of: "\n", with: "").contains("mine.theme:2: unknown colour 'purple'"), after)
    }

    func testTheConfigFileNamesTheThemeAndTheFlagWinsOverIt() throws {
        for (arguments, expectMessage) in [([String](), true), (["--theme", "light"], false)] {
            let t = try TerminalSession(width: 100, height: 30)
            let config = t.dir.appendingPathComponent("mammon")
            try FileManager.default.createDirectory(at: config.appendingPathComponent("themes"), withIntermediateDirectories: true)
            try "CONSOLE_THEME = mine\n".write(to: config.appendingPathComponent("mammon.conf"), atomically: true, encoding: .utf8)
            try "text = fg=green\nborder = fg=purple\n".write(to: config.appendingPathComponent("themes/mine.theme"),
                                                            atomically: true, encoding: .utf8)
            try t.startConsole(arguments: ["--stopped"] + arguments)
            t.waitFor("■ STOPPED")
            try t.type("q")
            let after = t.waitFor("[exit 0").replacingOccurrences(of: "\n", with: "")
            XCTAssertEqual(after.contains("mine.theme:2: unknown colour 'purple'"), expectMessage, "\(arguments):\n\(after)")
        }
    }
}
