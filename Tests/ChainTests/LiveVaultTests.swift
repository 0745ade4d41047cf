import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// Moves into and out of the ERC-4626 vault, and a new position from idle USDC, on the devnet.
final class LiveVaultTests: DevnetTestCase {
    static let all = UInt256(100_000_000_000)
    static let dust = UInt256(2)

    func engine(_ chain: LiveChain) throws -> Engine {
        var config = MammonConfig.movesAtOnce
        config.maxTransactionValueUSD = 1_000_000
        return try Engine(config: config, chain: chain, store: try AppDatabase.inMemory(), clock: SystemClock(), approvalMode: .auto)
    }

    func testNewPositionFromIdleUSDCGoesToTheBestMarket() async throws {
        let chain = try await devnet.chain()
        let start = try await devnet.blockNumber()
        let engine = try engine(chain)
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertTrue(ok)
        // Moonwell (4 %) beats Aave (3 %); the vault's APY is not measured yet (0).
        let inMoonwell = try await devnet.mTokenUnderlying()
        XCTAssertGreaterThanOrEqual(inMoonwell, Self.all - Self.dust)
        let idle = try await devnet.usdcBalance()
        XCTAssertLessThanOrEqual(idle, Self.dust)
        let sent = try await devnet.walletTransactions(after: start)
        XCTAssertEqual(sent.map { $0.tx["to"]?.stringValue?.lowercased() }, [devnet.info.usdc, devnet.info.mToken].map { $0.lowercased() })
        // approve is for the exact amount, never unlimited.
        let allowanceWord = sent[0].tx["input"]?.stringValue?.suffix(64) ?? ""
        XCTAssertEqual(try UInt256(hex: "0x" + allowanceWord), Self.all)
    }

    func testMovesIntoTheVaultWhenItsSharePriceGrowsFasterAndOutWhenItFallsBehind() async throws {
        let chain = try await devnet.chain(options: LiveChainOptions(receiptPollSeconds: 0.05, vaultAPYWindowSeconds: 60))
        // The whole wallet in Aave, and a first share-price observation.
        try await devnet.send(chain, .approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(100_000)))
        try await devnet.send(chain, .deposit(.aaveV3, .usdc, LiveDevnet.usdc(100_000)))
        let first = try await chain.scanMarkets(token: .usdc)
        XCTAssertEqual(first.first { $0.quote.marketID == .morphoVault }?.quote.apy, 0)

        // Ten minutes later the vault has earned 5 USDC on ~1 M: about 30 % a year.
        try await devnet.admin("devnet_vaultAccrue", ["5000000"])
        let head = try await devnet.rpc.request("eth_getBlockByNumber", ["latest", false])
        let now = try EVM.Hex.parseQuantity(head["timestamp"]?.stringValue ?? "")
        try await devnet.admin("evm_mine", [.integer(Int(now) + 600)])

        let engine = try engine(chain)
        await engine.open()
        let intoVault = await engine.runOnce()
        XCTAssertTrue(intoVault)
        let inVault = try await devnet.vaultAssets()
        XCTAssertGreaterThanOrEqual(inVault, Self.all - Self.dust)
        let inAave = try await devnet.aTokenBalance()
        XCTAssertLessThanOrEqual(inAave, Self.dust)
        let vaultAPY = try await chain.scanMarkets(token: .usdc).first { $0.quote.marketID == .morphoVault }?.quote.apy ?? 0
        XCTAssertGreaterThan(vaultAPY, 20)

        // Moonwell jumps well above the vault (about 40 % APY: under MAX_APY_PCT, above which a rate is
        // suspect and never a target): the engine redeems every share and mints.
        try await devnet.admin("devnet_setMoonwellRate", ["10700000000"])
        let start = try await devnet.blockNumber()
        let outOfVault = await engine.runOnce()
        XCTAssertTrue(outOfVault)
        let shares = try await devnet.uint(devnet.info.vault, "balanceOf(address)", [.address(devnet.wallet)])
        XCTAssertEqual(shares, .zero, "a full exit redeems every share")
        let inMoonwell = try await devnet.mTokenUnderlying()
        XCTAssertGreaterThanOrEqual(inMoonwell, inVault - Self.dust)
        let idle = try await devnet.usdcBalance()
        XCTAssertLessThanOrEqual(idle, Self.dust)
        let sent = try await devnet.walletTransactions(after: start)
        XCTAssertEqual(sent.count, 3)
        XCTAssertEqual(sent.first?.tx["input"]?.stringValue?.prefix(10), "0xba087652", "redeem(uint256,address,address)")
        XCTAssertTrue(sent.allSatisfy { $0.receipt["status"]?.stringValue == "0x1" })
    }

    func testShareObservationsSurviveARestartThroughTheStore() async throws {
        let store = KeptSharePrices()
        let options = LiveChainOptions(receiptPollSeconds: 0.05, vaultAPYWindowSeconds: 60, sharePriceStore: store)
        let before = try await devnet.chain(options: options)
        let first = try await before.scanMarkets(token: .usdc)
        XCTAssertEqual(first.first { $0.quote.marketID == .morphoVault }?.quote.apy, 0)

        try await devnet.admin("devnet_vaultAccrue", ["5000000"])
        let head = try await devnet.rpc.request("eth_getBlockByNumber", ["latest", false])
        try await devnet.admin("evm_mine", [.integer(Int(try EVM.Hex.parseQuantity(head["timestamp"]?.stringValue ?? "")) + 600)])

        // A new process: its first scan already has the earlier price to measure from.
        store.keep(before.takeEffects())  // what the engine's commit writes
        let after = try await devnet.chain(options: options)
        let second = try await after.scanMarkets(token: .usdc)
        let apy = second.first { $0.quote.marketID == .morphoVault }?.quote.apy ?? 0
        XCTAssertGreaterThan(apy, 20)
        store.keep(after.takeEffects())
        let stored = try store.load()
        XCTAssertEqual(stored[LiveChain.sharePriceStoreKey(vault: try Address(hex: devnet.info.vault))]?.count, 2)
    }
}

/// What a store kept between two LiveChain instances: the share-price effects the first one handed
/// over (the database-backed one is the binary's, tested through `mammon` in LiveBinaryTests).
private final class KeptSharePrices: SharePriceStore, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String: [SharePriceObservation]] = [:]
    func load() throws -> [String: [SharePriceObservation]] { lock.withLock { kept } }
    func keep(_ effects: [ChainEffect]) {
        lock.withLock {
            for case .vaultSharePrices(let vault, let prices) in effects {
                kept[vault] = prices.map { SharePriceObservation(timestamp: $0.blockTime, price: try! UInt256(decimal: $0.assetsPerShare)) }
            }
        }
    }
}
