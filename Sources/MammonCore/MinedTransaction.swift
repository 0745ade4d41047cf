import Foundation

/// A transaction the engine got mined, as the books need it: which step of which execution, when,
/// and what it cost (from its receipt where kept; the step's recorded gas otherwise).
public struct MinedTransaction: Hashable, Sendable {
    public var executionID: UUID
    public var step: ExecutionStep
    /// 0 for the original, then each replacement at the same nonce.
    public var attempt: Int
    /// A zero-value self-transfer that took a stuck step's nonce.
    public var isCancellation: Bool
    public var hash: String
    /// When the step finished (mined), else when the attempt was signed.
    public var at: Date
    public var receipt: TransactionReceipt?
    public var gasUsed: UInt64
    /// As the engine recorded it when the step settled (gas × price + L1 fee at its ETH/USD); nil
    /// for a transaction whose step did not settle on it (a mined cancellation).
    public var feeUSD: Decimal?

    public init(executionID: UUID, step: ExecutionStep, attempt: Int, isCancellation: Bool, hash: String, at: Date,
                receipt: TransactionReceipt?, gasUsed: UInt64, feeUSD: Decimal?) {
        self.executionID = executionID
        self.step = step
        self.attempt = attempt
        self.isCancellation = isCancellation
        self.hash = hash
        self.at = at
        self.receipt = receipt
        self.gasUsed = gasUsed
        self.feeUSD = feeUSD
    }

    /// gas × effective price + L1 fee, in wei, when the receipt is kept.
    public var feeWei: UInt128? { receipt?.totalFeeWei }
    public var feeETH: Decimal? { feeWei.map { $0.decimalValue.shifted(by: -18) } }
}
