import Foundation
import TestSupport
import XCTest

/// A real terminal for end-to-end tests: a private tmux server running `mammon` (or ssh into it)
/// through a wrapper script that records the process id, the exit code and whether the terminal
/// mode came back unchanged. Tests read the screen with `capture-pane` and wait with deadlines.
final class TerminalSession {
    let binary: BuiltBinary
    let dir: URL
    let socket: String
    var database: String { dir.appendingPathComponent("db.sqlite").path }

    init(width: Int = 100, height: Int = 30) throws {
        binary = try BuiltBinary.require()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed (make test-deps installs it)")
        }
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mammon-tty-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        socket = "mammon-test-\(UUID().uuidString.prefix(8))"
        self.width = width
        self.height = height
    }

    private let width: Int, height: Int

    deinit {
        _ = try? tmux(["kill-server"])
        // A killed server leaves its socket file behind.
        let tmpdir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        unlink("\(tmpdir)/tmux-\(getuid())/\(socket)")
        try? FileManager.default.removeItem(at: dir)
    }

    /// The console command line for `start`: mammon on the simulated network with this session's database.
    func mammonCommand(env: [String: String] = [:], arguments: [String] = []) -> [String] {
        var environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "APPROVAL_MODE": "manual",
                           "MAMMON_SIM_BLOCK_SECONDS": "1", "XDG_CONFIG_HOME": dir.path]
        environment.merge(MovesAtOnce.environment) { $1 }
        environment.merge(env) { $1 }
        // A clean environment: nothing from the test runner (NO_COLOR, APPROVAL_MODE, …) leaks in.
        return ["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(dir.path)"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            + [binary.url.path, "--db", database] + arguments
    }

    /// Runs `command` in the terminal; the wrapper writes `pid` and prints `[exit N, tty restored|CHANGED]`.
    func start(_ command: [String]) throws {
        let quoted = command.map(Self.shellQuote).joined(separator: " ")
        let script = """
            #!/bin/sh
            before=$(stty -g)
            sh -c 'echo $$ > "$0/pid"; exec "$@"' \(Self.shellQuote(dir.path)) \(quoted)
            code=$?
            if [ "$(stty -g)" = "$before" ]; then t=restored; else t=CHANGED; fi
            echo "[exit $code, tty $t]"
            exec sleep 600
            """
        let path = dir.appendingPathComponent("run.sh").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        // The first command starts the tmux server, which would inherit (and hold open) an output pipe.
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "\(width)", "-y", "\(height)", "sh \(path)"],
                 readOutput: false)
    }

    func startConsole(env: [String: String] = [:], arguments: [String] = []) throws {
        try start(mammonCommand(env: env, arguments: arguments))
    }

    /// What the terminal shows now.
    func screen() -> String { (try? tmux(["capture-pane", "-p", "-t", "main"])) ?? "" }

    /// Types text literally (each character a key).
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "main", "-l", text]) }

    /// Presses named keys ("Enter", "Escape", "Tab", "Right").
    func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "main"] + keys) }

    func resize(_ width: Int, _ height: Int) throws {
        try tmux(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The pid of the process the wrapper started (mammon, or ssh).
    func pid() throws -> Int32 {
        let text = try String(contentsOf: dir.appendingPathComponent("pid"), encoding: .utf8)
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Polls the screen until `predicate` holds or the deadline passes (then fails with the screen).
    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line,
                   _ predicate: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = screen()
        while !predicate(text) {
            if Date() > deadline {
                XCTFail("timed out after \(Int(timeout))s waiting for \(what); the screen shows:\n\(text)", file: file, line: line)
                return text
            }
            usleep(50_000)
            text = screen()
        }
        return text
    }

    @discardableResult
    func waitFor(_ needle: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) -> String {
        waitUntil("'\(needle)'", timeout: timeout, file: file, line: line) { $0.contains(needle) }
    }

    /// Waits until one screen shows every needle. A frame reaches tmux in several writes, so a
    /// capture can catch the top of a dialog before its bottom: checking needles on the screen that
    /// first showed one of them would race the terminal.
    @discardableResult
    func waitForAll(_ needles: [String], timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) -> String {
        waitUntil("all of \(needles) on one screen", timeout: timeout, file: file, line: line) { s in needles.allSatisfy(s.contains) }
    }

    /// `mammon status --json` for this database: the engine's own record, not the screen.
    func status() throws -> [String: Any] {
        let r = try binary.run(["status", "--json", "--db", database])
        guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw NSError(domain: "mammon status", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr])
        }
        return json
    }

    func schedulerState() throws -> String? { (try status()["status"] as? [String: Any])?["state"] as? String }

    /// `mammon history --json`: executions with their steps, newest first.
    func history() throws -> [[String: Any]] {
        let r = try binary.run(["history", "--json", "--db", database])
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// Polls a database query until it holds (the engine commits a moment after the screen changes).
    func eventually(_ what: String, timeout: TimeInterval = 20, file: StaticString = #filePath, line: UInt = #line,
                    _ predicate: () throws -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? predicate()) == true { return }
            usleep(100_000)
        }
        XCTFail("timed out waiting for \(what)", file: file, line: line)
    }

    /// Runs tmux with posix_spawn and waitpid. Not Foundation's Process: it learns that a child ended
    /// from a socket the child inherits, and the tmux server (a daemon forked by the first command)
    /// would keep that socket open for as long as it runs.
    @discardableResult
    func tmux(_ arguments: [String], readOutput: Bool = true) throws -> String {
        let outPath = dir.appendingPathComponent("tmux-out-\(UUID().uuidString.prefix(6))").path
        defer { unlink(outPath) }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, readOutput ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["/usr/bin/tmux", "-L", socket] + arguments
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, &cArgs, environ)
        guard rc == 0 else { throw NSError(domain: "posix_spawn", code: Int(rc)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return readOutput ? ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "") : ""
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
