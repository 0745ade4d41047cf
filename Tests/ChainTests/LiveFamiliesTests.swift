@testable import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// Every market family end to end on the devnet: the engine moves funds into and out of Aave V3,
/// Moonwell (Compound V2), a Comet (Compound V3) and an ERC-4626 vault the network file names by
/// family alone, with signed transactions whose effects are read back from the chain.
final class LiveFamiliesTests: DevnetTestCase {
    static let dust = UInt256(2)
    /// What the wallet keeps for these moves (the rest goes back to the deployer): a small share of
    /// every market, so the moves are about rates, not size.
    static let kept = UInt256(10_000_000_000)

    func engine(_ chain: LiveChain, markets: [MarketID]) throws -> Engine {
        var config = MammonConfig.movesAtOnce
        config.maxTransactionValueUSD = 1_000_000
        config.supportedProtocols = markets
        return try Engine(config: config, chain: chain, store: try AppDatabase.inMemory(), clock: SystemClock(), approvalMode: .auto)
    }

    /// Sends all but `kept` of the wallet's USDC to the deployer.
    func keepOnly(_ amount: UInt256) async throws {
        let rest = try await devnet.usdcBalance() - amount
        try await devnet.sendFromTestWallet(to: devnet.info.usdc, data: try ABI.encodeCall("transfer(address,uint256)",
                                                                                         [.address(try Address(hex: devnet.info.deployer)), .uint(rest)]))
    }

    /// The 4-byte selectors of the wallet's transactions after `block`, with their targets, and every one succeeded.
    func sentCalls(after block: UInt64) async throws -> [String] {
        let sent = try await devnet.walletTransactions(after: block)
        XCTAssertTrue(sent.allSatisfy { $0.receipt["status"]?.stringValue == "0x1" }, "\(sent.map(\.receipt))")
        return sent.map { "\(($0.tx["input"]?.stringValue ?? "").prefix(10)) → \(($0.tx["to"]?.stringValue ?? "").lowercased())" }
    }

    func call(_ signature: String, to contract: String) -> String { "\(Hex.data(ABI.selector(signature))) → \(contract.lowercased())" }

    /// Chain time moves ten minutes on: a vault's share-price window passes (the ETH/USD round, an hour fresh, stays usable).
    func tenMinutesLater() async throws {
        let now = Int(try await devnet.chainTime().timeIntervalSince1970)
        try await devnet.admin("evm_mine", [.integer(now + 600)])
    }

    func testTheEngineMovesIntoAndOutOfEveryFamily() async throws {
        try await keepOnly(Self.kept)
        let chain = try await devnet.chain(options: LiveChainOptions(receiptPollSeconds: 0.05, vaultAPYWindowSeconds: 60), families: true)
        let engine = try engine(chain, markets: [.aaveV3, .moonwell, .morphoVault, LiveDevnet.comet, LiveDevnet.fluid])
        await engine.open()
        let info = devnet.info
        let usdc = info.usdc

        // 1. Idle → Comet: its supply curve's base pays 10 % (Moonwell 4 %, Aave 3 %, the vaults unmeasured).
        try await devnet.admin("devnet_setCometCurve", ["900000000000000000", "100000000000000000", "40000000000000000", "1000000000000000000"])
        var start = try await devnet.blockNumber()
        var ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let inComet = try await devnet.cometBalance()
        XCTAssertGreaterThanOrEqual(inComet, Self.kept - Self.dust)
        let idle = try await devnet.usdcBalance()
        XCTAssertLessThanOrEqual(idle, Self.dust)
        var calls = try await sentCalls(after: start)
        XCTAssertEqual(calls, [call("approve(address,uint256)", to: usdc), call("supply(address,uint256)", to: info.comet)])

        // 2. Comet → Aave (20 % APR): a full exit withdraws type(uint256).max, which Comet turns into the whole balance.
        try await devnet.admin("devnet_setAaveRate", ["200000000000000000000000000"])
        start = try await devnet.blockNumber()
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let inComet2 = try await devnet.cometBalance()
        XCTAssertEqual(inComet2, .zero, "nothing left in the Comet")
        let inAave = try await devnet.aTokenBalance()
        XCTAssertGreaterThanOrEqual(inAave, Self.kept - Self.dust)
        calls = try await sentCalls(after: start)
        XCTAssertEqual(calls, [call("withdraw(address,uint256)", to: info.comet), call("approve(address,uint256)", to: usdc),
                               call("supply(address,uint256,address,uint16)", to: info.pool)])
        let exit = try await devnet.walletTransactions(after: start)[0].tx["input"]?.stringValue ?? ""
        XCTAssertEqual(exit, Hex.data(try ABI.encodeCall("withdraw(address,uint256)", [.address(try Address(hex: usdc)), .uint(.max)])))

        // 3. Aave → Moonwell (about 40 % APY).
        try await devnet.admin("devnet_setMoonwellRate", ["10700000000"])
        start = try await devnet.blockNumber()
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let inAave2 = try await devnet.aTokenBalance()
        XCTAssertLessThanOrEqual(inAave2, Self.dust)
        let inMoonwellNow = try await devnet.mTokenUnderlying()
        XCTAssertGreaterThanOrEqual(inMoonwellNow, Self.kept - Self.dust)
        calls = try await sentCalls(after: start)
        XCTAssertEqual(calls, [call("withdraw(address,uint256,address)", to: info.pool), call("approve(address,uint256)", to: usdc),
                               call("mint(uint256)", to: info.mToken)])

        // 4. Moonwell → the Fluid-style vault, named only by the network file: its share price grows about
        // 30 % a year (5 USDC on ~1 M in ten minutes) while Moonwell and Aave fall back.
        try await devnet.admin("devnet_setMoonwellRate", ["3170979198"])
        try await devnet.admin("devnet_setAaveRate", ["30000000000000000000000000"])
        try await devnet.admin("devnet_vaultAccrue", ["5000000", "erc4626:devnet-fluid-usdc"])
        try await tenMinutesLater()
        start = try await devnet.blockNumber()
        let inMoonwell = try await devnet.mTokenUnderlying()
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let mTokens = try await devnet.uint(info.mToken, "balanceOf(address)", [.address(devnet.wallet)])
        XCTAssertEqual(mTokens, .zero, "every mToken redeemed")
        let inVault = try await devnet.fluidAssets()
        XCTAssertGreaterThanOrEqual(inVault, inMoonwell - Self.dust)
        calls = try await sentCalls(after: start)
        XCTAssertEqual(calls, [call("redeem(uint256)", to: info.mToken), call("approve(address,uint256)", to: usdc),
                               call("deposit(uint256,address)", to: info.fluidVault)])
        let snapshots = try await chain.scanMarkets(token: .usdc)
        let fluid = try XCTUnwrap(snapshots.first { $0.quote.marketID == LiveDevnet.fluid })
        XCTAssertEqual(try UInt256(decimal: String(fluid.position.baseUnits)), inVault, "the position read in one round is the vault's own conversion")
        XCTAssertEqual(fluid.rateModel, .dilution)

        // 5. The vault → Comet, whose base now pays 35 %: every share redeemed, supplied to the Comet.
        try await devnet.admin("devnet_setCometCurve", ["900000000000000000", "350000000000000000", "40000000000000000", "1000000000000000000"])
        start = try await devnet.blockNumber()
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let shares = try await devnet.uint(info.fluidVault, "balanceOf(address)", [.address(devnet.wallet)])
        XCTAssertEqual(shares, .zero, "every share redeemed")
        let inComet3 = try await devnet.cometBalance()
        XCTAssertGreaterThanOrEqual(inComet3, inVault - Self.dust)
        calls = try await sentCalls(after: start)
        XCTAssertEqual(calls, [call("redeem(uint256,address,address)", to: info.fluidVault), call("approve(address,uint256)", to: usdc),
                               call("supply(address,uint256)", to: info.comet)])
        let idle2 = try await devnet.usdcBalance()
        XCTAssertLessThanOrEqual(idle2, Self.dust)
    }

    func testAnERC4626MarketInTheNetworkFileAloneTakesAMoveAndGivesItBack() async throws {
        try await keepOnly(Self.kept)
        // A file an operator writes: Aave in the first format, and a vault no code names, by family.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("families-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file: JSONValue = [
            "name": "devnet-file", "chain_id": .integer(Int(devnet.info.chainID)), "rpc_urls": [.string(devnet.info.rpcURL)],
            "usdc": .string(devnet.info.usdc), "eth_usd_feed": .string(devnet.info.feed),
            "markets": [["protocol": "aave-v3", "pool": .string(devnet.info.pool)],
                        ["family": "erc4626", "address": .string(devnet.info.fluidVault), "name": "Operator Vault"]],
        ]
        try Data(file.serialized.utf8).write(to: URL(fileURLWithPath: path))
        let network = try NetworkRegistry.load(file: path)
        let vault = try XCTUnwrap(MarketID(rawValue: "erc4626:operator-vault"))
        XCTAssertEqual(network.markets.map(\.marketID), [.aaveV3, vault])
        let chain = try await LiveChain.connect(network: network, signer: try LiveDevnet.signer(),
                                                options: LiveChainOptions(receiptPollSeconds: 0.05, vaultAPYWindowSeconds: 60))
        XCTAssertEqual(chain.resolvedAddresses.first { $0.role == "\(vault.rawValue).vault" }?.address, try Address(hex: devnet.info.fluidVault))
        let store = try AppDatabase.inMemory()
        var config = MammonConfig.movesAtOnce
        config.maxTransactionValueUSD = 1_000_000
        config.supportedProtocols = [.aaveV3, vault]
        let engine = try Engine(config: config, chain: chain, store: store, clock: SystemClock(), approvalMode: .auto)
        await engine.open()

        // The first cycle sees the vault's first share price: unmeasured, never a target; idle goes to Aave.
        var ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let inAave = try await devnet.aTokenBalance()
        XCTAssertGreaterThanOrEqual(inAave, Self.kept - Self.dust)
        // Ten minutes on, the vault has grown about 30 % a year: Aave's 3 % → the vault.
        try await devnet.admin("devnet_vaultAccrue", ["5000000", "erc4626:devnet-fluid-usdc"])
        try await tenMinutesLater()
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let inVault = try await devnet.fluidAssets()
        XCTAssertGreaterThanOrEqual(inVault, Self.kept - Self.dust)
        let inAave2 = try await devnet.aTokenBalance()
        XCTAssertLessThanOrEqual(inAave2, Self.dust)
        // Aave jumps to 40 %: the vault gives it all back.
        try await devnet.admin("devnet_setAaveRate", ["400000000000000000000000000"])
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let shares = try await devnet.uint(devnet.info.fluidVault, "balanceOf(address)", [.address(devnet.wallet)])
        XCTAssertEqual(shares, .zero)
        let inAave3 = try await devnet.aTokenBalance()
        XCTAssertGreaterThanOrEqual(inAave3, inVault - Self.dust)

        // The database names the market by its id, as any other.
        let moves = try store.executions(limit: 10).filter { $0.status == .succeeded }.map { "\($0.recommendation.from?.rawValue ?? "wallet")→\($0.recommendation.to.rawValue)" }
        XCTAssertEqual(Set(moves), ["wallet→aave-v3", "aave-v3→\(vault.rawValue)", "\(vault.rawValue)→aave-v3"])
    }

    func testAVaultOverAnotherTokenIsRefusedByNameAtConnect() async throws {
        var network = try devnet.network()
        network.markets.append(.erc4626(try XCTUnwrap(MarketID(rawValue: "erc4626:bridged")), vault: try Address(hex: devnet.info.bridgedVault), name: nil))
        let error = await liveError { try await LiveChain.connect(network: network, signer: try LiveDevnet.signer()) }
        let vault = try Address(hex: devnet.info.bridgedVault).checksummed, token = try Address(hex: devnet.info.bridgedUSDC).checksummed
        XCTAssertEqual(error, "vault erc4626:bridged \(vault) holds \"USDbC\", not native USDC \(try Address(hex: devnet.info.usdc).checksummed): refused (its token is \(token)); every market must hold the network's USDC, and nothing is read from or sent to this one")
    }

    func testCometsRateIsItsOwnGetSupplyRateAndAWithdrawPastTheBalanceIsNeverSigned() async throws {
        // Above the kink: 95 % of the Comet's cash lent out.
        try await devnet.admin("devnet_setUtilization", ["compound-v3:usdc", 95])
        let chain = try await devnet.chain(families: true)
        let scanned = try await chain.scanMarkets(token: .usdc)
        let comet = try XCTUnwrap(scanned.first { $0.quote.marketID == LiveDevnet.comet })
        let utilization = try await devnet.uint(devnet.info.comet, "getUtilization()")
        let rate = try await devnet.uint(devnet.info.comet, "getSupplyRate(uint256)", [.uint(utilization)])
        XCTAssertEqual(utilization, UInt256(950_000_000_000_000_000))
        // 2 % + 4 % × 0.9 + 100 % × 0.05 = 10.6 % a year, per second as Comet rounds it.
        XCTAssertEqual(rate, UInt256(634_195_839) + UInt256(1_268_391_679) * UInt256(9) / UInt256(10) + UInt256(31_709_791_983) / UInt256(20))
        XCTAssertEqual(comet.quote.apy, APYMath.perSecondCompoundedAPY(ratePerSecond: rate), "the APY compounds Comet's own getSupplyRate(getUtilization())")
        XCTAssertEqual(comet.quote.apy.fixed(2), "11.18", "10.6 % a year compounded every second")
        XCTAssertEqual(comet.utilization, Decimal(string: "0.95"))
        XCTAssertEqual(comet.supply, LiveDevnet.usdc(1_000_000))
        XCTAssertEqual(comet.withdrawableLiquidity, LiveDevnet.usdc(50_000), "the USDC the Comet still holds")
        guard case .supplyCurve(_, let borrows) = comet.rateModel else { return XCTFail("\(String(describing: comet.rateModel))") }
        XCTAssertEqual(borrows, 950_000)

        // 1 000 USDC in: a withdraw of 1 001 would be a borrow. Refused before anything is signed.
        try await devnet.admin("devnet_setUtilization", ["compound-v3:usdc", 0])
        try await devnet.send(chain, .approve(.usdc, spender: LiveDevnet.comet, LiveDevnet.usdc(1_000)))
        try await devnet.send(chain, .deposit(LiveDevnet.comet, .usdc, LiveDevnet.usdc(1_000)))
        let inComet = try await devnet.cometBalance()
        XCTAssertEqual(inComet, UInt256(1_000_000_000))
        let nonce = try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        let refused = await liveError { try await chain.prepare(.withdraw(LiveDevnet.comet, .usdc, LiveDevnet.usdc(1_001), fullExit: false)) }
        XCTAssertEqual(refused, "refusing a Comet withdraw of 1001000000 base units from compound-v3:usdc: the position is 1000000000, and past it Comet would lend the rest as a borrow")
        let nonceAfter = try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        XCTAssertEqual(nonceAfter, nonce)
        // Within the balance it goes through, and interest (a higher index) is withdrawable to the unit.
        try await devnet.admin("devnet_setCometIndex", ["1050000000000000"])
        let inComet2 = try await devnet.cometBalance()
        XCTAssertEqual(inComet2, UInt256(1_050_000_000))
        try await devnet.send(chain, .withdraw(LiveDevnet.comet, .usdc, LiveDevnet.usdc(1_050), fullExit: false))
        let inComet3 = try await devnet.cometBalance()
        XCTAssertEqual(inComet3, .zero)
    }

    func testTheShadowLedgerHoldsCometPrincipalAndVaultSharesAtTheMarketsOwnValue() async throws {
        let watched = try Address(hex: "0x5ad05ad05ad05ad05ad05ad05ad05ad05ad05ad1")
        // The test wallet gives the watched address a Comet position (supplyTo) and vault shares (deposit's receiver).
        let usdc = try Address(hex: devnet.info.usdc)
        try await devnet.sendFromTestWallet(to: devnet.info.usdc, data: try ABI.encodeCall("approve(address,uint256)",
                                                                                         [.address(try Address(hex: devnet.info.comet)), .uint(UInt256(2_000_000_000))]))
        try await devnet.sendFromTestWallet(to: devnet.info.comet, data: try ABI.encodeCall("supplyTo(address,address,uint256)",
                                                                                          [.address(watched), .address(usdc), .uint(UInt256(2_000_000_000))]))
        try await devnet.sendFromTestWallet(to: devnet.info.usdc, data: try ABI.encodeCall("approve(address,uint256)",
                                                                                         [.address(try Address(hex: devnet.info.fluidVault)), .uint(UInt256(3_000_000_000))]))
        try await devnet.sendFromTestWallet(to: devnet.info.fluidVault, data: try ABI.encodeCall("deposit(uint256,address)",
                                                                                               [.uint(UInt256(3_000_000_000)), .address(watched)]))
        try await devnet.admin("devnet_setCometIndex", ["1031234567890123"])
        try await devnet.admin("devnet_vaultAccrue", ["777777", "erc4626:devnet-fluid-usdc"])

        let reader = try await LiveChain.connect(network: try devnet.network(families: true), watching: watched,
                                                 options: LiveChainOptions(receiptPollSeconds: 0.05))
        let store = try AppDatabase.inMemory()
        let shadow = try await ShadowChain.open(reader: reader, persisted: try store.simulatedLedger(), clock: SystemClock())
        let ledger = await shadow.ledger
        let principal = try await devnet.rpc.call(to: devnet.info.comet, data: try ABI.encodeCall("userBasic(address)", [.address(watched)]))
        XCTAssertEqual(ledger.units[LiveDevnet.comet], UInt256(bigEndian: principal.prefix(32)), "Comet's principal, not its balance")
        let watchedShares = try await devnet.uint(devnet.info.fluidVault, "balanceOf(address)", [.address(watched)])
        XCTAssertEqual(ledger.units[LiveDevnet.fluid], watchedShares)
        let positions = try await shadow.scanMarkets(token: .usdc)
        let comet = try XCTUnwrap(positions.first { $0.quote.marketID == LiveDevnet.comet }).position.baseUnits
        let cometOfWatched = try await devnet.cometBalance(of: watched)
        XCTAssertEqual(try UInt256(decimal: String(comet)), cometOfWatched, "principal × index / 1e15, as balanceOf")
        let vault = try XCTUnwrap(positions.first { $0.quote.marketID == LiveDevnet.fluid }).position.baseUnits
        let real = try await devnet.fluidAssets(of: watched)
        XCTAssertGreaterThan(real, UInt256(3_000_000_000), "the accrual raised the share price")
        XCTAssertLessThanOrEqual(real - (try UInt256(decimal: String(vault))), UInt256(1), "the share price values the shares within a unit of convertToAssets")
        XCTAssertLessThanOrEqual(try UInt256(decimal: String(vault)), real)
    }
}
