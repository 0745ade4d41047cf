import Foundation

/// The executor's steps, in order. Withdraw is skipped for a new position (idle wallet funds).
public enum ExecutionStep: String, Codable, CaseIterable, Sendable, Comparable {
    case validation
    case balanceCheck = "balance_check"
    case withdraw
    case approve
    case deposit
    case verification

    /// Steps that send a transaction.
    public var sendsTransaction: Bool { self == .withdraw || self == .approve || self == .deposit }

    public static func plan(for rec: RebalanceRecommendation) -> [ExecutionStep] {
        rec.isNewPosition ? allCases.filter { $0 != .withdraw } : allCases
    }

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

public enum StepStatus: String, Codable, Sendable {
    case pending, running, succeeded, failed, skipped
}

/// How an execution ended. `stranded` means funds left a market and did not reach the next one:
/// they sit in the wallet, and the operator is told so.
public enum ExecutionStatus: String, Codable, Sendable {
    case running, succeeded, failed, stranded
    /// Interrupted before anything was broadcast: nothing happened on chain, and recovery never
    /// signs what a crash left undecided. The next cycle decides afresh through every gate and limit.
    case abandoned
}

/// One step's outcome as recorded and published.
public struct StepRecord: Codable, Hashable, Sendable {
    public var executionID: UUID
    public var step: ExecutionStep
    public var status: StepStatus
    public var txHash: String?
    public var nonce: UInt64?
    public var gasUsed: UInt64?
    public var gasCostUSD: Decimal?
    public var startedAt: Date?
    public var finishedAt: Date?
    public var detail: String?

    public init(executionID: UUID, step: ExecutionStep, status: StepStatus, txHash: String? = nil, nonce: UInt64? = nil,
                gasUsed: UInt64? = nil, gasCostUSD: Decimal? = nil, startedAt: Date? = nil, finishedAt: Date? = nil,
                detail: String? = nil) {
        self.executionID = executionID
        self.step = step
        self.status = status
        self.txHash = txHash
        self.nonce = nonce
        self.gasUsed = gasUsed
        self.gasCostUSD = gasCostUSD
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.detail = detail
    }

    public var durationMs: Int? {
        guard let s = startedAt, let f = finishedAt else { return nil }
        return Int((f.timeIntervalSince(s) * 1000).rounded())
    }

    enum CodingKeys: String, CodingKey {
        case executionID = "execution_id", step, status, txHash = "tx_hash", nonce, gasUsed = "gas_used",
             gasCostUSD = "gas_cost_usd", startedAt = "started_at", finishedAt = "finished_at", detail
    }
}

/// An execution's summary: what was moved, how it ended, what it cost.
public struct ExecutionSummary: Codable, Hashable, Sendable, Identifiable {
    public var id: UUID
    public var recommendation: RebalanceRecommendation
    public var status: ExecutionStatus
    public var startedAt: Date
    public var finishedAt: Date?
    public var gasUsed: UInt64
    public var gasCostUSD: Decimal
    public var error: String?
    /// Which step failed, when one did.
    public var failedStep: ExecutionStep?

    public init(id: UUID, recommendation: RebalanceRecommendation, status: ExecutionStatus, startedAt: Date,
                finishedAt: Date? = nil, gasUsed: UInt64 = 0, gasCostUSD: Decimal = 0, error: String? = nil,
                failedStep: ExecutionStep? = nil) {
        self.id = id
        self.recommendation = recommendation
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.gasUsed = gasUsed
        self.gasCostUSD = gasCostUSD
        self.error = error
        self.failedStep = failedStep
    }

    enum CodingKeys: String, CodingKey {
        case id = "execution_id", recommendation, status, startedAt = "started_at", finishedAt = "finished_at",
             gasUsed = "gas_used", gasCostUSD = "gas_cost_usd", error, failedStep = "failed_step"
    }
}
