import Synchronization

/// Actions produced off the console's thread (engine events), waiting for its loop. Pushing wakes
/// the loop through the terminal's pipe, so the loop never polls for them.
public final class ActionInbox: Sendable {
    public init() {}

    private let state = Mutex<(actions: [ConsoleAction], wake: (@Sendable () -> Void)?)>(([], nil))

    public func push(_ action: ConsoleAction) {
        let wake = state.withLock { s in
            s.actions.append(action)
            return s.wake
        }
        wake?()
    }

    public func drain() -> [ConsoleAction] {
        state.withLock { s in
            defer { s.actions.removeAll(keepingCapacity: true) }
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
