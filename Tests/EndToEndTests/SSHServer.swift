import Foundation
import XCTest

/// A real OpenSSH server for one test: its own config, host key and authorized key in a temporary
/// directory, in the foreground (`sshd -D`) on a free port of 127.0.0.1, as an operator's server would be.
final class SSHServer {
    let dir: URL
    let port: Int
    let clientKey: String
    let user: String
    private let pid: pid_t

    init() throws {
        let sshd = "/usr/sbin/sshd"
        guard FileManager.default.isExecutableFile(atPath: sshd) else {
            let message = "openssh-server is not installed (make test-deps installs it)"
            if ProcessInfo.processInfo.environment["MAMMON_REQUIRE_ALL_SUITES"] == "1" { XCTFail(message) }
            throw XCTSkip(message)
        }
        dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mammon-sshd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        clientKey = dir.appendingPathComponent("client_key").path
        let hostKey = dir.appendingPathComponent("host_key").path
        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey])
        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", clientKey])
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: dir.appendingPathComponent("authorized_keys").path)
        port = try Self.freePort()
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(hostKey)
            PidFile \(dir.appendingPathComponent("sshd.pid").path)
            AuthorizedKeysFile \(dir.appendingPathComponent("authorized_keys").path)
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            PrintMotd no
            PrintLastLog no
            LogLevel ERROR
            """
        let configPath = dir.appendingPathComponent("sshd_config").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        // Privilege separation needs this directory when sshd runs as root.
        if getuid() == 0 { try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
        pid = try Self.spawn(sshd, ["-D", "-e", "-f", configPath], log: dir.appendingPathComponent("sshd.log").path)
        try waitUntilListening()
    }

    deinit {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: dir)
    }

    /// `ssh -tt` into this server running `remoteCommand`, as an operator would.
    func sshCommand(_ remoteCommand: String) -> [String] {
        ["/usr/bin/ssh", "-tt", "-i", clientKey, "-p", "\(port)", "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "\(user)@127.0.0.1", remoteCommand]
    }

    var log: String { (try? String(contentsOf: dir.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? "" }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.canConnect(port) { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw SetupFailure("sshd exited: \(log)") }
            usleep(50_000)
        }
        throw SetupFailure("sshd did not listen on 127.0.0.1:\(port): \(log)")
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw SetupFailure("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let status = try QuietProcess.status(tool, arguments)
        guard status == 0 else { throw SetupFailure("\(tool) failed with \(status)") }
    }

    static func spawn(_ tool: String, _ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArgs = ([tool] + arguments).map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, tool, &actions, nil, &cArgs, environ)
        guard rc == 0 else { throw SetupFailure("cannot start \(tool): \(rc)") }
        return pid
    }
}

/// A set-up failure that is a test failure, not a skip.
struct SetupFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
