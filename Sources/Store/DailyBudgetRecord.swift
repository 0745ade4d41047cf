import Foundation
import GRDB
import MammonCore

/// Spend per UTC day. Rows are added to, never reset, so a restart keeps the day's count.
struct DailyBudgetRecord: Codable, FetchableRecord, PersistableRecord, StoredRecord {
    static let databaseTableName = "daily_budget"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    var day: String
    var rebalances: Int
    var gasUsd: StoredDecimal

    static func add(day: String, rebalances: Int, gasUSD: Decimal, _ db: Database) throws {
        var row = try fetchOne(db, key: day) ?? DailyBudgetRecord(day: day, rebalances: 0, gasUsd: StoredDecimal(0))
        row.rebalances += rebalances
        row.gasUsd.value += gasUSD
        try row.save(db)
    }
}

extension AppDatabase {
    public func budget(day: String) throws -> DailyBudget {
        try read { db in
            let row = try DailyBudgetRecord.fetchOne(db, key: day)
            return DailyBudget(day: day, rebalances: row?.rebalances ?? 0, gasUSD: row?.gasUsd.value ?? 0)
        }
    }
}
