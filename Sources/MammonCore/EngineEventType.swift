/// Every event's `type` as written in `--no-ui` lines, the `event` table and the control socket:
/// the one table the encoder, the decoder and the readers of stored events share.
public enum EngineEventType: String, CaseIterable, Sendable, Hashable {
    case schedulerStatus = "scheduler.status"
    case schedulerStarted = "scheduler.started"
    case schedulerStopped = "scheduler.stopped"
    case schedulerHalted = "scheduler.halted"
    case schedulerResumed = "scheduler.resumed"
    case scanStarted = "scan.started"
    case marketsScanned = "markets.scanned"
    case positionsVerified = "positions.verified"
    case scanFinished = "scan.finished"
    case cycleRetry = "cycle.retry"
    case opportunityFound = "opportunity.found"
    case gateVerdict = "gate.verdict"
    case limitReached = "limit.reached"
    case approvalRequested = "approval.requested"
    case approvalResolved = "approval.resolved"
    case executionStarted = "execution.started"
    case stepStarted = "step.started"
    case stepFinished = "step.finished"
    case executionFinished = "execution.finished"
    case error
    case notice
    case commandHandled = "command.handled"
}
