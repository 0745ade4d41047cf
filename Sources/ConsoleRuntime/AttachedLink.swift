import Console
import Foundation
import MammonCore
import Service
import Store
import Synchronization

/// A console attached to a running engine through its socket. History comes from the engine's
/// database (read only) up to the hello's `last_seq`, then live events; when the engine goes away
/// the console says since when and reconnects by itself, catching up from the database.
public final class AttachedLink: ConsoleLink {
    public let socketPath: String
    public let readOnly: Bool
    public let clientName: String
    public var initialState: EngineLinkState { .attached(readOnly: readOnly) }
    private let state = Mutex(State())

    private struct State {
        var client: ControlClient?
        var lastSequence: Int64 = 0
        var finished = false
    }

    public init(socketPath: String, readOnly: Bool) {
        self.socketPath = socketPath
        self.readOnly = readOnly
        self.clientName = "console pid \(getpid())"
    }

    /// Connects once (failing loudly when no engine answers), then keeps the link up in the background.
    public func start(into inbox: ActionInbox) async throws {
        try await connect(into: inbox)
        Task { await self.keepConnected(inbox) }
    }

    private func connect(into inbox: ActionInbox) async throws {
        let hello = Mutex<ControlMessage.Hello?>(nil)
        let client = try await ControlClient.connect(path: socketPath, name: clientName, onMessage: { [weak self] message in
            guard let self else { return }
            switch message {
            case .hello(let h):
                let first = hello.withLock { current in
                    defer { current = h }
                    return current == nil
                }
                inbox.push(.identified(clientName: h.client))
                if first { self.catchUp(to: h, inbox) }
            case .event(let event):
                let last = self.state.withLock { $0.lastSequence }
                guard event.sequence > last || event.type == EngineEvent.Kind.statusType else { return }
                guard inbox.push(.engineEvent(event)) else { return self.fellBehind() }
                if event.sequence > last { self.state.withLock { $0.lastSequence = event.sequence } }
            case .bye, .response:
                break
            }
        }, onClose: { [weak self] reason in
            guard let self, !self.state.withLock({ $0.finished }) else { return }
            self.state.withLock { $0.client = nil }
            inbox.push(.linkChanged(.offline(since: Date(), reason: reason, readOnly: self.readOnly)))
        })
        state.withLock { $0.client = client }
    }

    /// Events this console missed, from the database: the newest screenful at first, then what
    /// happened while it was away.
    private func catchUp(to hello: ControlMessage.Hello, _ inbox: ActionInbox) {
        let since = state.withLock { $0.lastSequence }
        do {
            let store = try AppDatabase.openReadOnly(path: hello.database)
            let missed = since == 0
                ? try store.recentEvents(through: hello.lastSequence, limit: ConsoleState.maxLog, excluding: [EngineEvent.Kind.statusType])
                : try store.events(after: since, limit: ConsoleState.maxLog).filter { $0.sequence <= hello.lastSequence && $0.type != EngineEvent.Kind.statusType }
            if !missed.isEmpty { inbox.push(.history(missed)) }
            if since == 0 {
                let records = try StoredRecordsReader.read(store, now: Date())
                inbox.push(.restored(records))
                if let verdicts = try StoredRecordsReader.verdicts(store, for: records) { inbox.push(verdicts) }
            }
            for event in try LiveStateReplay.events(from: store) { inbox.push(.engineEvent(event)) }
        } catch {
            inbox.push(.engineEvent(EngineEvent(at: Date(), kind: .error(.console, "cannot read the engine's history from \(hello.database): \(error)"))))
        }
        state.withLock { $0.lastSequence = max($0.lastSequence, hello.lastSequence) }
        inbox.push(.linkChanged(.attached(readOnly: hello.readOnly)))
    }

    /// The console's loop stopped draining (its terminal is blocked or gone): holding the engine's
    /// events for it would grow without bound, so the connection goes; what it missed comes from the
    /// database when it reconnects.
    private func fellBehind() {
        let client = state.withLock { s in
            defer { s.client = nil }
            return s.client
        }
        if let client { Task { await client.close() } }
    }

    /// Reconnects every second while the engine is away (it may be restarting under its supervisor),
    /// once the console has room for what it missed.
    private func keepConnected(_ inbox: ActionInbox) async {
        while !state.withLock({ $0.finished }) {
            try? await Task.sleep(nanoseconds: 1_000_000_000)
            guard state.withLock({ $0.client == nil && !$0.finished }), inbox.pending < inbox.capacity / 2 else { continue }
            try? await connect(into: inbox)
        }
    }

    public func send(_ command: OperatorCommand) async -> CommandOutcome {
        guard let client = state.withLock({ $0.client }) else { return .refused("the engine is offline; reconnecting") }
        return await client.send(command)
    }

    public func finish() async {
        let client = state.withLock { s in
            s.finished = true
            return s.client
        }
        await client?.close()
    }
}
