import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// The engine, in-process, against a node that lies (Tests/Devnet/fault_proxy.py rewriting the
/// devnet's answers): about the Aave Pool's address, a receipt, fees, an exchange rate, the gas a
/// step needs, the ETH price, its chain. Each time the engine refuses with words an operator can act
/// on, and the chain, read directly from the devnet and not through the liar, shows nothing lost
/// and nothing sent that should not have been.
final class HostileNodeTests: DevnetTestCase {
    private static let proxies = SharedProxy()
    private var proxy: LyingProxy!

    override func setUp() async throws {
        try await super.setUp()
        proxy = try await Self.proxies.proxy(upstream: devnet.info.rpcURL)
        try await proxy.reset()
    }

    override class func tearDown() {
        proxies.stop()
        super.tearDown()
    }

    // MARK: - Addresses

    func testAPoolAddressThatIsNotThePinnedOneIsRefusedBeforeAnythingIsSigned() async throws {
        let rogue = try await devnet.admin("devnet_deployRoguePool")
        let roguePool = try Address(hex: rogue["pool"]?.stringValue ?? "")
        let rogueAToken = try Address(hex: rogue["a_token"]?.stringValue ?? "")
        try await proxy.lie(["mode": "call", "selector": "0x026b1d5f", "result": .string(Hex.data(ABI.encode([.address(roguePool)])))])
        let before = try await chainState()

        let error = await liveError { try await LiveChain.connect(network: try self.pinnedNetwork(rpcURL: self.proxy.url), signer: try LiveDevnet.signer()) }
        let pool = try Address(hex: devnet.info.pool).checksummed
        let provider = try Address(hex: devnet.info.aavePoolAddressesProvider).checksummed
        XCTAssertEqual(error, "refusing to sign: aave-v3.pool is pinned to \(pool) but Aave PoolAddressesProvider \(provider) getPool() through the node reports \(roguePool.checksummed); an endpoint that answers with another contract would receive the funds — check the RPC URL (nothing was sent)")

        // A network file is not pinned: the same lie connects, and what it resolved is what the
        // engine records on first start and compares on the next (the rogue Pool and its aToken).
        var unpinned = try pinnedNetwork(rpcURL: proxy.url)
        unpinned.pins = nil
        let fooled = try await LiveChain.connect(network: unpinned, signer: try LiveDevnet.signer())
        XCTAssertEqual(fooled.resolvedAddresses.map(\.role),
                       ["usdc", "eth-usd-feed", "aave-v3.pool", "aave-v3.atoken", "moonwell.mtoken", "morpho-vault.vault"])
        XCTAssertEqual(fooled.resolvedAddresses.first { $0.role == "aave-v3.pool" }?.address, roguePool)
        XCTAssertEqual(fooled.resolvedAddresses.first { $0.role == "aave-v3.atoken" }?.address, rogueAToken)

        // Nothing reached the rogue contracts; the wallet sent nothing.
        let allowance = try await devnet.uint(devnet.info.usdc, "allowance(address,address)", [.address(devnet.wallet), .address(roguePool)])
        XCTAssertEqual(allowance, .zero)
        for holder in [roguePool, rogueAToken] {
            let held = try await devnet.uint(devnet.info.usdc, "balanceOf(address)", [.address(holder)])
            XCTAssertEqual(held, .zero)
        }
        let after = try await chainState()
        XCTAssertEqual(after, before)
    }

    func testADerivedAddressThatIsNotThePinnedOneIsRefused() async throws {
        // The node tells the truth, but the pinned aToken is another: whatever reports a derived
        // address, it must be the compiled-in one.
        var network = try pinnedNetwork(rpcURL: devnet.info.rpcURL)
        let other = try Address(hex: "0x00000000000000000000000000000000000000a7")
        network.pins?.markets[.aaveAToken] = other
        let error = await liveError { try await LiveChain.connect(network: network, signer: try LiveDevnet.signer()) }
        let aToken = try Address(hex: devnet.info.aToken).checksummed
        XCTAssertTrue(error?.hasPrefix("refusing to sign: aave-v3.atoken is pinned to \(other.checksummed) but Aave Pool \(try Address(hex: devnet.info.pool).checksummed) getReserveData(USDC) reports \(aToken)") ?? false,
                      error ?? "connected")
        // With the right pins the devnet connects, and reports the pinned addresses.
        let chain = try await LiveChain.connect(network: try pinnedNetwork(rpcURL: devnet.info.rpcURL), signer: try LiveDevnet.signer())
        XCTAssertEqual(chain.resolvedAddresses.first { $0.role == "aave-v3.atoken" }?.address.checksummed, aToken)
    }

    // MARK: - Numbers

    func testAnAbsurdReceiptFailsTheStepWithATypedErrorAndNothingElseIsSent() async throws {
        let chain = try await devnet.chain(rpcURLs: [proxy.url])
        try await proxy.lie(["mode": "receipt", "effectiveGasPrice": "0x80000000000000000000000000000000"])  // 2^127
        let before = try await chainState()
        let start = try await devnet.blockNumber()
        let store = try AppDatabase.inMemory()
        let engine = try engine(chain, store: store)
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertFalse(ok)
        let execution = try XCTUnwrap(try store.executions(limit: 1).first)
        XCTAssertEqual(execution.status, .failed)
        XCTAssertEqual(execution.failedStep, .approve)
        XCTAssertTrue(execution.error?.contains("effectiveGasPrice answered 170141183460469231731687303715884105728 wei, outside what the protocol allows (at most 100000000000000 wei)") ?? false,
                      execution.error ?? "")

        // The node lied about the receipt only: the approve is mined, nothing else was sent, no USDC moved.
        let sent = try await devnet.walletTransactions(after: start)
        XCTAssertEqual(sent.map { $0.tx["to"]?.stringValue?.lowercased() }, [devnet.info.usdc.lowercased()])
        var expected = before
        expected.nonce += 1
        let after = try await chainState()
        XCTAssertEqual(after, expected)

        // What recovery asks after a restart (it builds the transaction from the journal, without its
        // gas limit) is answered with a typed error too: it trapped before. Figures a real receipt
        // could hold, but not this transaction's, are refused against its signed bytes.
        let journaled = try XCTUnwrap(try store.attempts(executionID: execution.id, step: .approve).first)
        let tx = PreparedTransaction(hash: journaled.hash, rawTransaction: journaled.rawTransaction, nonce: journaled.nonce, gasLimit: 0,
                                     action: .approve(.usdc, spender: .moonwell, LiveDevnet.usdc(100_000)))
        let recovery = await liveError { try await chain.transactionStatus(tx) }
        XCTAssertTrue(recovery?.contains("effectiveGasPrice answered 170141183460469231731687303715884105728 wei") ?? false, recovery ?? "no error")
        try await proxy.lie(["mode": "receipt", "effectiveGasPrice": "0x9184e72a000"])  // 10 000 gwei: above its signed max fee
        let price = await liveError { try await chain.transactionStatus(tx) }
        XCTAssertTrue(price?.contains("effectiveGasPrice answered 10000000000000 wei, outside what the protocol allows (at most the transaction's signed max fee") ?? false,
                      price ?? "no error")
        try await proxy.lie(["mode": "receipt", "gasUsed": "0x4c4b40"])  // 5 000 000: under a block's gas, over the signed limit
        let gas = await liveError { try await chain.transactionStatus(tx) }
        XCTAssertTrue(gas?.contains("gasUsed answered 5000000, outside what the protocol allows (at most the transaction's gas limit") ?? false, gas ?? "no error")

        // Once the node tells the truth, the mined approve is recognised and the next cycle moves the funds.
        try await proxy.clearLies()
        let status = try await chain.transactionStatus(tx)
        guard case .mined(let receipt) = status else { return XCTFail("\(status)") }
        XCTAssertTrue(receipt.succeeded)
        let next = await engine.runOnce()
        XCTAssertTrue(next)
        let inMoonwell = try await devnet.mTokenUnderlying()
        XCTAssertGreaterThanOrEqual(inMoonwell, before.wallet - UInt256(2))
    }

    func testAbsurdFeesStopTheCycleBeforeAnythingIsSigned() async throws {
        let chain = try await devnet.chain(rpcURLs: [proxy.url])
        let before = try await chainState()
        let store = try AppDatabase.inMemory()
        let engine = try engine(chain, store: store)
        await engine.open()

        // A base fee of 2^127 fits 128 bits: 2 × base fee trapped the process before.
        try await proxy.lie(["mode": "fees", "base_fee": "0x80000000000000000000000000000000", "gas_price": .string(Self.nearMax)])
        var ok = await engine.runOnce()
        XCTAssertFalse(ok)
        var error = try lastCycleError(store)
        XCTAssertTrue(error.contains("eth_feeHistory base fee answered 170141183460469231731687303715884105728 wei, outside what the protocol allows (at most 100000000000000 wei)"), error)

        try await proxy.lie(["mode": "fees", "tip": .string(Self.nearMax)])
        ok = await engine.runOnce()
        XCTAssertFalse(ok)
        error = try lastCycleError(store)
        XCTAssertTrue(error.contains("eth_maxPriorityFeePerGas answered 57896044618658097711785492504343953926634992332820282019728792003956564819968 wei"), error)

        XCTAssertEqual(try store.executions(limit: 5).count, 0, "no move was even started")
        let after = try await chainState()
        XCTAssertEqual(after, before)
    }

    func testAnAbsurdMoonwellExchangeRateStopsTheScanAndMovesNothing() async throws {
        let chain = try await devnet.chain(rpcURLs: [proxy.url])
        let before = try await chainState()
        let rate = UInt256(1) << 200
        for selector in ["0x182df0f5", "0xbd6d894d"] {  // exchangeRateStored, exchangeRateCurrent
            try await proxy.lie(["mode": "call", "selector": .string(selector), "result": .string(Hex.data(ABI.encode([.uint(rate)])))])
        }
        let store = try AppDatabase.inMemory()
        let engine = try engine(chain, store: store)
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertFalse(ok)
        let error = try lastCycleError(store)
        XCTAssertTrue(error.contains("market scan failed: moonwell could not be read: Moonwell exchangeRateStored answered \(rate.decimalString), outside what the protocol allows"), error)
        let stats = try await proxy.stats()
        XCTAssertGreaterThan(stats["lies"]?.intValue ?? 0, 0, "the lie was told")
        let after = try await chainState()
        XCTAssertEqual(after, before)
    }

    func testAnInflatedGasEstimateIsRefusedBeforeSigning() async throws {
        let chain = try await devnet.chain(rpcURLs: [proxy.url])
        try await proxy.lie(["mode": "estimate_gas", "gas": "0x989680"])  // 10 000 000
        let before = try await chainState()
        let store = try AppDatabase.inMemory()
        let engine = try engine(chain, store: store)
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertFalse(ok)
        let execution = try XCTUnwrap(try store.executions(limit: 1).first)
        XCTAssertEqual(execution.failedStep, .approve)
        XCTAssertTrue(execution.error?.contains("not sent: USDC approve(Moonwell): eth_estimateGas says 10000000 gas, so the gas limit would be 12500000, above the cap of 100000 for this step; not signed") ?? false,
                      execution.error ?? "")
        let after = try await chainState()
        XCTAssertEqual(after, before)
    }

    func testAnUnbelievableOrOldEthPriceBlocksSpending() async throws {
        let head = try await devnet.rpc.request("eth_getBlockByNumber", ["latest", false])
        let now = try EVM.Hex.parseQuantity(head["timestamp"]?.stringValue ?? "")
        let before = try await chainState()

        // A fresh round at a million dollars.
        let round = ABI.encode([.uint(99), .uint(UInt256(1_000_000) * UInt256(100_000_000)), .uint(UInt256(now)), .uint(UInt256(now)), .uint(99)])
        try await proxy.lie(["mode": "call", "selector": "0xfeaf968c", "result": .string(Hex.data(round))])
        let chain = try await devnet.chain(rpcURLs: [proxy.url])
        let store = try AppDatabase.inMemory()
        let engine = try engine(chain, store: store)
        await engine.open()
        var ok = await engine.runOnce()
        XCTAssertFalse(ok)
        let error = try lastCycleError(store)
        XCTAssertTrue(error.contains("answered 1000000 USD, outside ETH_USD_MIN 100 to ETH_USD_MAX 100000; spending is blocked"), error)

        // The true round, read by a process whose wall clock is two hours past the node's latest block
        // (a node serving an old block): stale, whatever the block time says.
        try await proxy.clearLies()
        let late = try await devnet.chain(options: LiveChainOptions(receiptPollSeconds: 0.05, wallClock: ShiftedClock(seconds: 7200)),
                                          rpcURLs: [proxy.url])
        let stale = await liveError { try await late.feeQuote() }
        XCTAssertTrue(stale?.contains("is stale") ?? false, stale ?? "no error")
        let lateEngine = try self.engine(late, store: try AppDatabase.inMemory())
        await lateEngine.open()
        ok = await lateEngine.runOnce()
        XCTAssertFalse(ok)

        let after = try await chainState()
        XCTAssertEqual(after, before)
    }

    // MARK: - Endpoints

    func testAnEndpointDownAtStartThatReportsAnotherChainIsNeverUsed() async throws {
        try await proxy.lie(["mode": "chain_id", "chain_id": 999])
        try await proxy.fault("drop")
        let clock = ManualClock()
        let chain = try await devnet.chain(rpcURLs: [proxy.url, devnet.info.rpcURL], clock: clock)
        let markets = try await chain.scanMarkets(token: .usdc)
        XCTAssertEqual(markets.count, 3, "served by the second endpoint while the first is down")

        // The first endpoint comes back, answering for chain 999: asked before it serves anything, set aside for good.
        try await proxy.clearFault()
        clock.advance(by: 31)
        let engine = try engine(chain, store: try AppDatabase.inMemory())
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertTrue(ok, "the honest endpoint carries the cycle")
        let health = await chain.client.rpc.endpointHealth()
        guard case .wrongChain(_, let expected, let reported)? = health[0].refusal else { return XCTFail("\(health[0])") }
        XCTAssertEqual([expected, reported], [31337, 999])
        XCTAssertTrue(health[0].description.contains("refusing the RPC endpoint \(proxy.url): it reports chain 999, not the network's chain 31337"),
                      health[0].description)
        let stats = try await proxy.stats()
        XCTAssertEqual(stats["methods"], ["eth_chainId": 1], "nothing but its chain id was ever asked of it")
        // The move went through the honest endpoint.
        let inMoonwell = try await devnet.mTokenUnderlying()
        XCTAssertGreaterThanOrEqual(inMoonwell, UInt256(100_000_000_000 - 2))
    }

    // MARK: - Markets that cannot pay out

    func testAFullyUtilizedMarketReportsNoLiquidityAndGetsNoDeposit() async throws {
        try await devnet.admin("devnet_setUtilization", ["moonwell", 100])
        try await devnet.admin("devnet_setUtilization", ["aave-v3", 50])
        let chain = try await devnet.chain(rpcURLs: [proxy.url])
        let markets = try await chain.scanMarkets(token: .usdc)
        func market(_ p: MarketID) throws -> MarketSnapshot { try XCTUnwrap(markets.first { $0.quote.marketID == p }) }
        XCTAssertEqual(try market(.moonwell).withdrawableLiquidity, LiveDevnet.usdc(0), "getCash() of a drained market")
        XCTAssertEqual(try market(.aaveV3).withdrawableLiquidity, LiveDevnet.usdc(500_000), "the USDC the aToken still holds")
        XCTAssertEqual(try market(.morphoVault).withdrawableLiquidity, LiveDevnet.usdc(1_000_000), "the vault's idle USDC")
        XCTAssertTrue(try market(.moonwell).apyMeasured)
        XCTAssertFalse(try market(.morphoVault).apyMeasured, "no share-price window yet")
        XCTAssertGreaterThan(try market(.moonwell).quote.apy, try market(.aaveV3).quote.apy, "the drained market pays the most")

        // The engine must not deposit into a market that could not pay the money back. (This needs
        // the optimizer to read `withdrawableLiquidity`.)
        let engine = try engine(chain, store: try AppDatabase.inMemory())
        await engine.open()
        await engine.runOnce()
        let inMoonwell = try await devnet.mTokenUnderlying()
        XCTAssertEqual(inMoonwell, .zero, "a deposit went into a market with nothing to withdraw")
    }

    // MARK: - Support

    /// 2^255: far beyond any fee.
    static let nearMax = "0x8" + String(repeating: "0", count: 63)

    private func engine(_ chain: LiveChain, store: AppDatabase) throws -> Engine {
        var config = MammonConfig.movesAtOnce
        config.maxTransactionValueUSD = 1_000_000
        return try Engine(config: config, chain: chain, store: store, clock: SystemClock(), approvalMode: .auto)
    }

    /// The devnet as a built-in network would be: the Pool read from its PoolAddressesProvider, every
    /// address that receives funds pinned.
    private func pinnedNetwork(rpcURL: String) throws -> NetworkConfig {
        var network = try devnet.network(rpcURLs: [rpcURL])
        let info = devnet.info
        network.markets = [.aaveV3Provider(provider: try Address(hex: info.aavePoolAddressesProvider)),
                           .compoundV2(.moonwell, mToken: try Address(hex: info.mToken)), .erc4626(.morphoVault, vault: try Address(hex: info.vault), name: nil)]
        network.pins = AddressPins(usdc: try Address(hex: info.usdc), usdcDecimals: 6, ethUSDFeed: try Address(hex: info.feed),
                                   markets: [.aavePool: try Address(hex: info.pool), .aaveAToken: try Address(hex: info.aToken),
                                             .market(.moonwell, "mtoken"): try Address(hex: info.mToken),
                                             .market(.morphoVault, "vault"): try Address(hex: info.vault)])
        return network
    }

    /// What the wallet holds where, and how many transactions it sent, read from the devnet directly.
    private struct ChainState: Equatable {
        var wallet, aave, moonwell, vault: UInt256
        var nonce: UInt64
    }

    private func chainState() async throws -> ChainState {
        ChainState(wallet: try await devnet.usdcBalance(), aave: try await devnet.aTokenBalance(), moonwell: try await devnet.mTokenUnderlying(),
                   vault: try await devnet.vaultAssets(),
                   nonce: try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "latest"]))
    }

    /// The error the last cycle finished with.
    private func lastCycleError(_ store: AppDatabase) throws -> String {
        for event in try store.events(after: 0).reversed() {
            if case .scanFinished(_, _, _, _, _, let error) = event.kind { return error ?? "(the cycle succeeded)" }
        }
        return "(no cycle finished)"
    }
}

/// Wall time shifted by `seconds`: a process whose clock runs ahead of the node's blocks.
private struct ShiftedClock: EngineClock {
    let seconds: TimeInterval
    func now() -> Date { Date().addingTimeInterval(seconds) }
    func sleep(until deadline: Date) async throws { try await SystemClock().sleep(until: deadline.addingTimeInterval(-seconds)) }
}

/// fault_proxy.py in front of the class's devnet, and its control calls.
struct LyingProxy {
    let url: String
    let control: JSONRPCClient

    func lie(_ spec: JSONValue) async throws { _ = try await control.request("proxy_setLie", [spec]) }
    func clearLies() async throws { _ = try await control.request("proxy_clearLies") }
    func fault(_ mode: String, count: Int = -1) async throws {
        _ = try await control.request("proxy_setFault", [["mode": .string(mode), "count": .integer(count)]])
    }
    func clearFault() async throws { _ = try await control.request("proxy_clear") }
    func reset() async throws { _ = try await control.request("proxy_reset") }
    func stats() async throws -> JSONValue { try await control.request("proxy_stats") }
}

/// One proxy per test class, started for its first test (after the devnet) and stopped with it.
final class SharedProxy: @unchecked Sendable {
    private let lock = NSLock()
    private var server: PythonServer?
    private var current: LyingProxy?

    func proxy(upstream: String) async throws -> LyingProxy {
        if let current = lock.withLock({ current }) { return current }
        let started = try await PythonServer.start(script: "fault_proxy.py", arguments: ["--watch-stdin", "--upstream", upstream])
        let url = started.readyLine["proxy_url"]?.stringValue ?? ""
        let made = LyingProxy(url: url, control: try JSONRPCClient(urls: [url]))
        lock.withLock {
            server = started
            current = made
        }
        return made
    }

    func stop() {
        lock.withLock {
            server?.stop()
            server = nil
            current = nil
        }
    }
}
