import Foundation
import MammonCore
import Store
import XCTest

/// A database belongs to one chain and one wallet; addresses that receive money are pinned.
final class DatabaseIdentityTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let wallet = "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"

    func testTheFirstEngineClaimsTheDatabaseAndAnotherChainWalletOrForkIsRefused() throws {
        let store = try AppDatabase.inMemory()
        XCTAssertNil(try store.identity())
        let devnet = DatabaseIdentity(network: "file:devnet", chainID: "31337", wallet: wallet)
        try store.claim(devnet, path: "/x.sqlite", at: now)
        XCTAssertEqual(try store.identity(), devnet)
        // The same wallet in lower case, and a renamed network file: the same database.
        try store.claim(DatabaseIdentity(network: "file:renamed", chainID: "31337", wallet: wallet.lowercased()), path: "/x.sqlite", at: now)

        let otherChain = DatabaseIdentity(network: "file:devnet", chainID: "31338", wallet: wallet)
        XCTAssertThrowsError(try store.claim(otherChain, path: "/x.sqlite", at: now)) { error in
            XCTAssertEqual("\(error)", "database /x.sqlite belongs to chain 31337 (file:devnet), wallet \(wallet), not to chain 31338 (file:devnet), wallet \(wallet): refusing to open it (its journal and limits are that wallet's on that chain). Use --db with another file for this chain and wallet.")
        }
        let otherWallet = DatabaseIdentity(network: "file:devnet", chainID: "31337", wallet: "0x0000000000000000000000000000000000000001")
        XCTAssertThrowsError(try store.claim(otherWallet, path: "/x.sqlite", at: now))
        XCTAssertEqual(try store.identity(), devnet, "a refused claim changes nothing")

        // A fork described in a file (chain 8453, the same key) never opens the mainnet database.
        let mainnet = try AppDatabase.inMemory()
        try mainnet.claim(DatabaseIdentity(network: "base", chainID: "8453", wallet: wallet), path: "/base.sqlite", at: now)
        XCTAssertThrowsError(try mainnet.claim(DatabaseIdentity(network: "file:base", chainID: "8453", wallet: wallet), path: "/base.sqlite", at: now))
    }

    /// Going live from a shadow run is explicit: neither database is ever opened in the other mode.
    func testAShadowDatabaseIsNeverOpenedLiveNorALiveOneInShadow() throws {
        let shadow = try AppDatabase.inMemory()
        let watched = DatabaseIdentity(network: "shadow:base", chainID: "8453", wallet: wallet)
        XCTAssertTrue(watched.isShadow)
        try shadow.claim(watched, path: "/shadow.sqlite", at: now)
        try shadow.claim(DatabaseIdentity(network: "shadow:base", chainID: "8453", wallet: wallet.lowercased()), path: "/shadow.sqlite", at: now)
        XCTAssertThrowsError(try shadow.claim(DatabaseIdentity(network: "base", chainID: "8453", wallet: wallet), path: "/shadow.sqlite", at: now)) { error in
            XCTAssertTrue("\(error)".hasPrefix("database /shadow.sqlite holds a shadow run (watch-only) of wallet \(wallet) on chain 8453 (shadow:base): a live engine never opens it"), "\(error)")
            XCTAssertTrue("\(error)".contains("Going live is a new start"), "\(error)")
        }
        let live = try AppDatabase.inMemory()
        try live.claim(DatabaseIdentity(network: "base", chainID: "8453", wallet: wallet), path: "/base.sqlite", at: now)
        XCTAssertThrowsError(try live.claim(watched, path: "/base.sqlite", at: now)) { error in
            XCTAssertTrue("\(error)".contains("a shadow run (--watch) keeps its own database"), "\(error)")
        }
        // Shadow runs of network files match across renames, as live ones do.
        let file = try AppDatabase.inMemory()
        try file.claim(DatabaseIdentity(network: "shadow:file:devnet", chainID: "31337", wallet: wallet), path: "/f.sqlite", at: now)
        try file.claim(DatabaseIdentity(network: "shadow:file:renamed", chainID: "31337", wallet: wallet), path: "/f.sqlite", at: now)
        XCTAssertThrowsError(try file.claim(DatabaseIdentity(network: "file:devnet", chainID: "31337", wallet: wallet), path: "/f.sqlite", at: now))
    }

    func testAPinnedAddressThatChangesIsRefusedUntilTheOperatorAcceptsIt() throws {
        let store = try AppDatabase.inMemory()
        let pool = "0x1111111111111111111111111111111111111111", liar = "0x2222222222222222222222222222222222222222"
        XCTAssertEqual(try store.pin([("aave-v3.pool", pool), ("usdc", "0x3333333333333333333333333333333333333333")], accepting: [], at: now), [])
        XCTAssertEqual(try store.pinnedAddresses()["aave-v3.pool"], pool)
        XCTAssertEqual(try store.pin([("aave-v3.pool", pool.uppercased().replacingOccurrences(of: "0X", with: "0x"))], accepting: [], at: now), [],
                       "the same address in another case is no change")
        XCTAssertThrowsError(try store.pin([("aave-v3.pool", liar)], accepting: [], at: now)) { error in
            XCTAssertTrue("\(error)".contains("aave-v3.pool is \(liar) according to the node, but this database pinned \(pool)"), "\(error)")
            XCTAssertTrue("\(error)".contains("--accept-address \(liar)"), "\(error)")
        }
        XCTAssertEqual(try store.pinnedAddresses()["aave-v3.pool"], pool, "refused: the pin stays")
        XCTAssertEqual(try store.pin([("aave-v3.pool", liar)], accepting: [liar.lowercased()], at: now), ["aave-v3.pool"])
        XCTAssertEqual(try store.pinnedAddresses()["aave-v3.pool"], liar)
    }

    func testAMigratedDatabaseKeepsItsExecutionsAndAcceptsAbandoned() throws {
        let store = try AppDatabase.inMemory()
        let rec = RebalanceRecommendation(id: UUID(), from: nil, to: .moonwell, token: .usdc, amount: TokenAmount(baseUnits: 5, decimals: 6),
                                          currentAPY: 0, expectedAPY: 5, reason: "t", confidence: 1)
        var summary = ExecutionSummary(id: UUID(), recommendation: rec, status: .running, startedAt: now)
        try store.commit([.executionStarted(summary, steps: ExecutionStep.plan(for: rec))], events: [])
        summary.status = .abandoned
        summary.finishedAt = now
        try store.commit([.executionFinished(summary)], events: [])
        XCTAssertEqual(try store.execution(id: summary.id)?.status, .abandoned)
        XCTAssertEqual(try store.steps(executionID: summary.id).count, 5)
    }
}
