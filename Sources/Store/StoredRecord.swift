import Foundation
import GRDB
import MammonCore

/// A record whose dates are UTC text ("2026-11-21 08:37:53.123", GRDB's own storage form), written
/// and parsed by `Date.sqliteText` / `Date(sqliteText:)`. GRDB's conversions go through DateFormatter
/// and a Calendar, that is ICU: a measurable part of every cycle and megabytes of resident memory.
protocol StoredRecord: EncodableRecord, FetchableRecord {}

extension StoredRecord {
    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { $0.sqliteText }
    }

    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .custom { value in String.fromDatabaseValue(value).flatMap(Date.init(sqliteText:)) }
    }
}

extension Row {
    /// A date column written by `Date.sqliteText` (nil when NULL); unreadable text is an error.
    func storedDate(_ column: String, in table: String) throws -> Date? {
        guard let text = self[column] as String? else { return nil }
        guard let date = Date(sqliteText: text) else {
            throw StoreError.corruptRow(table: table, detail: "\(column) '\(text)' is not a date")
        }
        return date
    }
}
