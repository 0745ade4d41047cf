/// The four panes, in focus order (`1`–`4`, Tab).
public enum PaneID: Int, CaseIterable, Hashable, Sendable {
    case scheduler, opportunities, execution, errors

    public var title: String {
        switch self {
        case .scheduler: "Scheduler"
        case .opportunities: "Opportunities"
        case .execution: "Execution"
        case .errors: "Errors"
        }
    }

    /// The tab label when space is short.
    public var shortTitle: String {
        switch self {
        case .scheduler: "Sched"
        case .opportunities: "Opps"
        case .execution: "Exec"
        case .errors: "Err"
        }
    }

    public var next: PaneID { PaneID(rawValue: (rawValue + 1) % 4)! }
    public var previous: PaneID { PaneID(rawValue: (rawValue + 3) % 4)! }
}
