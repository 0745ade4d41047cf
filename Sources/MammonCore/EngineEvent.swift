import Foundation

/// Everything the engine does, as it happens. Each event is persisted and then published to every
/// subscriber; the console and the headless writer are folds over this stream.
public struct EngineEvent: Sendable, Hashable {
    /// Position in the event log (assigned when stored; 0 before).
    public var sequence: Int64 { didSet { encodedLine = nil } }
    public var at: Date { didSet { encodedLine = nil } }
    public var kind: Kind { didSet { encodedLine = nil } }
    /// This event's JSON line, once written (`encoded()`) or as it was read (`decode(line:)`): the
    /// bytes the event log stores, the headless stream writes and every socket sends, written once.
    /// Any change to the event forgets it, so it is never the line of another value. Not part of
    /// equality: two equal events are equal whichever bytes carried them.
    public internal(set) var encodedLine: String?

    public static func == (a: EngineEvent, b: EngineEvent) -> Bool { a.sequence == b.sequence && a.at == b.at && a.kind == b.kind }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sequence)
        hasher.combine(at)
        hasher.combine(kind)
    }

    public init(sequence: Int64 = 0, at: Date, kind: Kind) {
        self.sequence = sequence
        self.at = at
        self.kind = kind
    }

    public enum Kind: Sendable, Hashable {
        /// The whole status, sent first to a new subscriber and after every change of counters or state.
        case status(SchedulerStatus)
        case schedulerStarted
        case schedulerStopped(reason: String)
        /// `emergency`: an operator's emergency stop, not the circuit breaker.
        case schedulerHalted(reason: String, emergency: Bool = false)
        case schedulerResumed
        case scanStarted(cycle: Int)
        case marketsScanned(cycle: Int, markets: [MarketSnapshot], idle: TokenAmount)
        /// Every market and the wallet as a move's verification read them: the current positions
        /// until the next scan (not a point of the position history, which is one per scan).
        case positionsVerified(executionID: UUID, markets: [MarketSnapshot], idle: TokenAmount)
        case scanFinished(cycle: Int, ok: Bool, opportunities: Int, executed: Int, durationMs: Int, error: String?)
        case cycleRetry(attempt: Int, retryAt: Date, error: String)
        case opportunityFound(RebalanceRecommendation)
        case gateVerdict(recommendationID: UUID, analysis: ProfitabilityAnalysis)
        case limitReached(limit: String, detail: String)
        case approvalRequested(ApprovalRequest)
        case approvalResolved(recommendationID: UUID, outcome: ApprovalRequest.Outcome, detail: String)
        case executionStarted(executionID: UUID, recommendation: RebalanceRecommendation, steps: [ExecutionStep])
        case stepStarted(executionID: UUID, step: ExecutionStep)
        case stepFinished(StepRecord)
        case executionFinished(ExecutionSummary)
        /// `code` says which alert it is, if any (never derived from `message`).
        case error(source: String, message: String, code: AlertCode? = nil)
        /// Something the operator should know that is not a failure (recovery progress, a market left
        /// out of a cycle, a console that attached or was dropped).
        case notice(source: String, message: String, code: AlertCode? = nil)
        /// An operator command and the engine's answer, seen by every console: who asked, what, and
        /// whether it was accepted (and why not).
        case commandHandled(client: String, command: String, accepted: Bool, detail: String)
    }

    /// The dotted name written as `type`.
    public var type: String { kind.type }
}

extension EngineEvent.Kind {
    /// The type of the status snapshot, which is state rather than news.
    public static let statusType = EngineEventType.schedulerStatus.rawValue

    public var eventType: EngineEventType {
        switch self {
        case .status: .schedulerStatus
        case .schedulerStarted: .schedulerStarted
        case .schedulerStopped: .schedulerStopped
        case .schedulerHalted: .schedulerHalted
        case .schedulerResumed: .schedulerResumed
        case .scanStarted: .scanStarted
        case .marketsScanned: .marketsScanned
        case .positionsVerified: .positionsVerified
        case .scanFinished: .scanFinished
        case .cycleRetry: .cycleRetry
        case .opportunityFound: .opportunityFound
        case .gateVerdict: .gateVerdict
        case .limitReached: .limitReached
        case .approvalRequested: .approvalRequested
        case .approvalResolved: .approvalResolved
        case .executionStarted: .executionStarted
        case .stepStarted: .stepStarted
        case .stepFinished: .stepFinished
        case .executionFinished: .executionFinished
        case .error: .error
        case .notice: .notice
        case .commandHandled: .commandHandled
        }
    }

    public var type: String { eventType.rawValue }
}
