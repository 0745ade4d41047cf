import Console
import Engine
import Foundation
import MammonCore
import Service
import Runtime
import Store

/// The engine runs in this process (`mammon` in a terminal with no engine running): quitting stops it.
public final class InProcessLink: ConsoleLink {
    public let engine: Engine
    public let store: AppDatabase
    public let startScheduler: Bool
    public let initialState = EngineLinkState.inProcess
    public let clientName = "console pid \(getpid())"
    private let listener = Mutex<Task<Void, Never>?>(nil)
    /// The oldest event the console opened with, when older ones wait for the event log to open.
    private let earlierThan = Mutex<Int64?>(nil)
    /// The engine opening (and the scheduler starting) after the stored records were read.
    private let opening = Mutex<Task<Void, Never>?>(nil)

    /// The stored records and history, when their reads began with the database's opening.
    private let prefetch: ConsolePrefetch?

    public init(engine: Engine, store: AppDatabase, startScheduler: Bool, prefetch: ConsolePrefetch? = nil) {
        self.engine = engine
        self.store = store
        self.startScheduler = startScheduler
        self.prefetch = prefetch
    }

    public func start(into inbox: ActionInbox) async throws {
        // Subscribe first, then read the newest stored sequence: older events come from the database,
        // newer ones from the stream (status snapshots always).
        let events = engine.subscribe()
        var restoredRecords: StoredRecords?
        do {
            let last = try store.lastEventSequence()
            StartupTrace.mark("subscribed")
            // Read already if nothing was logged since those reads began (nothing is, before the engine opens).
            let prefetched = prefetch.flatMap { $0.lastSequence == last ? $0 : nil }
            // The log's newest lines only: the dashboard shows none, the event log a screenful. The rest
            // of its `maxLog` (decoding them was most of opening a console on a year) is read when the
            // log opens. Independent of the stored records: on two cores the reads overlap.
            let history = prefetched?.history ?? .init { [store] in
                try store.recentEvents(through: last, limit: ConsoleState.openingLog, excluding: [EngineEvent.Kind.statusType])
            }
            // Executions, errors, the last markets and the portfolio from their own tables: a year of
            // scans buries them in the event log. Then what is current (approvals, a move in flight).
            let records = Result { try (prefetched?.records ?? .init { [store] in try StoredRecordsReader.read(store, now: Date()) }).value() }
            StartupTrace.mark("stored records read")
            let opening = try history.value()
            inbox.push(.history(opening))
            if opening.count == ConsoleState.openingLog, let oldest = opening.first?.sequence {
                earlierThan.withLock { $0 = oldest }
                inbox.push(.earlierHistoryAvailable)
            }
            StartupTrace.mark("history read")
            let restored = try records.get()
            inbox.push(.restored(restored))
            inbox.push(.replayed(try LiveStateReplay.events(from: store)))
            // The scheduler as the engine holds it now (restored from the database): shown at once,
            // while opening commits and publishes the same (or what recovery changed) as events.
            inbox.push(.engineEvent(EngineEvent(at: Date(), kind: .status(await engine.status()))))
            // Those reads filled SQLite's page caches; give the memory back for the long run.
            store.releaseMemory()
            // and what SQLite and the decoding freed, which glibc would otherwise keep resident.
            ProcessMemory.releaseFreeHeap()
            StartupTrace.mark("live state read, memory released")
            let seam = LiveSeam(through: last)
            let task = Task {
                for await event in events where seam.admits(event) {
                    inbox.push(.engineEvent(event))
                }
                inbox.push(.engineStreamEnded)
            }
            listener.withLock { $0 = task }
            restoredRecords = restored
        } catch {
            inbox.push(.engineEvent(EngineEvent(at: Date(), kind: .error(.console, "cannot read the event history: \(error)"))))
        }
        // Then the verdicts, and opening (recovery, the first status, its synced commits), run while the
        // terminal starts and draws what was read: what they change arrives as actions and events.
        // Commands wait for them.
        let restored = restoredRecords
        opening.withLock {
            $0 = Task {
                // The moves' gate verdicts (the scorecard's details) while the first frame is drawn.
                if let records = restored {
                    do {
                        if let verdicts = try StoredRecordsReader.verdicts(self.store, for: records) { inbox.push(verdicts) }
                    } catch {
                        inbox.push(.engineEvent(EngineEvent(at: Date(), kind: .error(.console, "cannot read the moves' gate verdicts: \(error)"))))
                    }
                }
                await self.engine.open()
                // Recovery's and the verdicts' reads, like the records': their memory back for the long run.
                self.store.releaseMemory()
                ProcessMemory.releaseFreeHeap()
                StartupTrace.mark("engine opened")
                if self.startScheduler { _ = await self.engine.handle(.start, from: self.clientName) }
            }
        }
    }

    public func send(_ command: OperatorCommand) async -> CommandOutcome {
        await opening.withLock { $0 }?.value
        return await engine.handle(command, from: clientName)
    }

    public func loadEarlierHistory(into inbox: ActionInbox) async {
        guard let oldest = earlierThan.withLock({ s in defer { s = nil }; return s }) else { return }
        do {
            let earlier = try store.recentEvents(through: oldest - 1, limit: ConsoleState.maxLog - ConsoleState.openingLog,
                                                 excluding: [EngineEvent.Kind.statusType])
            inbox.push(.earlierHistory(earlier))
        } catch {
            inbox.push(.engineEvent(EngineEvent(at: Date(), kind: .error(.console, "cannot read the event history: \(error)"))))
        }
        store.releaseMemory()
    }

    public func finish() async {
        await opening.withLock { $0 }?.value
        await engine.shutdown()
        listener.withLock { $0?.cancel() }
    }
}

import Synchronization
