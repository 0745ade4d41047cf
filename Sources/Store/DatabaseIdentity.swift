import Foundation
import GRDB
import MammonCore

/// Whose database this is: the chain and wallet it was created for, and the contracts of its network.
/// A database holds journaled signed transactions and today's limits for one wallet on one chain;
/// opened for another, those bytes could be broadcast where they were never meant to go, so the
/// mismatch is refused, before any migration touches the file.
public struct DatabaseIdentity: Sendable, Hashable, CustomStringConvertible {
    public var network: String
    /// The EVM chain id, or "simulated" for the in-process chain (each database is its own chain).
    public var chainID: String
    /// The wallet address as the chain names it (checksummed on EVM chains).
    public var wallet: String
    /// The network's USDC and markets (nil: the simulated chain, or a database from before they were
    /// recorded, which records them at its next open).
    public var contracts: ContractFingerprint?

    public init(network: String, chainID: String, wallet: String, contracts: ContractFingerprint? = nil) {
        self.network = network
        self.chainID = chainID
        self.wallet = wallet
        self.contracts = contracts
    }

    public var description: String {
        isShadow ? "a shadow run (watch-only) of wallet \(wallet) on chain \(chainID) (\(network))" : "chain \(chainID) (\(network)), wallet \(wallet)"
    }

    /// A shadow run's database (`--watch`): its executions never happened on chain.
    public var isShadow: Bool { ShadowNetwork.watched(in: network) != nil }

    /// Same mode (shadow or not), same chain, same wallet (addresses compare case-insensitively), and
    /// the same built-in network, or both from network files (whose names an operator may edit). A
    /// network file claiming chain 8453 (a fork) never matches the built-in `base`.
    func matches(_ other: DatabaseIdentity) -> Bool {
        guard isShadow == other.isShadow, chainID == other.chainID, wallet.lowercased() == other.wallet.lowercased() else { return false }
        let mine = ShadowNetwork.watched(in: network) ?? network, theirs = ShadowNetwork.watched(in: other.network) ?? other.network
        guard mine == theirs || (mine.hasPrefix("file:") && theirs.hasPrefix("file:")) else { return false }
        if let contracts, let others = other.contracts { return contracts.matches(others) }
        return true
    }
}

public enum DatabaseIdentityError: Error, CustomStringConvertible, Equatable {
    case belongsToAnother(path: String, stored: DatabaseIdentity, running: DatabaseIdentity)

    public var description: String {
        switch self {
        case .belongsToAnother(let path, let stored, let running) where stored.isShadow && !running.isShadow:
            "database \(path) holds \(stored): a live engine never opens it, since nothing in it happened on chain and its limits and journal are not the wallet's. Going live is a new start: run with --keystore and without --db (the live default database) or with --db naming a new file; `mammon report --db \(path)` keeps the shadow record."
        case .belongsToAnother(let path, let stored, let running) where !stored.isShadow && running.isShadow:
            "database \(path) belongs to the live wallet \(stored.wallet) (\(stored)): a shadow run (--watch) keeps its own database so that nothing it pretends is mixed with real executions. Drop --db (the default is <network>-shadow.sqlite) or name a new file."
        case .belongsToAnother(let path, let stored, let running) where stored.isShadow == running.isShadow && stored.chainID == running.chainID
            && stored.wallet.lowercased() == running.wallet.lowercased() && stored.contracts != running.contracts:
            "database \(path) belongs to \(stored) with \(stored.contracts.map { "\($0)" } ?? "no contracts"), not to a network of the same chain id with \(running.contracts.map { "\($0)" } ?? "no contracts"): refusing to open it (another deployment on chain \(running.chainID), a fork or another network file; its journal and limits are not this one's). Use --db with another file for this network."
        case .belongsToAnother(let path, let stored, let running):
            "database \(path) belongs to \(stored), not to \(running): refusing to open it (its journal and limits are that wallet's on that chain). Use --db with another file for this chain and wallet."
        }
    }
}

extension AppDatabase {
    /// The identity recorded at creation, if any.
    public func identity() throws -> DatabaseIdentity? {
        try read { db in try Self.storedIdentity(db) }
    }

    /// Records `identity` on a database that has none, or checks that the recorded one matches; the
    /// contracts are recorded on the first open of a database from before they were.
    /// A database from before identities existed is claimed by its first engine.
    @_spi(EngineWriter) public func claim(_ identity: DatabaseIdentity, path: String, at now: Date) throws {
        try writer.write { db in
            if let stored = try Self.storedIdentity(db) {
                guard stored.matches(identity) else {
                    throw DatabaseIdentityError.belongsToAnother(path: path, stored: stored, running: identity)
                }
                if stored.contracts == nil, let contracts = identity.contracts {
                    try db.execute(sql: "UPDATE database_identity SET contracts = ? WHERE id = 1", arguments: [contracts.text])
                }
                return
            }
            try db.execute(sql: "INSERT INTO database_identity (id, network, chain_id, wallet, created_at, contracts) VALUES (1, ?, ?, ?, ?, ?)",
                           arguments: [identity.network, identity.chainID, identity.wallet, now.sqliteText, identity.contracts?.text])
        }
    }

    /// The stored identity, read with whatever columns this database's schema has (it runs before
    /// the migrations, so that a database of another chain, wallet or network is never migrated).
    static func storedIdentity(_ db: Database) throws -> DatabaseIdentity? {
        guard try db.tableExists("database_identity") else { return nil }
        let hasContracts = try db.columns(in: "database_identity").contains { $0.name == "contracts" }
        let sql = "SELECT network, chain_id, wallet\(hasContracts ? ", contracts" : "") FROM database_identity WHERE id = 1"
        return try Row.fetchOne(db, sql: sql).map {
            DatabaseIdentity(network: $0["network"], chainID: $0["chain_id"], wallet: $0["wallet"],
                             contracts: hasContracts ? ($0["contracts"] as String?).flatMap(ContractFingerprint.init(text:)) : nil)
        }
    }
}
