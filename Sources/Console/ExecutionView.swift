import Foundation
import MammonCore

/// The running or last execution, step by step.
public struct ExecutionView: Hashable, Sendable {
    public struct StepLine: Hashable, Sendable {
        public var step: ExecutionStep
        public var status: StepStatus
        public var startedAt: Date?
        public var record: StepRecord?

        public init(step: ExecutionStep, status: StepStatus = .pending, startedAt: Date? = nil, record: StepRecord? = nil) {
            self.step = step
            self.status = status
            self.startedAt = startedAt
            self.record = record
        }
    }

    public var id: UUID
    public var recommendation: RebalanceRecommendation
    public var steps: [StepLine]
    public var startedAt: Date
    /// Set when the execution finished.
    public var summary: ExecutionSummary?

    public init(id: UUID, recommendation: RebalanceRecommendation, steps: [StepLine], startedAt: Date,
                summary: ExecutionSummary? = nil) {
        self.id = id
        self.recommendation = recommendation
        self.steps = steps
        self.startedAt = startedAt
        self.summary = summary
    }

    public var inFlight: Bool { summary == nil }
    public var runningStep: ExecutionStep? { steps.first { $0.status == .running }?.step }
}
