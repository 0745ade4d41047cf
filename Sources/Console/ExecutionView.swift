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

/// One line of the event log view.
public struct LogLine: Hashable, Sendable {
    public enum Severity: Hashable, Sendable { case info, warning, error }

    public var at: Date
    public var type: String
    public var text: String
    public var severity: Severity

    public init(at: Date, type: String, text: String, severity: Severity = .info) {
        self.at = at
        self.type = type
        self.text = text
        self.severity = severity
    }
}

/// A market as the console tracks it: the latest rate, the wallet's position, and recent rates.
public struct MarketLine: Hashable, Sendable {
    public var protocolID: LendingProtocol
    public var apy: Decimal
    public var position: TokenAmount
    public var history: [Double]

    public init(protocolID: LendingProtocol, apy: Decimal, position: TokenAmount, history: [Double]) {
        self.protocolID = protocolID
        self.apy = apy
        self.position = position
        self.history = history
    }
}

/// A short message on the status line until `until`.
public struct Flash: Hashable, Sendable {
    public var text: String
    public var severity: LogLine.Severity
    public var until: Date

    public init(text: String, severity: LogLine.Severity, until: Date) {
        self.text = text
        self.severity = severity
        self.until = until
    }
}
