import Console
import MammonCore
import Synchronization

/// Sends each command to the engine in its own task, so an emergency stop is never queued behind an
/// approval that is executing; the engine's answer goes back to the console. Remembers the tasks so
/// quitting waits for commands already sent.
final class CommandSender: Sendable {
    private let link: any ConsoleLink
    private let inbox: ActionInbox
    private let tasks = Mutex<[Task<Void, Never>]>([])

init(link: any ConsoleLink, inbox: ActionInbox) {
        self.link = link
        self.inbox = inbox
    }

func send(_ command: OperatorCommand) {
        let link = self.link, inbox = self.inbox
        let task = Task {
            let outcome = await link.send(command)
            inbox.push(.commandAnswered(command, outcome))
        }
        tasks.withLock { $0.append(task) }
    }

func drain() async {
        for task in tasks.withLock({ $0 }) { await task.value }
    }
}
