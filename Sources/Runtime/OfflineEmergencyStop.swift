import Engine
import Foundation
import MammonCore
import Store

/// The emergency stop latched in a database whose engine is not running (after a crash, from cron,
/// over a bad connection), so its next start sends nothing until the operator resumes. Needs no key
/// and no node; refused while an engine holds the database (its console stops it).
public enum OfflineEmergencyStop {
    public static let reason = "emergency stop from the command line"

    /// The engine's own emergency stop (`Engine.latchEmergencyStop`), on a database no engine runs on.
    public static func latch(databasePath path: String, at now: Date = Date()) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw UsageError("no database at \(path)") }
        _ = try EngineLock.acquire(path: EngineLocks.databaseLockPath(path), guarding: "database \(path)", database: path)
        try Engine.latchEmergencyStop(in: try AppDatabase.open(path: path), reason: reason, at: now)
    }
}
