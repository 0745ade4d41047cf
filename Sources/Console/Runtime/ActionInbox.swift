import Synchronization

/// Actions produced off the console's thread (engine events), waiting for its loop. Pushing wakes
/// the loop through the terminal's pipe, so the loop never polls for them.
///
/// Bounded: a loop that stops draining (its terminal blocked on output, or gone) must not let the
/// engine's events pile up in memory. Past `capacity` a push is refused; the attached link then
/// drops its connection and catches up through the socket once the loop drains again.
public final class ActionInbox: Sendable {
    public let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    private let state = Mutex<(actions: [ConsoleAction], wake: (@Sendable () -> Void)?)>(([], nil))

    /// Queues `action` and wakes the loop; false (and nothing queued) when `capacity` actions wait.
    @discardableResult
    public func push(_ action: ConsoleAction) -> Bool {
        let (accepted, wake) = state.withLock { s -> (Bool, (@Sendable () -> Void)?) in
            guard s.actions.count < capacity else { return (false, nil) }
            s.actions.append(action)
            return (true, s.wake)
        }
        wake?()
        return accepted
    }

    /// How many actions wait for the loop.
    public var pending: Int { state.withLock { $0.actions.count } }

    public func drain() -> [ConsoleAction] {
        state.withLock { s in
            defer { s.actions = [] }
            return s.actions
        }
    }

    /// Installs the wake-up once the terminal exists; wakes at once if actions already wait.
    public func connect(_ wake: (@Sendable () -> Void)?) {
        let pending = state.withLock { s in
            s.wake = wake
            return !s.actions.isEmpty
        }
        if pending { wake?() }
    }
}
