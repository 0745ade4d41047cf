import GRDB
import MammonCore

extension AppDatabase {
    /// Every vault's observations, keyed by the vault's lowercase address, oldest first.
    public func vaultSharePrices() throws -> [String: [VaultSharePrice]] {
        try read { db in
            var out: [String: [VaultSharePrice]] = [:]
            let rows = try Row.fetchAll(db, sql: "SELECT vault, block_time, assets_per_share FROM vault_share_price ORDER BY vault, block_time")
            for row in rows {
                let time: Int64 = row["block_time"]
                guard time >= 0 else {
                    throw StoreError.corruptRow(table: "vault_share_price", detail: "negative block time \(time)")
                }
                out[row["vault"], default: []].append(VaultSharePrice(blockTime: UInt64(time), assetsPerShare: row["assets_per_share"]))
            }
            return out
        }
    }
}
