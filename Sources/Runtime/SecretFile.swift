import EVM
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes files holding secrets (keystores, password files, raw key files) the way ssh
/// treats private keys: a file that group or others can access is refused, with the fix spelled out.
public enum SecretFile {
    /// The whole file as secret bytes. Permissions are checked on the opened descriptor, so the
    /// file checked is the file read.
    public static func read(_ path: String, kind: String) throws -> SecretBytes {
        // O_NONBLOCK: opening a FIFO without a writer (or a tty) would otherwise wait forever,
        // before the regular-file check below could refuse it. O_NOCTTY: never adopt a terminal.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw SecretFileError.cannotOpen(kind: kind, path: path, reason: errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SecretFileError.cannotOpen(kind: kind, path: path, reason: errnoText()) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw SecretFileError.notAFile(kind: kind, path: path) }
        // A regular file ignores O_NONBLOCK; cleared anyway so the reads below mean what they say.
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
            throw SecretFileError.cannotOpen(kind: kind, path: path, reason: errnoText())
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw SecretFileError.tooOpen(kind: kind, path: path, mode: mode) }
        let size = Int(info.st_size)
        guard size <= 1 << 20 else { throw SecretFileError.tooLarge(kind: kind, path: path) }
        return try SecretBytes(count: size) { buffer in
            var done = 0
            while done < size {
                let n = systemRead(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw SecretFileError.cannotOpen(kind: kind, path: path, reason: n == 0 ? "file shrank while reading" : errnoText()) }
                done += n
            }
        }
    }

    /// Creates `path` with mode 0600; never overwrites (losing a keystore loses the money).
    public static func create(_ path: String, contents: Data, kind: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw SecretFileError.exists(kind: kind, path: path) }
            throw SecretFileError.cannotCreate(kind: kind, path: path, reason: errnoText())
        }
        defer { close(fd) }
        try contents.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw SecretFileError.cannotCreate(kind: kind, path: path, reason: errnoText()) }
                done += n
            }
        }
        guard fsync(fd) == 0 else { throw SecretFileError.cannotCreate(kind: kind, path: path, reason: errnoText()) }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

public enum SecretFileError: Error, CustomStringConvertible {
    case cannotOpen(kind: String, path: String, reason: String)
    case cannotCreate(kind: String, path: String, reason: String)
    case notAFile(kind: String, path: String)
    case tooOpen(kind: String, path: String, mode: mode_t)
    case tooLarge(kind: String, path: String)
    case exists(kind: String, path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let kind, let path, let reason): return "cannot read \(kind) \(path): \(reason)"
        case .cannotCreate(let kind, let path, let reason): return "cannot create \(kind) \(path): \(reason)"
        case .notAFile(let kind, let path): return "\(kind) \(path) is not a regular file (FIFOs, devices and directories are refused): give a plain file with mode 600"
        case .tooOpen(let kind, let path, let mode):
            return "permissions \(String(mode, radix: 8)) for \(kind) \(path) are too open: it must not be accessible by group or others. Fix with: chmod 600 \(path)"
        case .tooLarge(let kind, let path): return "\(kind) \(path) is too large to be one"
        case .exists(let kind, let path): return "\(kind) \(path) already exists; refusing to overwrite it"
        }
    }
}

/// `read(2)`, named so it does not collide with the methods called `read` in this module.
public func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
