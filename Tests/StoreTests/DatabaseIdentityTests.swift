import Foundation
import GRDB
import MammonCore
@_spi(EngineWriter) @testable import Store
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

    func testNetworkFilesOfOneChainIDWithOtherContractsKeepTheirOwnDatabases() throws {
        let usdc = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", pool = "0xA238Dd80C259a72e81d7e4664a9801593F98d1c5"
        let vault = "0xc1256Ae5FF1cf2719D4937adb3bbCCab2E00A2Ca", other = "0x00000000000000000000000000000000000000aa"
        func identity(_ network: String, usdc: String, markets: [String]) -> DatabaseIdentity {
            DatabaseIdentity(network: network, chainID: "8453", wallet: wallet, contracts: ContractFingerprint(usdc: usdc, markets: markets))
        }
        let store = try AppDatabase.inMemory()
        try store.claim(identity("file:base", usdc: usdc, markets: [pool, vault]), path: "/b.sqlite", at: now)
        XCTAssertEqual(try store.identity()?.contracts?.text, "usdc=\(usdc.lowercased());markets=\([pool, vault].map { $0.lowercased() }.sorted().joined(separator: ","))")
        // The operator adds a market, or renames the file: the same deployment.
        try store.claim(identity("file:mine", usdc: usdc, markets: [pool, vault, other]), path: "/b.sqlite", at: now)
        // A fork claiming chain 8453 with its own USDC, or with none of the markets: refused.
        XCTAssertThrowsError(try store.claim(identity("file:fork", usdc: other, markets: [pool, vault]), path: "/b.sqlite", at: now)) { error in
            XCTAssertEqual("\(error)", "database /b.sqlite belongs to chain 8453 (file:base), wallet \(wallet) with USDC \(usdc.lowercased()), markets \([pool, vault].map { $0.lowercased() }.sorted().joined(separator: ", ")), not to a network of the same chain id with USDC \(other), markets \([pool, vault].map { $0.lowercased() }.sorted().joined(separator: ", ")): refusing to open it (another deployment on chain 8453, a fork or another network file; its journal and limits are not this one's). Use --db with another file for this network.")
        }
        XCTAssertThrowsError(try store.claim(identity("file:fork", usdc: usdc, markets: [other]), path: "/b.sqlite", at: now))
    }

    func testAnOldDatabaseRecordsItsContractsAtItsNextOpenAndAnotherIsRefusedBeforeAnyMigration() throws {
        let dir = NSTemporaryDirectory() + "mammon-identity-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/old.sqlite"
        let contracts = ContractFingerprint(usdc: "0x00000000000000000000000000000000000000c1", markets: ["0x00000000000000000000000000000000000000d1"])
        // A database of the schema before contracts were recorded, claimed by its wallet.
        do {
            let old = try AppDatabase.open(path: path)
            try old.claim(DatabaseIdentity(network: "file:devnet", chainID: "31337", wallet: wallet), path: path, at: now)
            try old.writer.writeWithoutTransaction { db in
                try db.execute(sql: "ALTER TABLE database_identity DROP COLUMN contracts")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v22:%'")
            }
        }
        func migrations() throws -> [String] {
            try AppDatabase.openReadOnly(path: path).writer.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        }
        XCTAssertFalse(try migrations().contains { $0.hasPrefix("v22:") })
        // Another wallet's engine: refused, and the file is left as it was (no migration ran).
        let stranger = DatabaseIdentity(network: "file:devnet", chainID: "31337", wallet: "0x0000000000000000000000000000000000000001", contracts: contracts)
        XCTAssertThrowsError(try AppDatabase.open(path: path, expecting: stranger)) { error in
            XCTAssertTrue("\(error)".hasPrefix("database \(path) belongs to chain 31337 (file:devnet), wallet \(wallet), not to"), "\(error)")
        }
        XCTAssertFalse(try migrations().contains { $0.hasPrefix("v22:") }, "a refused database is not migrated")
        // Its own engine: it opens, and the contracts are recorded on this first open after the upgrade.
        let mine = DatabaseIdentity(network: "file:devnet", chainID: "31337", wallet: wallet, contracts: contracts)
        let store = try AppDatabase.open(path: path, expecting: mine)
        try store.claim(mine, path: path, at: now)
        XCTAssertEqual(try store.identity()?.contracts, contracts)
        let fork = DatabaseIdentity(network: "file:fork", chainID: "31337", wallet: wallet,
                                    contracts: ContractFingerprint(usdc: "0x00000000000000000000000000000000000000c2", markets: contracts.markets))
        XCTAssertThrowsError(try AppDatabase.open(path: path, expecting: fork))
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
