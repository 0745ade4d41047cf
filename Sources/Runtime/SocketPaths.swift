import Foundation

/// Where an engine's sockets live. Under systemd (`RuntimeDirectory=`, so `$RUNTIME_DIRECTORY` is
/// set) in that runtime directory, named from a hash of the database's path: the state directory is
/// 0700, and an observer group could not reach a socket inside it. Otherwise beside the database
/// (`<db>.control.sock`, `<db>.observe.sock`), or in the user's runtime directory when that path is
/// too long for a Unix socket (108 bytes). Clients find them from `--db` alone by looking in each place.
public struct SocketPaths: Equatable, Sendable {
    public let control: String
    public let observer: String

    /// Longest socket path Linux accepts (sun_path is 108 bytes with its terminating NUL).
    public static let maxLength = 107

    /// The system units' runtime directory (`RuntimeDirectory=mammon`), where a client run by an
    /// operator (without the service's environment) looks too.
    public static let systemRuntimeDirectory = "/run/mammon"

    /// Where the engine serving `database` binds its sockets.
    public static func forEngine(_ database: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SocketPaths {
        if let runtime = serviceRuntimeDirectory(environment) { return hashed(database, in: runtime) }
        return try forDatabase(database)
    }

    /// Where a client finds the sockets of the engine serving `database`: the first place holding
    /// one, else where an engine outside systemd would put them.
    public static func find(_ database: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SocketPaths {
        let fallback = try forDatabase(database)
        let candidates = [fallback, beside(database)]
            + ([serviceRuntimeDirectory(environment), systemRuntimeDirectory].compactMap { $0 }).map { hashed(database, in: $0) }
        return candidates.first { FileManager.default.fileExists(atPath: $0.control) || FileManager.default.fileExists(atPath: $0.observer) }
            ?? fallback
    }

    /// Beside the database, or in the user's runtime directory when that path is too long.
    public static func forDatabase(_ database: String) throws -> SocketPaths {
        let paths = beside(database)
        if paths.observer.utf8.count <= maxLength { return paths }
        return hashed(database, in: try EngineLocks.runtimeDirectory())
    }

    private static func beside(_ database: String) -> SocketPaths {
        let absolute = URL(fileURLWithPath: database).standardizedFileURL.path
        return SocketPaths(control: absolute + ".control.sock", observer: absolute + ".observe.sock")
    }

    private static func hashed(_ database: String, in directory: String) -> SocketPaths {
        let name = "engine-" + fnv1a(URL(fileURLWithPath: database).standardizedFileURL.path)
        return SocketPaths(control: "\(directory)/\(name).control.sock", observer: "\(directory)/\(name).observe.sock")
    }

    /// systemd's `$RUNTIME_DIRECTORY` (the first, when several are listed).
    private static func serviceRuntimeDirectory(_ environment: [String: String]) -> String? {
        guard let value = environment["RUNTIME_DIRECTORY"], let first = value.split(separator: ":").first, first.hasPrefix("/") else { return nil }
        return String(first)
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
