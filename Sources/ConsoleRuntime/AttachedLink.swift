import Console
import Foundation
import MammonCore
import Service
import Synchronization

/// A console attached to a running engine through its socket, which serves everything: the history up
/// to the hello's `last_seq`, the records and what is current, then live events. The console never
/// opens the engine's database (an observer in OBSERVER_SOCKET_GROUP may not be able to). When the
/// engine goes away the console says since when and reconnects by itself, catching up the same way.
public final class AttachedLink: ConsoleLink {
    public let socketPath: String
    public let readOnly: Bool
    public let clientName: String
    public var initialState: EngineLinkState { .attached(readOnly: readOnly) }
    private let state = Mutex(State())
    /// How long to wait between attempts while the engine is away.
    private let retryDelay: Duration

    private struct State {
        var client: ControlClient?
        var seam = LiveSeam(through: 0)
        /// Whether the console has read anything yet (its first catch-up reads the records too).
        var caughtUpOnce = false
        /// Live events that arrive while the catch-up reads run, shown after it.
        var held: [EngineEvent]? = []
        var finished = false
    }

    public init(socketPath: String, readOnly: Bool, retryDelay: Duration = .seconds(1)) {
        self.socketPath = socketPath
        self.readOnly = readOnly
        self.clientName = "console pid \(getpid())"
        self.retryDelay = retryDelay
    }

    /// Connects once (failing loudly when no engine answers), then keeps the link up in the background.
    public func start(into inbox: ActionInbox) async throws {
        try await connect(into: inbox)
        Task { await self.keepConnected(inbox) }
    }

    private func connect(into inbox: ActionInbox) async throws {
        state.withLock { $0.held = [] }  // live events wait until this connection has caught up
        let greeting = FirstHello()
        let client = try await ControlClient.connect(path: socketPath, name: clientName, onMessage: { [weak self] message in
            guard let self else { return }
            switch message {
            case .hello(let hello):
                inbox.push(.identified(clientName: hello.client))
                greeting.received(hello)
            case .event(let event):
                self.live(event, inbox)
            case .bye, .response, .history, .records, .current:
                break
            }
        }, onClose: { [weak self] reason in
            greeting.received(nil)
            guard let self, !self.state.withLock({ $0.finished }) else { return }
            self.state.withLock { $0.client = nil }
            inbox.push(.linkChanged(.offline(since: Date(), reason: reason, readOnly: self.readOnly)))
        })
        state.withLock { $0.client = client }
        // The engine greets first (possibly before `connect` returned): catch up to its `last_seq`.
        Task {
            guard let hello = await greeting.value() else { return }
            await self.catchUp(to: hello, through: client, inbox)
        }
    }

    /// A live event: held while the catch-up runs, then shown if the seam admits it.
    private func live(_ event: EngineEvent, _ inbox: ActionInbox) {
        let (show, overflow): (Bool, Bool) = state.withLock { s in
            if s.held != nil {
                // Bounded like the inbox: a catch-up that cannot keep up drops the connection and starts over.
                guard s.held!.count < inbox.capacity else { return (false, true) }
                s.held!.append(event)
                return (false, false)
            }
            guard s.seam.admits(event) else { return (false, false) }
            s.seam.passed(event)
            return (true, false)
        }
        if overflow || (show && !inbox.push(.engineEvent(event))) { fellBehind() }
    }

    /// What this console missed, read through the socket: the newest screenful at first (with the
    /// records), then what happened while it was away; then what is current, then the live events
    /// that arrived meanwhile.
    private func catchUp(to hello: ControlMessage.Hello, through client: ControlClient, _ inbox: ActionInbox) async {
        let (since, first) = state.withLock { ($0.seam.through, !$0.caughtUpOnce) }
        var historyRead = false, recordsRead = !first
        do {
            let missed = try await client.history(after: since, through: hello.lastSequence, limit: ConsoleState.maxLog)
            if !missed.isEmpty { inbox.push(.history(missed)) }
            historyRead = true
            if first {
                let records = try await client.records()
                inbox.push(.restored(records.stored))
                if let verdicts = records.verdicts, !verdicts.isEmpty { inbox.push(.verdictsRestored(verdicts)) }
                recordsRead = true
            }
            inbox.push(.replayed(try await client.current()))
        } catch ControlClientError.closed {
            return  // the connection ended (the console says offline): the next one catches up from `since`
        } catch {
            inbox.push(.engineEvent(EngineEvent(at: Date(), kind: .error(.console, "cannot read the engine's history through its socket: \(error)"))))
        }
        let held: [EngineEvent] = state.withLock { s in
            // What was not read is read again by the next connection.
            if historyRead { s.seam = LiveSeam(through: max(s.seam.through, hello.lastSequence)) }
            if recordsRead { s.caughtUpOnce = true }
            defer { s.held = nil }
            let admitted = (s.held ?? []).filter { s.seam.admits($0) }
            for e in admitted { s.seam.passed(e) }
            return admitted
        }
        for event in held where !inbox.push(.engineEvent(event)) { return fellBehind() }
        inbox.push(.linkChanged(.attached(readOnly: hello.readOnly)))
    }

    /// The console's loop stopped draining (its terminal is blocked or gone): holding the engine's
    /// events for it would grow without bound, so the connection goes; what it missed comes through
    /// the socket when it reconnects.
    private func fellBehind() {
        let client = state.withLock { s in
            defer { s.client = nil }
            return s.client
        }
        if let client { Task { await client.close() } }
    }

    /// Reconnects every `retryDelay` while the engine is away (it may be restarting under its
    /// supervisor), once the console has room for what it missed.
    private func keepConnected(_ inbox: ActionInbox) async {
        while !state.withLock({ $0.finished }) {
            try? await Task.sleep(for: retryDelay)
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

/// The engine's first hello on a connection, however early it arrives; nil when the connection ended first.
private final class FirstHello: Sendable {
    private let state = Mutex<(done: Bool, hello: ControlMessage.Hello?, waiter: CheckedContinuation<ControlMessage.Hello?, Never>?)>((false, nil, nil))

    func received(_ hello: ControlMessage.Hello?) {
        let waiter: CheckedContinuation<ControlMessage.Hello?, Never>? = state.withLock { s in
            guard !s.done else { return nil }
            s.done = true
            s.hello = hello
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: hello)
    }

    func value() async -> ControlMessage.Hello? {
        await withCheckedContinuation { c in
            let ready: ControlMessage.Hello?? = state.withLock { s in
                if s.done { return .some(s.hello) }
                s.waiter = c
                return .none
            }
            if let ready { c.resume(returning: ready) }
        }
    }
}
