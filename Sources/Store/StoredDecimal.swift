import Foundation
import GRDB
import MammonCore

/// A USD or APY amount in a TEXT column, written as plain digits ("12.5") and parsed back exactly.
/// GRDB's own Decimal conversion formats and parses through an ICU number formatter: a measurable
/// cost on every scan, and most of the ICU library paged into the console's memory.
struct StoredDecimal: Codable, Hashable, DatabaseValueConvertible {
    var value: Decimal

    init(_ value: Decimal) { self.value = value }

    var databaseValue: DatabaseValue { value.plainString.databaseValue }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredDecimal? {
        switch dbValue.storage {
        case .string(let text): Decimal.plain(text).map(StoredDecimal.init)
        case .int64(let n): StoredDecimal(Decimal(n))
        default: nil // a REAL was never written here; reading one as money would be a guess
        }
    }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Decimal.strict(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a decimal: '\(text)'"))
        }
        self.value = value
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value.plainString)
    }
}
