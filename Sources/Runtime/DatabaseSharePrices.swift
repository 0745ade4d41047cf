import Chain
import EVM
import Foundation
import Store

/// The live chain's vault share prices as kept in the engine's database (table `vault_share_price`),
/// so a restart, or the next `--once` run from cron, measures a vault's APY from earlier prices.
///
/// It only reads: the engine's database is attached once it is open and locked (the node is checked
/// before the database is touched), and what the chain observes after comes back to the engine as
/// `ChainEffect.vaultSharePrices`, committed with its next commit. `mammon markets --db` attaches a
/// read-only database and nothing takes its chain's effects.
public final class DatabaseSharePrices: SharePriceStore, @unchecked Sendable {
    private let lock = NSLock()
    private var database: AppDatabase?

    public init() {}

    /// The database the prices are read from (the engine's, or one another process may be writing).
    public func attach(_ database: AppDatabase) {
        lock.withLock { self.database = database }
    }

    public func load() throws -> [String: [SharePriceObservation]] {
        guard let db = lock.withLock({ database }) else { return [:] }
        return try db.vaultSharePrices().mapValues { prices in
            try prices.map { p in
                guard let price = try? UInt256(decimal: p.assetsPerShare) else {
                    throw StoreError.corruptRow(table: "vault_share_price", detail: "assets per share '\(p.assetsPerShare)'")
                }
                return SharePriceObservation(timestamp: p.blockTime, price: price)
            }
        }
    }
}
