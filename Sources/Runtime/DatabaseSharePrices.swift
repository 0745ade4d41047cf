import Chain
import EVM
import Foundation
import Store

/// The live chain's vault share prices, kept in the engine's database (table `vault_share_price`)
/// so a restart, or the next `--once` run from cron, measures a vault's APY from earlier prices.
///
/// It holds no database of its own: the engine's is attached once it is open and locked (the node
/// is checked before the database is touched), saves are staged and written by the engine's next
/// commit, so the engine stays the only writer. `mammon markets --db` attaches a read-only database
/// and its saves are dropped.
public final class DatabaseSharePrices: SharePriceStore, @unchecked Sendable {
    private let lock = NSLock()
    private var database: AppDatabase?
    private var readOnly = false

    /// The engine's database: reads from it, saves staged for its next commit.
    public func attach(_ database: AppDatabase) {
        lock.withLock { self.database = database; readOnly = false }
    }

    /// A database another process may be writing: read only.
    public func attachReadOnly(_ database: AppDatabase) {
        lock.withLock { self.database = database; readOnly = true }
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

    public func save(_ observations: [String: [SharePriceObservation]]) throws {
        let (db, readOnly) = lock.withLock { (database, self.readOnly) }
        guard let db, !readOnly else { return }
        for (vault, list) in observations {
            db.staged.stage(.vaultSharePrices(vault: vault, list.map {
                VaultSharePrice(blockTime: $0.timestamp, assetsPerShare: $0.price.decimalString)
            }), key: "vault:" + vault)
        }
    }
}
