import GRDB

extension AppDatabase {
    /// The simulated chain's persisted ledger (empty on a new database).
    public func simulatedLedger() throws -> [String: String] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT account, value FROM simulated_ledger").map {
                ($0["account"] as String, $0["value"] as String)
            })
        }
    }
}
