import Foundation

/// What an operator asks of the engine. The engine checks each like anything else: an approval re-runs
/// the gates and limits at that moment and can never bypass them.
public enum OperatorCommand: Codable, Hashable, Sendable {
    case start
    case stop
    case runOnce
    case approve(UUID)
    case decline(UUID)
    /// Halts the scheduler, cancels pending approvals, and latches until `resume`.
    case emergencyStop
    /// Clears a halt (circuit breaker or emergency stop).
    case resume
    /// Gives up the stuck transaction of the execution in flight: the next time it is found unmined,
    /// a zero-value self-transfer takes its nonce instead of a fee-raised copy.
    case cancelTransaction(executionID: UUID)
}
