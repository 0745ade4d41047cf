import Console
import Foundation
import MammonCore
import Store

/// What an in-process console shows from before it opened, read from the moment the database is
/// open: the reads overlap setting up the chain, the engine and the servers. Nothing is logged
/// before the engine opens (and the database lock keeps other writers out), so they are what the
/// console would have read at its start; the link still checks the log's newest sequence and reads
/// again if it moved.
public final class ConsolePrefetch: Sendable {
    /// The newest logged sequence when the reads began (nil if it could not be read).
    let lastSequence: Int64?
    /// The log's newest lines (the event log's opening screenful).
    let history: StoredRecordsReader.Background<[EngineEvent]>
    let records: StoredRecordsReader.Background<StoredRecords>

    public init(store: AppDatabase) {
        let last = try? store.lastEventSequence()
        lastSequence = last
        history = .init { try store.recentEvents(through: last ?? 0, limit: ConsoleState.openingLog, excluding: [EngineEvent.Kind.statusType]) }
        records = .init { try StoredRecordsReader.read(store, now: Date()) }
    }
}
