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

    public var description: String { "chain \(chainID) (\(network)), wallet \(wallet)" }

    /// Same chain, same wallet (addresses compare case-insensitively), and the same built-in network,
    /// or both from network files (whose names an operator may edit). A network file claiming chain
    /// 8453 (a fork) never matches the built-in `base`.
    func matches(_ other: DatabaseIdentity) -> Bool {
        guard chainID == other.chainID, wallet.lowercased() == other.wallet.lowercased() else { return false }
        return network == other.network || (network.hasPrefix("file:") && other.network.hasPrefix("file:"))
    }
}

public enum DatabaseIdentityError: Error, CustomStringConvertible, Equatable {
    case belongsToAnother(path: String, stored: DatabaseIdentity, running: DatabaseIdentity)

    public var description: String {
        switch self {
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
