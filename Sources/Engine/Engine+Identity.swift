import Foundation
import MammonCore
@_spi(EngineWriter) import Store

/// What binds a database to one engine, claimed by the engine's side before it opens (setup calls
/// these; nothing outside the engine writes a database).
extension Engine {
    /// Records `identity` on a database that has none, or refuses one that belongs to another
    /// network, chain, wallet or deployment (`AppDatabase.claim`).
    public static func claim(_ store: AppDatabase, as identity: DatabaseIdentity, path: String, at now: Date) throws {
        try store.claim(identity, path: path, at: now)
    }

    /// Pins the addresses the node resolved on first start and refuses a later change unless the
    /// operator accepts it (`AppDatabase.pin`). Returns the roles whose pin the operator changed.
    @discardableResult
    public static func pin(_ store: AppDatabase, _ resolved: [(role: String, address: String)], accepting: Set<String>, at now: Date) throws -> [String] {
        try store.pin(resolved, accepting: accepting, at: now)
    }
}
