import Engine
import MammonCore
import Synchronization

/// Sends each command to the engine in its own task, so an emergency stop is never queued behind an
/// approval that is executing; remembers the tasks so quitting waits for commands already sent.
final class CommandSender: Sendable {
    private let engine: Engine
    private let tasks = Mutex<[Task<Void, Never>]>([])

    init(engine: Engine) { self.engine = engine }

    func send(_ command: OperatorCommand) {
        let engine = self.engine
        let task = Task { await engine.send(command) }
        tasks.withLock { $0.append(task) }
    }

    func drain() async {
        for task in tasks.withLock({ $0 }) { await task.value }
    }
}
