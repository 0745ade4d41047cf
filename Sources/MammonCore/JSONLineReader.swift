import Foundation
import Synchronization

/// The one reader of the JSON this project writes (`JSONLineWriter`'s dialect): dates are ISO 8601
/// UTC strings, decimals exact numbers. Each text is parsed once, into the value asked for.
///
/// `legacyDates`: a number is read as seconds since 2001 too (Foundation's default, which the blobs
/// the store kept before their dates were ISO 8601 were written in), so nothing stored earlier is lost.
public enum JSONLineReader {
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, legacyDates: Bool = false) throws -> T {
        parses?.count()
        return try decoder(legacyDates: legacyDates).decode(T.self, from: data)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String, legacyDates: Bool = false) throws -> T {
        try decode(T.self, from: Data(text.utf8), legacyDates: legacyDates)
    }

    static func decoder(legacyDates: Bool) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { d in
            let c = try d.singleValueContainer()
            if legacyDates, let seconds = try? c.decode(Double.self) { return Date(timeIntervalSinceReferenceDate: seconds) }
            let text = try c.decode(String.self)
            guard let date = Date(iso8601: text) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "bad time \(text)") }
            return date
        }
        return decoder
    }

    /// Counts the texts parsed in a task that sets it: a test's check that a line is parsed once.
    @TaskLocal static var parses: ParseCount?

    final class ParseCount: Sendable {
        private let n = Mutex(0)
        func count() { n.withLock { $0 += 1 } }
        var value: Int { n.withLock { $0 } }
    }
}
