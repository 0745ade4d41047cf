import Foundation
import GRDB
import MammonCore

/// The wallet's last-read position per market.
struct PositionRecord: Codable, FetchableRecord, PersistableRecord, StoredRecord {
    static let databaseTableName = "position"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    var `protocol`: String
    var token: String
    var amountBaseUnits: String
    var decimals: Int
    var updatedAt: Date
}

extension AppDatabase {
    public func positions() throws -> [Position] {
        try read { db in
            try PositionRecord.fetchAll(db).compactMap { r in
                guard let p = MarketID(rawValue: r.protocol), let units = UInt128(r.amountBaseUnits) else { return nil }
                return Position(marketID: p, token: Token(symbol: r.token, decimals: UInt8(r.decimals)),
                                amount: TokenAmount(baseUnits: units, decimals: UInt8(r.decimals)))
            }
        }
    }
}
