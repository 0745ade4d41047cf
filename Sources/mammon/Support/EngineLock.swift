import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One engine per database and per (chain, wallet): an exclusive `flock` on a lock file, held for
/// the life of the process. The kernel drops it when the process dies, however it dies, so a crash
/// never leaves a stale lock (a pid column would). The file says who holds it, for the refusal.
final class EngineLock: Sendable {
    let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock at `path` or throws naming the process that holds it. `what` says what the
    /// lock guards ("database /x.sqlite", "wallet 0x… on chain 8453").
    static func acquire(path: String, guarding what: String, database: String) throws -> EngineLock {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw EngineLockError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        var rc: Int32
        repeat { rc = flock(fd, LOCK_EX | LOCK_NB) } while rc != 0 && errno == EINTR
        guard rc == 0 else {
            let failure = errno
            let holder = Self.holder(fd)
            close(fd)
            guard failure == EWOULDBLOCK else { throw EngineLockError.cannotOpen(path: path, reason: String(cString: strerror(failure))) }
            throw EngineLockError.held(what: what, holder: holder, lockFile: path)
        }
        let text = "pid \(getpid())\nsince \(Date().iso8601)\ndatabase \(database)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        let lock = EngineLock(path: path, fd: fd)
        held.withLock { $0.append(lock) }
        return lock
    }

    /// Adds a line to the lock file, for commands that ask about the engine holding it (`status`).
    func record(_ line: String) {
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else { return }
        _ = (line + "\n").withCString { pwrite(fd, $0, strlen($0), end) }
    }

    /// Whether the lock file at `path` holds `line` (what its holder recorded).
    static func recorded(_ line: String, in path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0 == line }
    }

    /// Whether another live process holds the lock at `path` (for commands that must not run beside
    /// an engine). Nil when it is free.
    static func holder(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) != 0 else {
            flock(fd, LOCK_UN)
            return nil
        }
        return holder(fd)
    }

    /// "pid 123 since 2026-…", read from the lock file.
    private static func holder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return "another process (it has not written its pid yet)" }
        let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n")
        let pid = fields.first { $0.hasPrefix("pid ") }.map { $0.dropFirst(4) } ?? "?"
        let since = fields.first { $0.hasPrefix("since ") }.map { $0.dropFirst(6) } ?? "?"
        let database = fields.first { $0.hasPrefix("database ") }.map { " on database \($0.dropFirst(9))" } ?? ""
        return "pid \(pid) (running since \(since))\(database)"
    }

    /// Locks live as long as the process: they are kept here and never released by hand.
    private static let held = Mutex<[EngineLock]>([])
}

enum EngineLockError: Error, CustomStringConvertible {
    case held(what: String, holder: String, lockFile: String)
    case cannotOpen(path: String, reason: String)

    var description: String {
        switch self {
        case .held(let what, let holder, let lockFile):
            "another engine is already running for \(what): \(holder). Nothing was changed. Stop it first, or watch it with `mammon status` (lock \(lockFile))"
        case .cannotOpen(let path, let reason): "cannot open the engine lock \(path): \(reason)"
        }
    }
}

/// Where locks live.
enum EngineLocks {
    /// Beside the database: one engine per database file.
    static func databaseLockPath(_ database: String) -> String { database + ".lock" }

    /// One engine per wallet on a chain, whichever database it uses: under $XDG_RUNTIME_DIR/mammon
    /// (or /run/user/UID, or a private folder in /tmp owned by this user).
    static func walletLockPath(chainID: UInt64, wallet: String) throws -> String {
        "\(try runtimeDirectory())/wallet-\(chainID)-\(wallet.lowercased()).lock"
    }

    static func runtimeDirectory() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let base: String
        if let xdg = env["XDG_RUNTIME_DIR"], !xdg.isEmpty {
            base = xdg + "/mammon"
        } else if FileManager.default.fileExists(atPath: "/run/user/\(getuid())") {
            base = "/run/user/\(getuid())/mammon"
        } else {
            base = "/tmp/mammon-\(getuid())"
        }
        if mkdir(base, 0o700) != 0 && errno != EEXIST {
            throw EngineLockError.cannotOpen(path: base, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard lstat(base, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(), info.st_mode & 0o022 == 0 else {
            throw EngineLockError.cannotOpen(path: base, reason: "not a directory owned by this user and closed to others")
        }
        return base
    }
}
