import Foundation
import MammonCore

/// The JSON of the blobs the store keeps (approval requests, recommendations, balances, the breaker
/// state), written by the project's one writer with sorted keys: dates as ISO 8601 UTC with
/// milliseconds, the dialect of the event log, so one reader of the database sees one kind of date.
/// A number (what versions before this one wrote: seconds since 2001, Foundation's default) still
/// reads, so nothing stored earlier is lost.
enum StoredJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String { try JSONLineWriter.encode(value, style: .sorted) }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONLineReader.decode(T.self, from: text, legacyDates: true)
    }
}
