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
public final class EngineLock: Sendable {
    public let path: String
    private let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock at `path` or throws naming the process that holds it. `what` says what the
    /// lock guards ("database /x.sqlite", "wallet 0x… on chain 8453").
    public static func acquire(path: String, guarding what: String, database: String) throws -> EngineLock {
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
    public func record(_ line: String) {
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else { return }
        _ = (line + "\n").withCString { pwrite(fd, $0, strlen($0), end) }
    }

    /// Whether the lock file at `path` holds `line` (what its holder recorded).
    public static func recorded(_ line: String, in path: String) -> Bool {
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
    public static func holder(of path: String) -> String? {
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

public enum EngineLockError: Error, CustomStringConvertible {
    case held(what: String, holder: String, lockFile: String)
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .held(let what, let holder, let lockFile):
            "another engine is already running for \(what): \(holder). Nothing was changed. Stop it first, or watch it with `mammon status` (lock \(lockFile))"
        case .cannotOpen(let path, let reason): "cannot open the engine lock \(path): \(reason)"
        }
    }
}
