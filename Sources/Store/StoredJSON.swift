import Foundation
import MammonCore

/// The JSON of the blobs the store keeps (approval requests, recommendations, balances, the breaker
/// state): dates as ISO 8601 UTC with milliseconds, the dialect of the event log, so one reader of the
/// database sees one kind of date. A number (what versions before this one wrote: seconds since 2001,
/// Foundation's default) still reads, so nothing stored earlier is lost.
enum StoredJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .custom { date, e in
            var c = e.singleValueContainer()
            try c.encode(date.iso8601)
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            let c = try d.singleValueContainer()
            if let text = try? c.decode(String.self) {
                guard let date = Date(iso8601: text) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "bad time \(text)") }
                return date
            }
            return Date(timeIntervalSinceReferenceDate: try c.decode(Double.self))
        }
        return try decoder.decode(T.self, from: Data(text.utf8))
    }
}
