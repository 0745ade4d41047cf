import ArgumentParser
import Foundation
import MammonCore
import Store

/// `mammon emergency-stop`: latches the emergency stop in a database whose engine is not running
/// (after a crash, from cron, over a bad connection), so that its next start sends nothing until
/// the operator resumes. Needs no key and no node. A running engine is stopped from its console.
struct EmergencyStopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emergency-stop",
        abstract: "Halt an engine's database until `mammon resume`: its next start sends nothing and cancels pending approvals.")

    @OptionGroup var network: NetworkOptions

    func run() throws {
        let path = network.databasePath
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no database at \(path)") }
        _ = try EngineLock.acquire(path: EngineLocks.databaseLockPath(path), guarding: "database \(path)", database: path)
        let store = try AppDatabase.open(path: path)
        let now = Date()
        let reason = "emergency stop from the command line"
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
        print("emergency stop latched in \(path): the engine sends nothing until `mammon resume`")
    }
}
