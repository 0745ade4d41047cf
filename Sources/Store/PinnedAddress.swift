import Foundation
import GRDB
import MammonCore

/// Addresses that receive money or allowances, as first resolved for this database's network. A
/// network file names a provider or a market, and what the node reports for it (the Pool behind a
/// provider, the aToken) is recorded on the first start; a later change through the node is
/// refused until the operator accepts the new address by name.
public enum PinnedAddressError: Error, CustomStringConvertible, Equatable {
    case changed(role: String, pinned: String, reported: String, pinnedAt: String)

    public var description: String {
        switch self {
        case .changed(let role, let pinned, let reported, let at):
            "\(role) is \(reported) according to the node, but this database pinned \(pinned) on \(at): nothing is signed. If the change is real (a protocol upgrade you have checked), accept it with --accept-address \(reported)"
        }
    }
}

extension AppDatabase {
    /// Role → address as pinned.
    public func pinnedAddresses() throws -> [String: String] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT role, address FROM pinned_address").map {
                ($0["role"] as String, $0["address"] as String)
            })
        }
    }

    /// Pins roles seen for the first time and checks the others. A changed address is refused unless
    /// it is in `accepting` (lowercased hex); an accepted change replaces the pin. Returns the roles
    /// whose pin changed.
    @_spi(EngineWriter) @discardableResult
    public func pin(_ resolved: [(role: String, address: String)], accepting: Set<String>, at now: Date) throws -> [String] {
        try writer.write { db in
            var changed: [String] = []
            for (role, address) in resolved {
                let row = try Row.fetchOne(db, sql: "SELECT address, pinned_at FROM pinned_address WHERE role = ?", arguments: [role])
                if let row {
                    let pinned: String = row["address"]
                    guard pinned.lowercased() != address.lowercased() else { continue }
                    guard accepting.contains(address.lowercased()) else {
                        throw PinnedAddressError.changed(role: role, pinned: pinned, reported: address, pinnedAt: row["pinned_at"])
                    }
                    changed.append(role)
                }
                try db.execute(sql: """
                    INSERT INTO pinned_address (role, address, pinned_at) VALUES (?, ?, ?)
                    ON CONFLICT(role) DO UPDATE SET address = excluded.address, pinned_at = excluded.pinned_at
                    """, arguments: [role, address, now.sqliteText])
            }
            return changed
        }
    }
}
