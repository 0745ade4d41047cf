/// Free text in events (errors, reasons, details) often quotes a node or a contract: each such
/// field cut to `UntrustedText.bounded` before the event is stored and published.
extension EngineEvent {
    public func boundingText(limit: Int = 500) -> EngineEvent {
        func cut(_ s: String) -> String { UntrustedText.bounded(s, limit: limit) }
        var e = self
        switch kind {
        case .status(var s):
            s.haltReason = s.haltReason.map(cut)
            s.recentErrors = s.recentErrors.map { ErrorRecord(at: $0.at, source: cut($0.source), message: cut($0.message)) }
            e.kind = .status(s)
        case .schedulerStopped(let reason): e.kind = .schedulerStopped(reason: cut(reason))
        case .schedulerHalted(let reason, let emergency): e.kind = .schedulerHalted(reason: cut(reason), emergency: emergency)
        case .scanFinished(let cycle, let ok, let opportunities, let executed, let ms, let error):
            e.kind = .scanFinished(cycle: cycle, ok: ok, opportunities: opportunities, executed: executed, durationMs: ms,
                                   error: error.map(cut))
        case .cycleRetry(let attempt, let retryAt, let error): e.kind = .cycleRetry(attempt: attempt, retryAt: retryAt, error: cut(error))
        case .limitReached(let limit, let detail): e.kind = .limitReached(limit: limit, detail: cut(detail))
        case .approvalResolved(let id, let outcome, let detail):
            e.kind = .approvalResolved(recommendationID: id, outcome: outcome, detail: cut(detail))
        case .stepFinished(var record):
            record.detail = record.detail.map(cut)
            e.kind = .stepFinished(record)
        case .executionFinished(var summary):
            summary.error = summary.error.map(cut)
            e.kind = .executionFinished(summary)
        case .error(let source, let message, let code): e.kind = .error(source: cut(source), message: cut(message), code: code)
        case .notice(let source, let message, let code): e.kind = .notice(source: cut(source), message: cut(message), code: code)
        case .commandHandled(let client, let command, let accepted, let detail):
            e.kind = .commandHandled(client: cut(client), command: cut(command), accepted: accepted, detail: cut(detail))
        case .schedulerStarted, .schedulerResumed, .scanStarted, .marketsScanned, .positionsVerified, .opportunityFound, .gateVerdict,
             .approvalRequested, .executionStarted, .stepStarted:
            break
        }
        return e
    }
}
