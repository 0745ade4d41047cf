import Foundation
import GRDB

extension AppDatabase {
    /// Writes a compact copy of the database to `path` (SQLite's VACUUM INTO): how a benchmark turns
    /// a history built in memory into a file a process can open.
    public func copy(to path: String) throws {
        try writer.writeWithoutTransaction { try $0.execute(sql: "VACUUM INTO ?", arguments: [path]) }
    }

    /// Events per type: how many and how many bytes of payload, largest first.
    public func eventVolume() throws -> [(type: String, count: Int, bytes: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT type, count(*), sum(length(payload)) FROM event GROUP BY type ORDER BY 3 DESC").map {
                ($0[0], $0[1], $0[2])
            }
        }
    }

    /// Frees SQLite's caches (after a burst of reads, such as a console filling its history).
    public func releaseMemory() {
        if let pool = writer as? DatabasePool { pool.releaseMemory() }
    }
}
