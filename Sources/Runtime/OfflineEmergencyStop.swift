import Foundation
import MammonCore
import Store

/// The emergency stop latched in a database whose engine is not running (after a crash, from cron,
/// over a bad connection), so its next start sends nothing until the operator resumes. Needs no key
/// and no node; refused while an engine holds the database (its console stops it).
public enum OfflineEmergencyStop {
    public static let reason = "emergency stop from the command line"

    public static func latch(databasePath path: String, at now: Date = Date()) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw UsageError("no database at \(path)") }
        _ = try EngineLock.acquire(path: EngineLocks.databaseLockPath(path), guarding: "database \(path)", database: path)
        let store = try AppDatabase.open(path: path)
        var state = try store.schedulerState() ?? PersistedSchedulerState(updatedAt: now)
        state.state = SchedulerStatus.State.halted.rawValue
        state.haltReason = reason
        state.emergencyStop = true
        state.nextScanAt = nil
        state.updatedAt = now
        var mutations: [StoreMutation] = [.schedulerState(state)]
        var events: [EngineEvent] = [EngineEvent(at: now, kind: .schedulerHalted(reason: reason, emergency: true))]
        for var request in try store.pendingApprovals() {
            request.outcome = .cancelled
            mutations.append(.approval(request, resolvedAt: now, detail: "cancelled by emergency stop"))
            events.append(EngineEvent(at: now, kind: .approvalResolved(recommendationID: request.id, outcome: .cancelled, detail: "cancelled by emergency stop")))
        }
        try store.commit(mutations, events: events)
    }
}
