import Foundation
import MammonCore
@_spi(EngineWriter) import Store

/// The emergency stop, built in one place for the running engine (a console's or a socket's
/// command) and for a database whose engine is not running (`mammon emergency-stop`): halted with
/// the latch set, nothing scheduled, every pending approval cancelled, in one commit.
extension Engine {
    static let emergencyCancelDetail = "cancelled by emergency stop"

    /// What an emergency stop changes: the scheduler state after it, and the rows and events of one commit.
    static func emergencyStop(of state: PersistedSchedulerState, cancelling pending: [ApprovalRequest], reason: String, at now: Date)
        -> (state: PersistedSchedulerState, mutations: [StoreMutation], kinds: [EngineEvent.Kind]) {
        var mutations: [StoreMutation] = []
        var kinds: [EngineEvent.Kind] = []
        for var request in pending.sorted(by: { $0.id.uuidString < $1.id.uuidString }) {
            request.outcome = .cancelled
            mutations.append(.approval(request, resolvedAt: now, detail: emergencyCancelDetail))
            kinds.append(.approvalResolved(recommendationID: request.id, outcome: .cancelled, detail: emergencyCancelDetail))
        }
        var halted = state
        halted.state = SchedulerStatus.State.halted.rawValue
        halted.haltReason = reason
        halted.emergencyStop = true
        halted.nextScanAt = nil
        halted.updatedAt = now
        mutations.append(.schedulerState(halted))
        kinds.append(.schedulerHalted(reason: reason, emergency: true))
        return (halted, mutations, kinds)
    }

    func emergencyStop(by client: String) async {
        let pending = Array(pendingApprovals.values)
        let wasRunning = persisted.schedulerState == .running
        let stop = Self.emergencyStop(of: persisted, cancelling: pending, reason: "emergency stop by \(client)", at: clock.now())
        for request in pending {
            pendingApprovals.removeValue(forKey: request.id)
            approvalClaims.removeValue(forKey: request.id)
            resolvedApprovals[request.id] = "\(ApprovalRequest.Outcome.cancelled.rawValue): \(Self.emergencyCancelDetail)"
        }
        persisted = stop.state
        commit(stop.mutations, stop.kinds + [.status(makeStatus())])
        if wasRunning {
            sleepTask?.cancel()
            loopTask = nil
        }
    }

    /// Latches the emergency stop in a database no engine runs on (the caller holds its lock): the
    /// same change as the running engine's, committed without opening an engine, so it needs no key,
    /// no node and no chain. The next start stays halted until the operator resumes.
    public static func latchEmergencyStop(in store: AppDatabase, reason: String, at now: Date) throws {
        let stop = emergencyStop(of: try store.schedulerState() ?? PersistedSchedulerState(updatedAt: now),
                                 cancelling: try store.pendingApprovals(), reason: reason, at: now)
        try store.commit(stop.mutations, events: stop.kinds.map { EngineEvent(at: now, kind: $0) })
    }
}
