import Foundation

/// What covers the panes and takes the keys. Every dialog opens on its safe choice.
public enum Modal: Hashable, Sendable {
    /// Buttons of the approval dialog, in screen order.
    public enum ApprovalChoice: Int, CaseIterable, Hashable, Sendable {
        case approve, decline, cancel
        public var label: String {
            switch self {
            case .approve: "Approve (y)"
            case .decline: "Decline (d)"
            case .cancel: "Cancel (Esc)"
            }
        }
    }

    case help(scroll: Int)
    case approval(id: UUID, choice: ApprovalChoice, scroll: Int)
    /// Yes/no questions; `yes` is false until the operator moves to it.
    case confirm(Question, yes: Bool)
    /// Emergency stop: the operator types the word.
    case emergencyStop(typed: String)
    case details(title: String, lines: [String], scroll: Int)

    public enum Question: Hashable, Sendable {
        case stopScheduler
        case quitDuringExecution
        case resume
        case cancelTransaction(executionID: UUID)

        public var title: String {
            switch self {
            case .stopScheduler: "Stop the scheduler?"
            case .quitDuringExecution: "Quit while an execution runs?"
            case .resume: "Resume after a halt?"
            case .cancelTransaction: "Cancel the stuck transaction?"
            }
        }
    }

    /// The word to type for an emergency stop.
    public static let emergencyWord = "STOP"
}
