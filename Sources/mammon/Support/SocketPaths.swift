import Foundation

/// Where an engine's sockets live: beside its database (`<db>.control.sock`, `<db>.observe.sock`),
/// or, when that path is too long for a Unix socket (108 bytes), in the runtime directory under a
/// name derived from the database's path, so any process can find them from `--db` alone.
struct SocketPaths: Equatable {
    let control: String
    let observer: String

    /// Longest socket path Linux accepts (sun_path is 108 bytes with its terminating NUL).
    static let maxLength = 107

    static func forDatabase(_ database: String) throws -> SocketPaths {
        let absolute = URL(fileURLWithPath: database).standardizedFileURL.path
        let beside = SocketPaths(control: absolute + ".control.sock", observer: absolute + ".observe.sock")
        if beside.observer.utf8.count <= maxLength { return beside }
        let name = "engine-" + fnv1a(absolute)
        let dir = try EngineLocks.runtimeDirectory()
        return SocketPaths(control: "\(dir)/\(name).control.sock", observer: "\(dir)/\(name).observe.sock")
    }

    /// 64-bit FNV-1a of the path, hex: a stable short name, not a security measure.
    private static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
