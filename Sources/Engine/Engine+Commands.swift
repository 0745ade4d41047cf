import Foundation
import MammonCore

/// Operator commands from any console, in this process or attached through a socket. The engine
/// decides each one, answers the client, and tells every console through a `command.handled`
/// event; long work (a cycle, an approved execution) continues after the answer.
extension Engine {
    /// Decides `command` from `client` (a name shown to every console). A read-only client can change
    /// nothing: that is enforced here, by the socket the command came through, not by the client.
    public func handle(_ command: OperatorCommand, from client: String, readOnly: Bool = false) async -> CommandOutcome {
        let outcome = decide(command, readOnly: readOnly, client: client)
        commit([], [.commandHandled(client: client, command: describe(command), accepted: outcome.accepted, detail: outcome.detail)])
        guard outcome.accepted else { return outcome }
        switch command {
        case .start: start()
        case .stop: Task { await self.stop(reason: "stopped by \(client)") }
        case .runOnce: Task { await self.runOnce() }
        case .approve(let id): Task { await self.approve(id, by: client) }
        case .decline(let id): resolve(id, outcome: .declined, detail: "declined by \(client)")
        case .emergencyStop: await emergencyStop(by: client)
        case .resume: resume()
        case .cancelTransaction(let id): requestCancellation(id)
        }
        return outcome
    }

    private func describe(_ command: OperatorCommand) -> String {
        command.target.map { "\(command.name) \($0.uuidString.prefix(8))" } ?? command.name
    }

    /// Whether the engine accepts `command` now, and what it will do or why not.
    private func decide(_ command: OperatorCommand, readOnly: Bool, client: String) -> CommandOutcome {
        if readOnly { return .refused("read-only observer: this connection cannot change the engine") }
        let halted = persisted.schedulerState == .halted
        switch command {
        case .start:
            if halted { return .refused("halted (\(persisted.haltReason ?? "unknown")); resume first") }
            if persisted.schedulerState == .running { return .refused("already running") }
            return .accepted("scheduler starting")
        case .stop:
            return persisted.schedulerState == .running ? .accepted("scheduler stopping") : .refused("not running")
        case .runOnce:
            if halted { return .refused("halted (\(persisted.haltReason ?? "unknown")); resume first") }
            if cycleInFlight { return .refused("a cycle or an execution is already running") }
            return .accepted("scan started")
        case .approve(let id):
            if let done = resolvedApprovals[id] { return .refused("already \(done)") }
            guard let request = pendingApprovals[id] else { return .refused("no pending approval \(id.uuidString.prefix(8))") }
            if request.expiresAt <= clock.now() { return .refused("expired at \(request.expiresAt.iso8601)") }
            // Who already approved it is the answer, also while that approval's execution runs.
            if let claimant = approvalClaims[id] { return .refused("already approved by \(claimant)") }
            if halted { return .refused("halted (\(persisted.haltReason ?? "")); resume first") }
            if cycleInFlight { return .refused("a cycle is running; approve again when it finishes") }
            approvalClaims[id] = client
            return .accepted("approved: re-checking every gate and limit, then executing")
        case .decline(let id):
            if let done = resolvedApprovals[id] { return .refused("already \(done)") }
            if let claimant = approvalClaims[id] { return .refused("already approved by \(claimant)") }
            return pendingApprovals[id] == nil ? .refused("no pending approval \(id.uuidString.prefix(8))") : .accepted("declined")
        case .emergencyStop:
            return persisted.emergencyStop ? .refused("already emergency-stopped") : .accepted("halting and cancelling pending approvals")
        case .resume:
            return halted ? .accepted("resumed; the scheduler stays stopped until started") : .refused("not halted")
        case .cancelTransaction(let id):
            return executionInFlight == id ? .accepted("the stuck transaction is cancelled at its next check")
                : .refused("no execution \(id.uuidString.prefix(8)) is in flight")
        }
    }
}

extension Engine {
    /// Records a notice from outside the engine's own work (the service dropping a slow console).
    public func note(source: EventSource, _ message: String, code: AlertCode? = nil) {
        commit([], [.notice(source, message, code: code)])
    }
}
