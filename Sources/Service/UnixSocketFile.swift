import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Binds a listening Unix socket whose file never has a looser mode than asked: the mode is set on
/// the socket itself before `bind` (Linux creates the file with the socket's mode, less the umask),
/// so there is no moment with the umask's mode.
enum UnixSocketFile {
    /// A bound (not yet listening) stream socket at `path` with at most `mode`; the caller owns it.
    static func bind(path: String, mode: mode_t) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(path, "socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            close(fd)
            throw ServiceError.socket(path: path, reason: "the path is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        guard fchmod(fd, mode) == 0 else {
            let error = failure(path, "fchmod")
            close(fd)
            throw error
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let error = failure(path, "bind")
            close(fd)
            throw error
        }
        return fd
    }

    private static func failure(_ path: String, _ call: String) -> ServiceError {
        ServiceError.socket(path: path, reason: "\(call): \(String(cString: strerror(errno)))")
    }
}
