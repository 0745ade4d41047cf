import Foundation
import NcursesBackend

/// The real console as an operator runs it: this binary started on a pseudo-terminal (simulated
/// network, its own database), left to scan and execute, then measured from outside through
/// /proc and stopped with SIGTERM. The figure the 40 MB aim is about.
enum ConsoleProcessProbe {
    struct Reading { var residentMB: Double; var peakMB: Double; var exitStatus: Int32 }

    struct SpawnError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "cannot start the console (posix_spawn \(code))" }
    }

    static func run(seconds: Double) throws -> Reading {
        let dir = NSTemporaryDirectory() + "mammon-bench-console-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let pty = try PseudoTerminal.open(columns: 120, rows: 40)
        defer { pty.close() }
        let master = pty.master
        let slavePath = pty.slavePath

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, slavePath, O_RDWR, 0) }
        let arguments = ["/proc/self/exe", "run", "--db", dir + "/db.sqlite"]
        let environment = ["TERM=xterm-256color", "LANG=C.UTF-8", "HOME=\(dir)", "XDG_CONFIG_HOME=\(dir)",
                           "PATH=/usr/bin:/bin", "MAMMON_SIM_BLOCK_SECONDS=0"]
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/proc/self/exe", &actions, nil, &argv, &envp)
        guard rc == 0 else { throw SpawnError(code: rc) }

        // Drain what the console draws so it never blocks on a full terminal buffer.
        let end = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while Date() < end {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 100) > 0 { _ = read(master, &buffer, buffer.count) }
        }
        let resident = ConsoleBench.procStatus("VmRSS:", process: "\(pid)")
        let peak = ConsoleBench.procStatus("VmHWM:", process: "\(pid)")
        kill(pid, SIGTERM)
        var code: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while waitpid(pid, &code, WNOHANG) == 0 {
            if Date() > deadline { kill(pid, SIGKILL) }
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 50) > 0 { _ = read(master, &buffer, buffer.count) }
        }
        return Reading(residentMB: resident, peakMB: peak, exitStatus: (code >> 8) & 0xff)
    }
}
