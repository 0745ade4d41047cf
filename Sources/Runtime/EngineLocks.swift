import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where locks live. Neither depends on the environment: systemd, `sudo -u`, cron and a login shell
/// set different variables, and each would otherwise lock somewhere else.
public enum EngineLocks {
    /// Beside the database, at its real path (symlinks resolved): one engine per database file,
    /// however `--db` spells it.
    public static func databaseLockPath(_ database: String) -> String { realPath(database) + ".lock" }

    /// One engine per wallet on a chain, whichever database and whichever user: in `walletLockDirectory`.
    public static func walletLockPath(chainID: UInt64, wallet: String) throws -> String {
        "\(try walletLockDirectory())/wallet-\(chainID)-\(wallet.lowercased()).lock"
    }

    /// /run/lock/mammon (or /tmp/mammon-locks where there is no /run/lock): one fixed folder for every
    /// user, sticky and writable by all like /run/lock itself, so an engine run by root, by the service
    /// user or by an operator sees the others' locks. Lock files are 0644 (another user can lock but
    /// not rewrite them); the sticky bit keeps others from removing or replacing them.
    public static func walletLockDirectory() throws -> String {
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
    public static func realPath(_ path: String) -> String {
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
    public static func runtimeDirectory() throws -> String {
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
