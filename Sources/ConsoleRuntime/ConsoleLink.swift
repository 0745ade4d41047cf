import Console
import MammonCore

/// How a console reaches its engine: in this process (`InProcessLink`, reading the database) or
/// through the engine's socket (`AttachedLink`, reading nothing else). Either way the console reads
/// what happened before it opened up to a sequence number, then applies the live events `LiveSeam`
/// admits after it: no gap, no duplicate.
public protocol ConsoleLink: Sendable {
    var initialState: EngineLinkState { get }
    /// This console's name in `command.handled` events.
    var clientName: String { get }
    /// Starts delivering history and live events into `inbox` (and, attached, keeps reconnecting).
    func start(into inbox: ActionInbox) async throws
    func send(_ command: OperatorCommand) async -> CommandOutcome
    /// Pushes `.earlierHistory` when `start` said `.earlierHistoryAvailable`.
    func loadEarlierHistory(into inbox: ActionInbox) async
    /// After the terminal is restored: in process, the engine shuts down; attached, the console detaches.
    func finish() async
}

extension ConsoleLink {
    public func loadEarlierHistory(into inbox: ActionInbox) async {}
}
