import Foundation
import NcursesBackend

/// The real console as an operator runs it: the `mammon` binary started on a pseudo-terminal (simulated
/// network, its own database), measured from outside through /proc and stopped with SIGTERM.
/// The figures the 40 MB aim and the first-frame time are about.
enum ConsoleProcessProbe {
    struct Reading { var residentMB: Double; var peakMB: Double; var exitStatus: Int32 }
    struct FirstFrame { var seconds: Double; var residentMB: Double; var peakMB: Double; var exitStatus: Int32 }

    struct SpawnError: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "cannot start the console \(ConsoleProcessProbe.binary) (posix_spawn \(code)): build mammon beside mammon-bench, or set MAMMON_BINARY" }
    }

    struct NoFrame: Error, CustomStringConvertible {
        let markers: [String]
        var description: String { "the console did not draw \(markers.joined(separator: ", ")) in time" }
    }

    /// A fresh console left to scan and execute for `seconds`.
    static func run(seconds: Double) throws -> Reading {
        let dir = NSTemporaryDirectory() + "mammon-bench-console-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let console = try Console(arguments: ["run", "--db", dir + "/db.sqlite"], home: dir, columns: 120, rows: 40)
        defer { console.pty.close() }
        let end = Date().addingTimeInterval(seconds)
        while Date() < end { _ = console.drain(milliseconds: 100) }
        let reading = Reading(residentMB: ConsoleBench.procStatus("VmRSS:", process: "\(console.pid)"),
                              peakMB: ConsoleBench.procStatus("VmHWM:", process: "\(console.pid)"), exitStatus: 0)
        return Reading(residentMB: reading.residentMB, peakMB: reading.peakMB, exitStatus: console.stop())
    }

    /// The console opened (scheduler stopped) on an existing database: time from start until its
    /// output holds every marker (the first full frame), and its memory then.
    static func firstFrame(database: String, markers: [String], timeout: Double) throws -> FirstFrame {
        let home = NSTemporaryDirectory() + "mammon-bench-frame-\(getpid())"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let start = DispatchTime.now().uptimeNanoseconds
        let console = try Console(arguments: ["run", "--stopped", "--db", database], home: home, columns: 200, rows: 60)
        defer { console.pty.close() }
        var output = Data()
        let deadline = Date().addingTimeInterval(timeout)
        var seconds: Double?
        while Date() < deadline {
            output.append(console.drain(milliseconds: 5))
            let text = String(decoding: output, as: UTF8.self)
            if markers.allSatisfy(text.contains) {
                seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                break
            }
        }
        // Let it settle a moment before reading its memory, as an operator would look at it.
        let settle = Date().addingTimeInterval(1)
        while Date() < settle { _ = console.drain(milliseconds: 50) }
        let resident = ConsoleBench.procStatus("VmRSS:", process: "\(console.pid)")
        let peak = ConsoleBench.procStatus("VmHWM:", process: "\(console.pid)")
        let status = console.stop()
        guard let seconds else { throw NoFrame(markers: markers) }
        return FirstFrame(seconds: seconds, residentMB: resident, peakMB: peak, exitStatus: status)
    }

    /// The `mammon` built beside this benchmark (`.build/release/mammon` for `.build/release/mammon-bench`),
    /// or `MAMMON_BINARY`.
    static var binary: String {
        if let given = ProcessInfo.processInfo.environment["MAMMON_BINARY"], !given.isEmpty { return given }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (me as NSString).deletingLastPathComponent + "/mammon"
    }

    /// `mammon` on a pseudo-terminal.
    final class Console {
        let pid: pid_t
        let pty: PseudoTerminal
        private var buffer = [UInt8](repeating: 0, count: 65_536)

        init(arguments: [String], home: String, columns: Int, rows: Int) throws {
            pty = try PseudoTerminal.open(columns: columns, rows: rows)
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, pty.slavePath, O_RDWR, 0) }
            let environment = ["TERM=xterm-256color", "LANG=C.UTF-8", "HOME=\(home)", "XDG_CONFIG_HOME=\(home)",
                               "PATH=/usr/bin:/bin", "MAMMON_SIM_BLOCK_SECONDS=0"]
            let binary = ConsoleProcessProbe.binary
            var argv = ([binary] + arguments).map { strdup($0) } + [nil]
            var envp = environment.map { strdup($0) } + [nil]
            defer { for p in argv + envp { free(p) } }
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, binary, &actions, nil, &argv, &envp)
            guard rc == 0 else {
                pty.close()
                throw SpawnError(code: rc)
            }
            self.pid = pid
        }

        /// What the console drew within `milliseconds` (it never blocks on a full terminal buffer).
        func drain(milliseconds: Int32) -> Data {
            var poller = pollfd(fd: pty.master, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, milliseconds) > 0 else { return Data() }
            let n = read(pty.master, &buffer, buffer.count)
            return n > 0 ? Data(buffer[0..<n]) : Data()
        }

        /// SIGTERM, then its exit status (SIGKILL after 10 s).
        func stop() -> Int32 {
            kill(pid, SIGTERM)
            var code: Int32 = 0
            let deadline = Date().addingTimeInterval(10)
            while waitpid(pid, &code, WNOHANG) == 0 {
                if Date() > deadline { kill(pid, SIGKILL) }
                _ = drain(milliseconds: 50)
            }
            return (code >> 8) & 0xff
        }
    }
}
