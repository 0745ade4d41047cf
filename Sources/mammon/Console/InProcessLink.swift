import CProcess
import Console
import Engine
import Foundation
import MammonCore
import Store

/// The engine runs in this process (`mammon` in a terminal with no engine running): quitting stops it.
final class InProcessLink: ConsoleLink {
    let engine: Engine
    let store: AppDatabase
    let startScheduler: Bool
    let initialState = EngineLinkState.inProcess
    let clientName = "console pid \(getpid())"
    private let listener = Mutex<Task<Void, Never>?>(nil)

    init(engine: Engine, store: AppDatabase, startScheduler: Bool) {
        self.engine = engine
        self.store = store
        self.startScheduler = startScheduler
    }

    func start(into inbox: ActionInbox) async throws {
        // Subscribe first, then read the newest stored sequence: older events come from the database,
        // newer ones from the stream (status snapshots always).
        let events = engine.subscribe()
        do {
            let last = try store.lastEventSequence()
            StartupTrace.mark("subscribed")
            // The log's history (decoding a thousand events) and the stored records are independent
            // reads of the database: on two cores they overlap. Pushed in the order they always were.
            async let history = store.recentEvents(through: last, limit: ConsoleState.maxLog, excluding: [EngineEvent.Kind.statusType])
            // Executions, errors, the last markets and the portfolio from their own tables: a year of
            // scans buries them in the event log. Then what is current (approvals, a move in flight).
            let records = Result { try StoredRecordsReader.read(store, now: Date()) }
            StartupTrace.mark("stored records read")
            inbox.push(.history(try await history))
            StartupTrace.mark("history read")
            inbox.push(.restored(try records.get()))
            for event in try LiveStateReplay.events(from: store) { inbox.push(.engineEvent(event)) }
            // Those reads filled SQLite's page caches; give the memory back for the long run.
            store.releaseMemory()
            // and what SQLite and the decoding freed, which glibc would otherwise keep resident.
            _ = mammon_release_free_heap()
            StartupTrace.mark("live state read, memory released")
            let task = Task {
                for await event in events where event.sequence > last || event.type == EngineEvent.Kind.statusType || event.sequence == 0 {
                    inbox.push(.engineEvent(event))
                }
                inbox.push(.engineStreamEnded)
            }
            listener.withLock { $0 = task }
        } catch {
            inbox.push(.engineEvent(EngineEvent(at: Date(), kind: .error(source: "console", message: "cannot read the event history: \(error)"))))
        }
        await engine.open()
        StartupTrace.mark("engine opened")
        if startScheduler { _ = await engine.handle(.start, from: clientName) }
    }

    func send(_ command: OperatorCommand) async -> CommandOutcome { await engine.handle(command, from: clientName) }

    func finish() async {
        await engine.shutdown()
        listener.withLock { $0?.cancel() }
    }
}

import Synchronization
