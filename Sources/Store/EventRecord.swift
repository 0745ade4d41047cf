import Foundation
import GRDB
import MammonCore

/// A row of the append-only event log: the event's JSON line, numbered.
struct EventRecord: Codable, FetchableRecord, PersistableRecord, StoredRecord {
    static let databaseTableName = "event"
    var seq: Int64?
    var at: String
    var type: String
    var payload: String

    /// Appends through a cached prepared statement: this is the hottest write in the program.
    /// Returns the event as stored (numbered, its free text bounded), which is what gets published.
    static func append(_ event: EngineEvent, _ db: Database) throws -> EngineEvent {
        let insert = try db.cachedStatement(sql: "INSERT INTO event(at, type, payload) VALUES (?, ?, ?)")
        var stored = event.boundingText()
        try insert.execute(arguments: [stored.at.iso8601, stored.type, try stored.jsonLine()])
        stored.sequence = db.lastInsertedRowID
        return stored
    }

    func event() throws -> EngineEvent {
        var e = try EngineEvent.fromJSON(Data(payload.utf8))
        e.sequence = seq ?? 0
        return e
    }
}

extension AppDatabase {
    /// The newest `limit` events (optionally only of some types, or none of others), oldest first.
    /// The newest `limit` events of these types, oldest first.
    public func recentEvents(limit: Int, of types: [EngineEventType]) throws -> [EngineEvent] {
        try recentEvents(limit: limit, types: types.map(\.rawValue))
    }

    public func recentEvents(limit: Int, types: [String]? = nil, excluding: [String] = []) throws -> [EngineEvent] {
        try read { db in
            var request = EventRecord.order(Column("seq").desc).limit(limit)
            if let types { request = request.filter(types.contains(Column("type"))) }
            if !excluding.isEmpty { request = request.filter(!excluding.contains(Column("type"))) }
            return try request.fetchAll(db).reversed().map { try $0.event() }
        }
    }

    /// Events after `sequence`, oldest first (for followers of the log).
    public func events(after sequence: Int64, limit: Int = 1000) throws -> [EngineEvent] {
        try read { db in
            try EventRecord.filter(Column("seq") > sequence).order(Column("seq")).limit(limit).fetchAll(db).map { try $0.event() }
        }
    }

    public func eventCount() throws -> Int { try read { try EventRecord.fetchCount($0) } }
}

extension AppDatabase {
    /// The sequence number of the newest stored event (0 when none): the seam between what a console
    /// reads from the database and what it then receives live.
    public func lastEventSequence() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event") ?? 0 }
    }

    /// The newest `limit` events up to and including `sequence`, oldest first, without `excluding` types.
    public func recentEvents(through sequence: Int64, limit: Int, excluding: [String] = []) throws -> [EngineEvent] {
        try read { db in
            var request = EventRecord.filter(Column("seq") <= sequence).order(Column("seq").desc).limit(limit)
            if !excluding.isEmpty { request = request.filter(!excluding.contains(Column("type"))) }
            return try request.fetchAll(db).reversed().map { try $0.event() }
        }
    }
}
