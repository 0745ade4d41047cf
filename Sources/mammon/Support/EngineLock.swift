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
        let fd = try openLockFile(path)
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
        // Read-only when another user created the file (a shared wallet lock): the lock holds all the same.
        if fcntl(fd, F_GETFL) & O_ACCMODE == O_RDWR {
            _ = ftruncate(fd, 0)
            _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        }
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

    /// Opens (creating it readable by all, so another user's engine can lock it too) the lock file.
    /// Never follows a symlink. An existing file is opened without O_CREAT: Linux refuses O_CREAT on
    /// another user's file in a sticky directory (fs.protected_regular), even to root. Read-only when
    /// it belongs to another user: flock needs no write access.
    private static func openLockFile(_ path: String) throws -> Int32 {
        for _ in 0..<3 {
            var fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
            if fd < 0, errno == EACCES { fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
            if fd >= 0 { return fd }
            guard errno == ENOENT else { break }
            fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            if fd >= 0 {
                _ = fchmod(fd, 0o644)  // whatever the umask
                return fd
            }
            guard errno == EEXIST else { break }  // created meanwhile: open it
        }
        throw EngineLockError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
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

/// Where locks live. Neither depends on the environment: systemd, `sudo -u`, cron and a login shell
/// set different variables, and each would otherwise lock somewhere else.
enum EngineLocks {
    /// Beside the database, at its real path (symlinks resolved): one engine per database file,
    /// however `--db` spells it.
    static func databaseLockPath(_ database: String) -> String { realPath(database) + ".lock" }

    /// One engine per wallet on a chain, whichever database and whichever user: in `walletLockDirectory`.
    static func walletLockPath(chainID: UInt64, wallet: String) throws -> String {
        "\(try walletLockDirectory())/wallet-\(chainID)-\(wallet.lowercased()).lock"
    }

    /// /run/lock/mammon (or /tmp/mammon-locks where there is no /run/lock): one fixed folder for every
    /// user, sticky and writable by all like /run/lock itself, so an engine run by root, by the service
    /// user or by an operator sees the others' locks. Lock files are 0644 (another user can lock but
    /// not rewrite them); the sticky bit keeps others from removing or replacing them.
    static func walletLockDirectory() throws -> String {
        let base = FileManager.default.fileExists(atPath: "/run/lock") ? "/run/lock/mammon" : "/tmp/mammon-locks"
        if mkdir(base, 0o1777) == 0 {
            _ = chmod(base, 0o1777)  // mkdir applies the umask
        } else if errno != EEXIST {
            throw EngineLockError.cannotOpen(path: base, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        // A real folder (not a symlink), closed to others or sticky (nobody removes another's lock),
        // whose owner (who can remove any lock in it) is root or this user, or, for root beside a
        // service, a user that keeps it closed to everyone else (systemd's RuntimeDirectory).
        guard lstat(base, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_mode & 0o022 == 0 || info.st_mode & S_ISVTX != 0 else {
            throw EngineLockError.cannotOpen(path: base, reason: "not a directory, or writable by others without the sticky bit")
        }
        guard info.st_uid == 0 || info.st_uid == getuid() || (getuid() == 0 && info.st_mode & 0o022 == 0) else {
            throw EngineLockError.cannotOpen(path: base, reason: "owned by uid \(info.st_uid), who could remove the locks in it: remove the folder (the next engine makes it again)")
        }
        return base
    }

    /// `path` with every symlink resolved: the file's when it exists, else its nearest existing
    /// folder's with the rest of the path (nothing is created: `status` asks about any path).
    static func realPath(_ path: String) -> String {
        var head = URL(fileURLWithPath: path).standardizedFileURL.path
        var tail: [String] = []
        while head != "/" && !head.isEmpty {
            if let resolved = resolve(head) { return ([resolved == "/" ? "" : resolved] + tail).joined(separator: "/") }
            tail.insert((head as NSString).lastPathComponent, at: 0)
            head = (head as NSString).deletingLastPathComponent
        }
        return "/" + tail.joined(separator: "/")
    }

    private static func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The per-user runtime folder for sockets whose path beside the database is too long:
    /// $XDG_RUNTIME_DIR/mammon (or /run/user/UID, or a private folder in /tmp owned by this user).
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
