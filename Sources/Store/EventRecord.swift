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

    /// Appends through cached prepared statements: this is the hottest write in the program. The
    /// events are numbered here, inside the write transaction (the next numbers are those
    /// AUTOINCREMENT would give), so each is written once with its `seq`: the stored payload is the
    /// line that is published, written to the headless stream and sent to every socket.
    /// Returns the events as stored (numbered, free text bounded, carrying their line).
    static func append(_ events: [EngineEvent], _ db: Database) throws -> [EngineEvent] {
        guard !events.isEmpty else { return [] }
        let last = try db.cachedStatement(sql: """
            SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'event'), 0), coalesce((SELECT max(seq) FROM event), 0))
            """)
        var next = (try Int64.fetchOne(last) ?? 0) + 1
        let insert = try db.cachedStatement(sql: "INSERT INTO event(seq, at, type, payload) VALUES (?, ?, ?, ?)")
        return try events.map { event in
            var stored = event.boundingText()
            stored.sequence = next
            stored = try stored.encoded()
            try insert.execute(arguments: [next, stored.at.iso8601, stored.type, stored.encodedLine])
            next += 1
            return stored
        }
    }

    /// The stored event, carrying the stored bytes as its line. A row written before events were
    /// numbered as they were written has no `seq` in its payload: it takes the row's, and its line is
    /// written again when it is sent (stored rows are never rewritten).
    func event() throws -> EngineEvent {
        var e = try EngineEvent.decode(line: payload)
        if let seq, e.sequence != seq { e.sequence = seq }
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
