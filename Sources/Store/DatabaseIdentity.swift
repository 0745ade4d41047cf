import Foundation
import GRDB
import MammonCore

/// Whose database this is: the chain and wallet it was created for. A database holds journaled
/// signed transactions and today's limits for one wallet on one chain; opened for another, those
/// bytes could be broadcast where they were never meant to go, so the mismatch is refused.
public struct DatabaseIdentity: Sendable, Hashable, CustomStringConvertible {
    public var network: String
    /// The EVM chain id, or "simulated" for the in-process chain (each database is its own chain).
    public var chainID: String
    /// The wallet address as the chain names it (checksummed on EVM chains).
    public var wallet: String

    public init(network: String, chainID: String, wallet: String) {
        self.network = network
        self.chainID = chainID
        self.wallet = wallet
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
        return mine == theirs || (mine.hasPrefix("file:") && theirs.hasPrefix("file:"))
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
        case .belongsToAnother(let path, let stored, let running):
            "database \(path) belongs to \(stored), not to \(running): refusing to open it (its journal and limits are that wallet's on that chain). Use --db with another file for this chain and wallet."
        }
    }
}

extension AppDatabase {
    /// The identity recorded at creation, if any.
    public func identity() throws -> DatabaseIdentity? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT network, chain_id, wallet FROM database_identity WHERE id = 1").map {
                DatabaseIdentity(network: $0["network"], chainID: $0["chain_id"], wallet: $0["wallet"])
            }
        }
    }

    /// Records `identity` on a database that has none, or checks that the recorded one matches.
    /// A database from before identities existed is claimed by its first engine.
    public func claim(_ identity: DatabaseIdentity, path: String, at now: Date) throws {
        try writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT network, chain_id, wallet FROM database_identity WHERE id = 1") {
                let stored = DatabaseIdentity(network: row["network"], chainID: row["chain_id"], wallet: row["wallet"])
                guard stored.matches(identity) else {
                    throw DatabaseIdentityError.belongsToAnother(path: path, stored: stored, running: identity)
                }
                return
            }
            try db.execute(sql: "INSERT INTO database_identity (id, network, chain_id, wallet, created_at) VALUES (1, ?, ?, ?, ?)",
                           arguments: [identity.network, identity.chainID, identity.wallet, now.sqliteText])
        }
    }
}
