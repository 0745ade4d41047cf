import Chain
import EVM
import Foundation
import MammonCore
import Store
import XCTest

/// The built binary on the devnet behind fault_proxy.py, which lies about what gas costs: ETH at
/// $100.01 (inside ETH_USD_MIN…MAX, so every gas figure looks 25 times cheaper in USD), a 99 gwei tip
/// over Base-like base fees (0.01 gwei) and an absurd block time. The chain, read directly from the
/// devnet, shows what was really signed and spent.
final class LiveGasLimitBinaryTests: DevnetTestCase {
    private static let proxies = SharedProxy()
    private var proxy: LyingProxy!
    private var cleanup: [() -> Void] = []

    override func setUp() async throws {
        try await super.setUp()
        proxy = try await Self.proxies.proxy(upstream: devnet.info.rpcURL)
        try await proxy.reset()
        // Base-like fees: a 0.01 gwei base fee on every block from the next one.
        try await devnet.admin("devnet_setBaseFee", ["10000000"])
        try await devnet.admin("evm_mine")
    }

    override func tearDown() async throws {
        for c in cleanup { c() }
        cleanup = []
        try await devnet.admin("devnet_setBaseFee", [nil])
        try await super.tearDown()
    }

    override class func tearDown() {
        proxies.stop()
        super.tearDown()
    }

    private func files(sequencer: Bool = false) throws -> LiveRunFiles {
        let f = try LiveRunFiles.make(network: devnet.networkFile(rpcURLs: [proxy.url], sequencer: sequencer))
        cleanup.append { f.remove() }
        return f
    }

    private func arguments(_ f: LiveRunFiles) -> [String] {
        ["--no-ui", "--once", "--network-file", f.networkFile, "--keystore", f.keystore, "--password-file", f.password, "--db", f.database,
         "--min-profit-usd", "1"]
    }

    private func nonce() async throws -> UInt64 {
        try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "latest"])
    }

    /// A complete, fresh ETH/USD round of `usd` (8 decimals) as `latestRoundData` return data.
    private func round(usd: UInt64) async throws -> String {
        let now = UInt256(UInt64(try await devnet.chainTime().timeIntervalSince1970))
        return EVM.Hex.data(ABI.encode([.uint(900), .uint(UInt256(usd)), .uint(now), .uint(now), .uint(900)]))
    }

    private func lieAboutGas() async throws {
        try await proxy.lie(["mode": "call", "selector": "0xfeaf968c", "result": .string(try await round(usd: 10_001_000_000))])
        try await proxy.lie(["mode": "fees", "tip": .string("0x" + String(99_000_000_000, radix: 16))])
    }

    func testAnEthPriceFarBelowTheLastAcceptedRoundBlocksSigningEvenAfterARestart() async throws {
        let binary = try MammonBinary.require()
        let f = try files()
        // An honest first run accepts ETH at $2 500 and keeps it; manual approval signs nothing.
        let first = try await binary.run(arguments(f) + ["--approval-mode", "manual"])
        XCTAssertEqual(first.status, 0, first.stderr.suffix(2000) + "")
        let before = try await nonce()

        try await lieAboutGas()
        let lied = try await binary.run(arguments(f))
        XCTAssertEqual(lied.status, 1, "the cycle fails, the process does not crash: \(lied.stderr.suffix(2000))")
        XCTAssertTrue(lied.stdout.contains("answered 100.01 USD, more than 10 % from the last accepted 2500 USD"), lied.stdout.suffix(3000) + "")
        let after = try await nonce()
        XCTAssertEqual(after, before, "nothing was signed at a 99 gwei tip")
    }

    func testWithoutAnEarlierRoundTheDailyLimitInEthHoldsWhateverTheNodeSaysEthCosts() async throws {
        let binary = try MammonBinary.require()
        let f = try files()
        let before = try await nonce()
        let balance = try await devnet.ethBalance()
        try await lieAboutGas()
        // $100.01 makes the move's worst case look like well under the $50 USD limit; 0.002 ETH is ~$5.
        let lied = try await binary.run(arguments(f), environment: ["MAX_GAS_PER_DAY_ETH": "0.002"])
        XCTAssertEqual(lied.status, 0, lied.stderr.suffix(2000) + "")
        let limit = lied.events.first { $0["type"]?.stringValue == "limit.reached" }
        XCTAssertEqual(limit?["limit"]?.stringValue, "max_gas_per_day_eth", lied.stdout.suffix(3000) + "")
        var after = try await nonce()
        XCTAssertEqual(after, before, "nothing was signed")

        // The same limit lets an honest node's move through: it is not a limit that refuses everything.
        // (A new database: the one above accepted $100.01 and now refuses $2 500 as a jump.)
        try await proxy.clearLies()
        let honest = try await binary.run(arguments(try files()), environment: ["MAX_GAS_PER_DAY_ETH": "0.002"])
        XCTAssertEqual(honest.status, 0, honest.stderr.suffix(2000) + "")
        after = try await nonce()
        XCTAssertGreaterThan(after, before, "the move was made")
        let spent = balance - (try await devnet.ethBalance())
        XCTAssertLessThanOrEqual(spent, UInt256(2_000_000_000_000_000), "the day's gas stayed under 0.002 ETH")
    }

    func testReceiptsThatUnderstateTheFeeDoNotStretchTheDailyLimitInEth() async throws {
        let binary = try MammonBinary.require()
        let f = try files()
        // Every receipt says the gas was free: the day's spend counts what was signed instead.
        try await proxy.lie(["mode": "receipt", "effectiveGasPrice": "0x0"])
        let first = try await binary.run(arguments(f))
        XCTAssertEqual(first.status, 0, first.stderr.suffix(2000) + "")
        let finished = try XCTUnwrap(first.events.first { $0["type"]?.stringValue == "execution.finished" }, first.stdout.suffix(3000) + "")
        XCTAssertEqual(finished["execution"]?["status"]?.stringValue, "succeeded", finished.serialized)
        let target = try XCTUnwrap(finished["execution"]?["recommendation"]?["to"]?.stringValue)
        let caps: [String: UInt128] = ["aave-v3": 500_000, "moonwell": 600_000, "morpho-vault": 1_500_000]
        // The same move again (approve + deposit at 2 × 0.01 gwei + the devnet's 0.001 gwei tip) fits a
        // limit of its worst case + 0.000001 ETH only while nothing counts as spent today.
        let worst = (100_000 + (try XCTUnwrap(caps[target]))) * 21_000_000
        let limit = (Decimal(string: String(worst + 1_000_000_000_000))! / Decimal(string: "1000000000000000000")!).description
        let before = try await nonce()
        let second = try await binary.run(arguments(f), environment: ["MAX_GAS_PER_DAY_ETH": limit])
        XCTAssertEqual(second.status, 0, second.stderr.suffix(2000) + "")
        let reached = second.events.first { $0["type"]?.stringValue == "limit.reached" }
        XCTAssertEqual(reached?["limit"]?.stringValue, "max_gas_per_day_eth", second.stdout.suffix(3000) + "")
        let after = try await nonce()
        XCTAssertEqual(after, before, "nothing more was signed")
    }

    func testAnAbsurdBlockTimeFailsTheCycleWithoutACrashAndNothingIsSigned() async throws {
        let binary = try MammonBinary.require()
        let f = try files()
        let before = try await nonce()
        for time in ["0xffffffffffffffff", "0x" + String(UInt64(Date().timeIntervalSince1970) + 86_400, radix: 16)] {
            try await proxy.lie(["mode": "block", "timestamp": .string(time)])
            let run = try await binary.run(arguments(f))
            XCTAssertEqual(run.status, 1, "a failed cycle, not a trap: \(run.stderr.suffix(2000))")
            XCTAssertTrue(run.stdout.contains("eth_getBlockByNumber timestamp answered \(try UInt256(hex: time).decimalString)"),
                          run.stdout.suffix(3000) + "")
        }
        let after = try await nonce()
        XCTAssertEqual(after, before)
        let vault = LiveChain.sharePriceStoreKey(vault: try Address(hex: devnet.info.vault))
        XCTAssertNil(try AppDatabase.openReadOnly(path: f.database).vaultSharePrices()[vault], "no share price at a lying time")

        try await proxy.clearLies()
        let honest = try await binary.run(arguments(f) + ["--approval-mode", "manual"])
        XCTAssertEqual(honest.status, 0, "the same database runs once the node tells the truth: \(honest.stderr.suffix(2000))")
    }

    func testNothingIsSignedWhileTheSequencerIsDownOrInItsGracePeriod() async throws {
        let binary = try MammonBinary.require()
        let f = try files(sequencer: true)
        let before = try await nonce()
        try await devnet.admin("devnet_setSequencerStatus", [.integer(1), .integer(0)])
        let down = try await binary.run(arguments(f))
        XCTAssertEqual(down.status, 1, down.stderr.suffix(2000) + "")
        XCTAssertTrue(down.stdout.contains("reports the sequencer down since"), down.stdout.suffix(3000) + "")
        try await devnet.admin("devnet_setSequencerStatus", [.integer(0), .integer(0)])
        let back = try await binary.run(arguments(f))
        XCTAssertEqual(back.status, 1, back.stderr.suffix(2000) + "")
        XCTAssertTrue(back.stdout.contains("less than SEQUENCER_GRACE_SECONDS 3600 s ago"), back.stdout.suffix(3000) + "")
        let after = try await nonce()
        XCTAssertEqual(after, before, "nothing was signed")

        let graceOver = try await binary.run(arguments(f), environment: ["SEQUENCER_GRACE_SECONDS": "0"])
        XCTAssertEqual(graceOver.status, 0, graceOver.stderr.suffix(2000) + "")
        let moved = try await nonce()
        XCTAssertGreaterThan(moved, before, "once the grace period is over the engine acts")
    }
}
