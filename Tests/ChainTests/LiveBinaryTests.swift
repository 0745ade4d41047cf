import Chain
import EVM
import Foundation
import MammonCore
@_spi(EngineWriter) import Store
import XCTest

/// The built binary against a devnet: `mammon --no-ui --once --network-file … --rpc-url …` executes
/// a profitable move with real transactions.
final class LiveBinaryTests: DevnetTestCase {
    private var files: LiveRunFiles?

    override func tearDown() async throws {
        files?.remove()
        try await super.tearDown()
    }


    func testOnceExecutesAProfitableMoveWhoseTransactionsAreOnChain() async throws {
        let binary = try MammonBinary.require()
        // A file that names another URL: --rpc-url replaces it.
        let files = try LiveRunFiles.make(network: devnet.networkFile(rpcURLs: ["http://127.0.0.1:9"]))
        self.files = files
        // 1 000 USDC sits in Aave at 3 %; Moonwell pays 10 %. The rest of the wallet's USDC leaves.
        let chain = try await devnet.chain()
        try await devnet.send(chain, .approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(1_000)))
        try await devnet.send(chain, .deposit(.aaveV3, .usdc, LiveDevnet.usdc(1_000)))
        let rest = try await devnet.usdcBalance()
        let deployer = try Address(hex: devnet.info.deployer)
        let transfer = try ABI.encodeCall("transfer(address,uint256)", [.address(deployer), .uint(rest)])
        try await devnet.sendFromTestWallet(to: devnet.info.usdc, data: transfer)
        try await devnet.admin("devnet_setMoonwellRate", ["3170979198"])

        let result = try await binary.run([
            "--no-ui", "--once", "--network-file", files.networkFile, "--rpc-url", devnet.info.rpcURL,
            "--keystore", files.keystore, "--password-file", files.password, "--db", files.database,
            "--min-profit-usd", "1",
        ])
        XCTAssertEqual(result.status, 0, "stderr: \(result.stderr.suffix(2000))\nstdout: \(result.stdout.suffix(3000))")
        XCTAssertFalse(result.stderr.contains("devnet password"), "the password leaked to stderr")
        XCTAssertFalse(result.stdout.contains("devnet password"), "the password leaked to stdout")

        // The tx hashes the engine reported are mined, and the funds are in Moonwell.
        let hashes = result.events.filter { $0["type"]?.stringValue == "step.finished" }
            .compactMap { $0["record"]?["tx_hash"]?.stringValue }
        XCTAssertEqual(hashes.count, 3, "withdraw, approve, deposit: \(result.stdout.suffix(3000))")
        for hash in hashes {
            let receipt = try await devnet.rpc.request("eth_getTransactionReceipt", [.string(hash)])
            XCTAssertEqual(receipt["status"]?.stringValue, "0x1", "\(hash)")
        }
        let inMoonwell = try await devnet.mTokenUnderlying()
        XCTAssertGreaterThanOrEqual(inMoonwell, UInt256(999_999_998))
        let inAave = try await devnet.aTokenBalance()
        XCTAssertLessThanOrEqual(inAave, UInt256(2))

        // What the verification read is the current position at once, without another scan.
        let status = try await binary.run(["status", "--json", "--db", files.database])
        let positions = (try? JSONValue.parse(status.stdout))?["positions"]?.arrayValue ?? []
        func held(_ market: String) -> UInt128? {
            positions.first { $0["protocol"]?.stringValue == market }?["amount"]?["base_units"]?.stringValue.flatMap { UInt128($0) }
        }
        XCTAssertGreaterThanOrEqual(held("moonwell") ?? 0, 999_999_998, status.stdout)
        XCTAssertLessThanOrEqual(held("aave-v3") ?? .max, 2, status.stdout)
    }

    func testMarketsListsEveryMarketWithAPYTVLAndPositionWithoutThePassword() async throws {
        let binary = try MammonBinary.require()
        let files = try LiveRunFiles.make(network: devnet.networkFile())
        self.files = files
        let chain = try await devnet.chain()
        try await devnet.send(chain, .approve(.usdc, spender: .moonwell, LiveDevnet.usdc(250)))
        try await devnet.send(chain, .deposit(.moonwell, .usdc, LiveDevnet.usdc(250)))
        // No --password-file: the keystore's declared address is enough to read.
        let result = try await binary.run(["markets", "--json", "--network-file", files.networkFile, "--keystore", files.keystore])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try JSONValue.parse(result.stdout).arrayValue ?? []
        XCTAssertEqual(lines.compactMap { $0["protocol"]?.stringValue }, ["aave-v3", "moonwell", "morpho-vault"])
        let moonwell = lines[1]
        XCTAssertEqual(moonwell["position"]?.stringValue, "250.000000")
        XCTAssertEqual(moonwell["apy"].map { Decimal(string: $0.serialized) ?? 0 }.map { $0 > 4 && $0 < 4.1 }, true, moonwell.serialized)
        // 1 000 000 seeded by the deployer + 250.
        XCTAssertEqual(moonwell["tvl_usd"]?.serialized, "1000250")
        XCTAssertEqual(lines[2]["note"]?.stringValue?.hasPrefix("APY not measured yet"), true)
    }

    func testKilledAfterJournalingTheDepositTheNextRunSendsTheJournaledBytes() async throws {
        let binary = try MammonBinary.require()
        let files = try LiveRunFiles.make(network: devnet.networkFile())
        self.files = files
        let chain = try await devnet.chain()
        try await devnet.send(chain, .approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(1_000)))
        try await devnet.send(chain, .deposit(.aaveV3, .usdc, LiveDevnet.usdc(1_000)))
        let rest = try await devnet.usdcBalance()
        try await devnet.sendFromTestWallet(to: devnet.info.usdc, data: try ABI.encodeCall("transfer(address,uint256)", [.address(try Address(hex: devnet.info.deployer)), .uint(rest)]))
        try await devnet.admin("devnet_setMoonwellRate", ["3170979198"])
        let arguments = ["--no-ui", "--once", "--network-file", files.networkFile, "--keystore", files.keystore,
                         "--password-file", files.password, "--db", files.database, "--min-profit-usd", "1"]
        let start = try await devnet.blockNumber()

        // Dies as kill -9 would, with the deposit signed and committed but not sent.
        let killed = try await binary.run(arguments, environment: ["MAMMON_FAILPOINT": "journaled:deposit"])
        XCTAssertNotEqual(killed.status, 0)
        XCTAssertTrue(killed.stderr.contains("failpoint journaled:deposit"), killed.stderr.suffix(1000).description)
        let stranded = try await devnet.usdcBalance()
        XCTAssertEqual(stranded, UInt256(1_000_000_000), "withdrawn, approved, not deposited")

        // The next run resolves the journal from the chain and sends the same bytes.
        let resumed = try await binary.run(arguments)
        XCTAssertEqual(resumed.status, 0, resumed.stderr.suffix(2000).description + resumed.stdout.suffix(2000))
        let inMoonwell = try await devnet.mTokenUnderlying()
        XCTAssertGreaterThanOrEqual(inMoonwell, UInt256(999_999_998))
        let idle = try await devnet.usdcBalance()
        XCTAssertLessThanOrEqual(idle, UInt256(2))
        let sent = try await devnet.walletTransactions(after: start)
        XCTAssertEqual(sent.map { $0.tx["to"]?.stringValue?.lowercased() },
                       [devnet.info.pool, devnet.info.usdc, devnet.info.mToken].map { $0.lowercased() }, "one mint, never two")
    }

    func testBaseMustBeNamedAndANodeOfAnotherChainIsRefused() async throws {
        let binary = try MammonBinary.require()
        // A file describing chain 8453 is real money: refused unless --network base names it.
        var base = devnet.networkFile().objectValue!
        base["chain_id"] = 8453
        base["multicall3"] = nil  // Base's own is compiled in; a file on 8453 naming the devnet's is refused at parse
        let files = try LiveRunFiles.make(network: .object(base))
        self.files = files
        let common = ["--keystore", files.keystore, "--password-file", files.password, "--db", files.database]
        let unnamed = try await binary.run(["--no-ui", "--once", "--network-file", files.networkFile] + common)
        XCTAssertNotEqual(unnamed.status, 0)
        XCTAssertTrue(unnamed.stderr.contains("name it explicitly with --network base"), unnamed.stderr)

        // Named, but the node answers chain 31337: nothing is signed, and no database is created.
        let start = try await devnet.blockNumber()
        let mismatch = try await binary.run(["--no-ui", "--once", "--network", "base", "--rpc-url", devnet.info.rpcURL] + common)
        XCTAssertNotEqual(mismatch.status, 0)
        XCTAssertTrue(mismatch.stderr.contains("refusing to sign: network 'base' is chain 8453 but the node at \(devnet.info.rpcURL) reports chain 31337"),
                      mismatch.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: files.database))
        let head = try await devnet.blockNumber()
        XCTAssertEqual(head, start)
    }

    func testVaultSharePricesLiveInTheDatabaseSoALaterProcessMeasuresTheVault() async throws {
        let binary = try MammonBinary.require()
        let files = try LiveRunFiles.make(network: devnet.networkFile())
        self.files = files
        let run = try await binary.run(["--no-ui", "--once", "--network-file", files.networkFile, "--keystore", files.keystore,
                                        "--password-file", files.password, "--db", files.database])
        XCTAssertEqual(run.status, 0, run.stderr.suffix(2000) + "")
        let vault = LiveChain.sharePriceStoreKey(vault: try Address(hex: devnet.info.vault))
        XCTAssertEqual(try AppDatabase.openReadOnly(path: files.database).vaultSharePrices()[vault]?.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: files.database + ".vault-prices.json"), "no side file any more")

        // An hour later the vault has earned: `markets`, a new read-only process, measures from the stored price.
        // The stored price is dated an hour back (a block an hour ahead of the wall clock is refused as a lie).
        try await devnet.admin("devnet_vaultAccrue", ["5000000"])
        let writable = try AppDatabase.open(path: files.database)
        let stored = try XCTUnwrap(writable.vaultSharePrices()[vault]?.first)
        _ = try writable.commit([.vaultSharePrices(vault: vault, [VaultSharePrice(blockTime: stored.blockTime - 3700,
                                                                                  assetsPerShare: stored.assetsPerShare)])], events: [])
        let markets = try await binary.run(["markets", "--json", "--network-file", files.networkFile, "--keystore", files.keystore,
                                            "--db", files.database])
        XCTAssertEqual(markets.status, 0, markets.stderr)
        let line = try XCTUnwrap(JSONValue.parse(markets.stdout).arrayValue?.first { $0["protocol"]?.stringValue == "morpho-vault" })
        XCTAssertNil(line["note"]?.stringValue, line.serialized)
        XCTAssertGreaterThan(line["apy"].flatMap { Decimal(string: $0.serialized) } ?? 0, 0, line.serialized)
        XCTAssertEqual(try AppDatabase.openReadOnly(path: files.database).vaultSharePrices()[vault]?.count, 1, "markets writes nothing")
    }
}
