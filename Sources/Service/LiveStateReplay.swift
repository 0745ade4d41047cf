import Foundation
import MammonCore
import Store

/// What is current, not history, when a console opens beside an engine that already runs: the
/// proposals waiting for approval, the last markets scanned (their age shows how old), and an
/// execution in flight with its finished steps. Replayed as events (without a sequence number)
/// right after the history, so the live stream that follows updates them in place.
public enum LiveStateReplay {
    public static func events(from store: AppDatabase) throws -> [EngineEvent] {
        var out: [EngineEvent] = []
        for request in try store.pendingApprovals() {
            out.append(EngineEvent(at: request.requestedAt, kind: .approvalRequested(request)))
        }
        for execution in try store.unfinishedExecutions() {
            let steps = try store.steps(executionID: execution.id)
            out.append(EngineEvent(at: execution.startedAt, kind: .executionStarted(
                executionID: execution.id, recommendation: execution.recommendation, steps: steps.map(\.step))))
            for step in steps where step.status != .pending {
                out.append(EngineEvent(at: step.finishedAt ?? step.startedAt ?? execution.startedAt,
                                       kind: step.status == .running ? .stepStarted(executionID: execution.id, step: step.step) : .stepFinished(step)))
            }
        }
        return out
    }
}
