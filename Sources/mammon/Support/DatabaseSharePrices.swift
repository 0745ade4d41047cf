import Chain
import EVM
import Foundation
import Store

/// The live chain's vault share prices, kept in the engine's database (table `vault_share_price`)
/// so a restart, or the next `--once` run from cron, measures a vault's APY from earlier prices.
///
/// The database is opened on first use: `mammon run` connects to the node (and checks its chain id)
/// before it creates a database for the network. `readOnly` (for `mammon markets`, which never
/// writes) reads an existing database and drops what the scan would save.
final class DatabaseSharePrices: SharePriceStore, @unchecked Sendable {
    private let path: String
    private let readOnly: Bool
    private let lock = NSLock()
    private var database: AppDatabase?

    init(path: String, readOnly: Bool = false) {
        self.path = path
        self.readOnly = readOnly
    }

    func load() throws -> [String: [SharePriceObservation]] {
        guard let db = try open() else { return [:] }
        return try db.vaultSharePrices().mapValues { prices in
            try prices.map { p in
                guard let price = try? UInt256(decimal: p.assetsPerShare) else {
                    throw StoreError.corruptRow(table: "vault_share_price", detail: "assets per share '\(p.assetsPerShare)'")
                }
                return SharePriceObservation(timestamp: p.blockTime, price: price)
            }
        }
    }

    func save(_ observations: [String: [SharePriceObservation]]) throws {
        guard !readOnly, let db = try open() else { return }
        let mutations = observations.sorted { $0.key < $1.key }.map { vault, list in
            StoreMutation.vaultSharePrices(vault: vault, list.map {
                VaultSharePrice(blockTime: $0.timestamp, assetsPerShare: $0.price.decimalString)
            })
        }
        try db.commit(mutations, events: [])
    }

    private func open() throws -> AppDatabase? {
        lock.lock()
        defer { lock.unlock() }
        if let database { return database }
        if readOnly {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            database = try AppDatabase.openReadOnly(path: path)
        } else {
            database = try AppDatabase.open(path: path)
        }
        return database
    }
}
