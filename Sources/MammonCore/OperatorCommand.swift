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

extension OperatorCommand {
    /// The command's name on the wire and in `command.handled` events.
    public var name: String {
        switch self {
        case .start: "start"
        case .stop: "stop"
        case .runOnce: "run_once"
        case .approve: "approve"
        case .decline: "decline"
        case .emergencyStop: "emergency_stop"
        case .resume: "resume"
        case .cancelTransaction: "cancel_transaction"
        }
    }

    /// The id the command names (a recommendation or an execution), if any.
    public var target: UUID? {
        switch self {
        case .approve(let id), .decline(let id), .cancelTransaction(let id): id
        default: nil
        }
    }

    /// Builds a command from its wire name and id.
    public init?(name: String, target: UUID?) {
        switch (name, target) {
        case ("start", nil): self = .start
        case ("stop", nil): self = .stop
        case ("run_once", nil): self = .runOnce
        case ("approve", let id?): self = .approve(id)
        case ("decline", let id?): self = .decline(id)
        case ("emergency_stop", nil): self = .emergencyStop
        case ("resume", nil): self = .resume
        case ("cancel_transaction", let id?): self = .cancelTransaction(executionID: id)
        default: return nil
        }
    }
}

/// The engine's answer to a command: accepted (and what it does now) or refused, and why.
public struct CommandOutcome: Sendable, Hashable {
    public var accepted: Bool
    public var detail: String

    public init(accepted: Bool, detail: String) {
        self.accepted = accepted
        self.detail = detail
    }

    public static func accepted(_ detail: String) -> CommandOutcome { CommandOutcome(accepted: true, detail: detail) }
    public static func refused(_ detail: String) -> CommandOutcome { CommandOutcome(accepted: false, detail: detail) }
}
