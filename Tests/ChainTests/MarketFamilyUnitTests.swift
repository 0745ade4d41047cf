@testable import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// The market families without a node: network-file entries, the USDC check at connect, and what each
/// family reads into a snapshot (position, supply, utilization, rate model) from answers given by hand.
final class MarketFamilyUnitTests: XCTestCase {
    let usdc = try! Address(hex: "0x00000000000000000000000000000000000000aa")
    let comet = try! Address(hex: "0x00000000000000000000000000000000000000c3")
    let vault = try! Address(hex: "0x00000000000000000000000000000000000000ee")

    func word(_ v: UInt256) -> [UInt8] { ABI.encode([.uint(v)]) }

    func file(_ markets: [JSONValue]) -> JSONValue {
        var object = LiveUnitTests.devnetFile.objectValue!
        object["markets"] = .array(markets)
        return .object(object)
    }

    func parseError(_ markets: [JSONValue]) -> String {
        do { _ = try NetworkRegistry.parse(file(markets), source: "net.json"); return "parsed" } catch { return error.description }
    }

    // MARK: - Network files

    func testFamilyEntriesNameTheirMarketsAndTheFirstFormatStillParses() throws {
        let network = try NetworkRegistry.parse(file([
            ["protocol": "aave-v3", "pool": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"],
            ["protocol": "moonwell", "m_token": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9"],
            ["family": "erc4626", "address": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9", "name": "Moonwell Flagship USDC", "id": "morpho-vault"],
            ["family": "compound-v3", "address": "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", "name": "usdc"],
            ["family": "erc4626", "address": "0x0165878A594ca255338adfa4d48449f69242Eb8F", "name": "Steakhouse USDC"],
            ["family": "compound-v2", "address": "0xa513E6E4b8f2a923D98304ec87F64353C4D5C853", "name": "Moonwell EURC"],
            ["family": "amm", "address": "0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6", "name": "aerodrome v2"],
        ]))
        XCTAssertEqual(network.markets.map(\.marketID.rawValue),
                       ["aave-v3", "moonwell", "morpho-vault", "compound-v3:usdc", "erc4626:steakhouse-usdc", "compound-v2:moonwell-eurc",
                        "amm:aerodrome-v2"])
        XCTAssertEqual(network.markets[4], .erc4626(try XCTUnwrap(MarketID(rawValue: "erc4626:steakhouse-usdc")),
                                                    vault: try Address(hex: "0x0165878A594ca255338adfa4d48449f69242Eb8F"), name: "Steakhouse USDC"))
        XCTAssertEqual(network.markets[3].role?.rawValue, "compound-v3:usdc.comet")
        XCTAssertEqual(network.markets[2].role?.rawValue, "morpho-vault.vault", "a vault kept under the original id keeps its stored role")
        XCTAssertNil(network.markets[6].role, "an AMM receives nothing, so nothing of it is pinned")
        XCTAssertTrue(network.markets[6].isListedOnly)
        // Aave by family: its id is always aave-v3; a provider instead of the Pool.
        let aave = try NetworkRegistry.parse(file([["family": "aave-v3", "pool_addresses_provider": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"]]))
        XCTAssertEqual(aave.markets, [.aaveV3Provider(provider: try Address(hex: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"))])
    }

    func testAMalformedFamilyEntryIsNamedWithItsKey() {
        XCTAssertEqual(parseError([["family": "compound-v4", "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "name": "x"]]),
                       "net.json: markets[0]: unknown family 'compound-v4' (known: aave-v3, compound-v2, compound-v3, erc4626, amm)")
        XCTAssertEqual(parseError([["family": "erc4626", "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"]]),
                       "net.json: markets[0]: missing \"name\"")
        XCTAssertTrue(parseError([["family": "erc4626", "address": "0x9fE4", "name": "x"]])
            .hasPrefix("net.json: markets[0]: \"address\" = 0x9fE4: not an address"))
        XCTAssertEqual(parseError([["family": "erc4626", "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "name": "Spark: USDC"]]),
                       "net.json: markets[0]: \"name\" = Spark: USDC: makes no market id (letters, digits, spaces, - and ., at most 64 characters with the family): give \"id\"")
        XCTAssertEqual(parseError([["family": "erc4626", "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "name": "x", "id": "compound-v3:usdc"]]),
                       "net.json: markets[0]: \"id\" = compound-v3:usdc: not a market id of the erc4626 family")
        XCTAssertEqual(parseError([["family": "aave-v3", "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "id": "aave-v3"],
                                   ["family": "aave-v3", "address": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9"]]),
                       "net.json: markets[1]: \"name\" = aave-v3: markets[0] is already aave-v3: each market needs its own id (give \"id\")")
        XCTAssertEqual(parseError([["family": "erc4626", "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "name": "One"],
                                   ["family": "erc4626", "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "name": "Two"]]),
                       "net.json: markets[1]: \"address\" = 0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0: markets[0] already names this contract")
    }

    func testANetworkFileOfBaseCannotAddAMarketThatIsNotPinned() throws {
        // On chain 8453 a file gets Base's pins: a vault it adds has no compiled-in address and is refused at connect.
        var object = file([["family": "erc4626", "address": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "name": "My vault"]]).objectValue!
        object["chain_id"] = 8453
        object["usdc"] = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
        object["eth_usd_feed"] = "0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70"
        let network = try NetworkRegistry.parse(.object(object))
        XCTAssertThrowsError(try LiveChain.checkConfiguredMarkets(network.markets, pins: try XCTUnwrap(network.pins), network: network.name)) { error in
            XCTAssertTrue("\(error)".hasPrefix("refusing to sign: network 'devnet' has no compiled-in address for erc4626:my-vault.vault"), "\(error)")
        }
    }

    func testEveryBuiltInMarketCanBeNamedInSupportedProtocolsAndTheDefaultIsTheOriginalThree() throws {
        XCTAssertEqual(MammonConfig().supportedProtocols, [.aaveV3, .moonwell, .morphoVault])
        let base = try NetworkRegistry.builtIn("base").markets.filter { !$0.isListedOnly }.map(\.marketID)
        let all = try ConfigLoader.load(flags: [], environment: ["SUPPORTED_PROTOCOLS": base.map(\.rawValue).joined(separator: ",")], file: nil)
        XCTAssertEqual(all.supportedProtocols, base)
        XCTAssertEqual(base.count, 8)
        // The AMM stays out whatever it is called.
        XCTAssertThrowsError(try ConfigLoader.load(flags: [], environment: ["SUPPORTED_PROTOCOLS": "compound-v3:usdc,aerodrome"], file: nil))
    }

    // MARK: - USDC at connect

    func testAVaultOverAnotherTokenIsRefusedByName() throws {
        let usdbc = try Address(hex: "0xd9aAEc86B65D86f6A7B5B1b0c42FFA531710b6CA")
        let base = try Address(hex: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
        let id = try XCTUnwrap(MarketID(rawValue: "erc4626:bridged"))
        XCTAssertThrowsError(try ERC4626Adapter(id, vault: vault, name: nil, usdc: base, decimals: 6, resolution: [ABI.encode([.address(usdbc)])])) { error in
            XCTAssertEqual("\(error)", "vault erc4626:bridged \(vault.checksummed) holds USDbC (bridged), not native USDC 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913: refused (its token is 0xd9aAEc86B65D86f6A7B5B1b0c42FFA531710b6CA); every market must hold the network's USDC, and nothing is read from or sent to this one")
        }
        let other = try Address(hex: "0x00000000000000000000000000000000000000dd")
        XCTAssertThrowsError(try CompoundV3Adapter(try XCTUnwrap(MarketID(rawValue: "compound-v3:weth")), comet: comet, usdc: usdc, decimals: 6,
                                                   resolution: [ABI.encode([.address(other)])])) { error in
            XCTAssertTrue("\(error)".hasPrefix("Comet compound-v3:weth \(comet.checksummed) lends \(other.checksummed), not native USDC \(usdc.checksummed): refused;"),
                          "\(error)")
        }
        XCTAssertNoThrow(try ERC4626Adapter(id, vault: vault, name: nil, usdc: usdc, decimals: 6, resolution: [ABI.encode([.address(usdc)])]))
        // A token's own symbol names it, cleaned of control characters; a token without one is named by address only.
        XCTAssertEqual(MarketAsset.symbolName(ABI.encode([.string("USDbC\u{1b}[2J")])), "\"USDbC�[2J\"")
        XCTAssertNil(MarketAsset.symbolName([]))
    }

    // MARK: - Fence

    func testEachFamilyGrantsItsOwnCallsWithTheSafeAsEveryRecipient() throws {
        let key = RolesKey.make("mammon-deposits")
        let cometAdapter = try CompoundV3Adapter(try XCTUnwrap(MarketID(rawValue: "compound-v3:usdc")), comet: comet, usdc: usdc, decimals: 6,
                                                 resolution: [ABI.encode([.address(usdc)])])
        let cometCalls = cometAdapter.fencePermissions(usdc: usdc, allowanceKey: key)
        XCTAssertEqual(cometCalls.map(\.signature), ["supply(address,uint256)", "withdraw(address,uint256)"])
        XCTAssertEqual(cometCalls.map(\.target), [comet, comet])
        XCTAssertEqual(cometCalls[0].condition, .calldata([.equal(usdc), .withinAllowance(key)]), "USDC only, within the day's allowance")
        XCTAssertEqual(cometCalls[1].condition, .calldata([.equal(usdc), .any]), "Comet pays the caller: no recipient to pin")
        let vaultAdapter = try ERC4626Adapter(try XCTUnwrap(MarketID(rawValue: "erc4626:spark-usdc")), vault: vault, name: "Spark USDC", usdc: usdc,
                                              decimals: 6, resolution: [ABI.encode([.address(usdc)])])
        let vaultCalls = vaultAdapter.fencePermissions(usdc: usdc, allowanceKey: key)
        XCTAssertEqual(vaultCalls.map(\.signature), ["deposit(uint256,address)", "withdraw(uint256,address,address)", "redeem(uint256,address,address)"])
        XCTAssertEqual(vaultCalls.map(\.condition), [.calldata([.withinAllowance(key), .avatar]), .calldata([.any, .avatar, .avatar]),
                                                     .calldata([.any, .avatar, .avatar])])
        XCTAssertEqual(vaultCalls[0].targetName, "Spark USDC (ERC-4626 vault)")
    }

    // MARK: - Readings

    func testCometReadsItsRateWithCometsOwnArithmeticAndItsCurveAsTheRateModel() throws {
        let adapter = try CompoundV3Adapter(try XCTUnwrap(MarketID(rawValue: "compound-v3:usdc")), comet: comet, usdc: usdc, decimals: 6,
                                            resolution: [ABI.encode([.address(usdc)])])
        // Base's cUSDCv3 configuration: kink 0.85, supply base 0, slopes 4.8 % and 160 % a year.
        let year = UInt256(31_536_000)
        let low = UInt256(48_000_000_000_000_000) / year, high = UInt256(1_600_000_000_000_000_000) / year
        let kink = UInt256(850_000_000_000_000_000)
        func answers(utilization: UInt256) -> [[UInt8]] {
            [word(utilization), word(kink), word(.zero), word(low), word(high), word(UInt256(2_500_000_000)), word(UInt256(10_000_000_000_000)),
             word(UInt256(9_000_000_000_000)), word(UInt256(1_000_000_000_000))]
        }
        // At 90 % utilization: slopeLow × 0.85 + slopeHigh × 0.05, each product rounded down as Comet's mulFactor.
        let u = UInt256(900_000_000_000_000_000)
        let perSecond = low * kink / UInt256.powerOfTen(18)! + high * (u - kink) / UInt256.powerOfTen(18)!
        XCTAssertEqual(CompoundV3Adapter.Curve(kink: kink, base: .zero, slopeLow: low, slopeHigh: high).ratePerSecond(utilization: u), perSecond)
        let reading = try adapter.reading(first: answers(utilization: u), second: [])
        XCTAssertEqual(reading.apy, APYMath.perSecondCompoundedAPY(ratePerSecond: perSecond))
        XCTAssertGreaterThan(reading.apy, Decimal(string: "12.83")!)  // 4.08 % + 8 % APR (12.08 %), compounded every second
        XCTAssertLessThan(reading.apy, Decimal(string: "12.85")!)
        XCTAssertEqual(reading.position, 2_500_000_000)
        XCTAssertEqual(reading.supply, 10_000_000_000_000)
        XCTAssertEqual(reading.liquidity, 1_000_000_000_000, "the USDC the Comet holds")
        XCTAssertEqual(reading.utilization, Decimal(string: "0.9"))
        guard case .supplyCurve(let curve, let borrows) = reading.rateModel else { return XCTFail("\(String(describing: reading.rateModel))") }
        XCTAssertEqual(borrows, 9_000_000)
        XCTAssertEqual(curve.kink, Decimal(string: "0.85"))
        XCTAssertEqual(curve.base, 0)
        // 1 522 070 015 per second (the yearly 4.8 % divided down and rounded) × a year.
        XCTAssertEqual(curve.slopeLow, Decimal(string: "0.04799999999304")!)
        // A node answering a 2 000 % utilization is refused before any arithmetic.
        XCTAssertThrowsError(try adapter.reading(first: answers(utilization: UInt256.powerOfTen(19)! + UInt256(1)), second: []))
    }

    func testAavesStrategyBecomesAKinkedCurveWithTheReserveFactor() throws {
        var reserve = [UInt8](repeating: 0, count: 15 * 32)
        for (index, byte) in [(8, 0xcc), (10, 0xc1), (11, 0xc2)] as [(Int, UInt8)] { reserve[index * 32 + 31] = byte }
        let aave = try AaveV3Adapter(pool: try Address(hex: "0x00000000000000000000000000000000000000dd"), usdc: usdc, decimals: 6, reserveData: reserve)
        XCTAssertEqual(aave.variableDebtToken, try Address(hex: "0x00000000000000000000000000000000000000c1"))
        XCTAssertEqual(aave.rateStrategy, try Address(hex: "0x00000000000000000000000000000000000000c2"))
        // Reserve factor 10 % in bits 64–79 next to other configuration bits.
        var configured = reserve
        configured.replaceSubrange(0..<32, with: ((UInt256(1_000) << 64) | (UInt256(6) << 48) | (UInt256(1) << 56) | (UInt256(0xFFFF) << 80)).bigEndianBytes)
        let ray = UInt256.powerOfTen(27)!
        let strategy = ABI.encode([.uint(ray * UInt256(8) / UInt256(10)), .uint(ray / UInt256(100)), .uint(ray * UInt256(4) / UInt256(100)),
                                   .uint(ray * UInt256(6) / UInt256(10))])
        let reading = try aave.reading(first: [configured, word(7), word(UInt256(1_000_000_000)), word(UInt256(200_000_000)), word(UInt256(800_000_000)), strategy],
                                       second: [])
        XCTAssertEqual(reading.supply, 1_000_000_000)
        XCTAssertEqual(reading.utilization, Decimal(string: "0.8"))
        guard case .borrowCurve(let curve, let borrows, let reserveFactor) = reading.rateModel else { return XCTFail("no Aave model") }
        XCTAssertEqual(reserveFactor, Decimal(string: "0.1"))
        XCTAssertEqual(borrows, 800)
        XCTAssertEqual(curve.kink, Decimal(string: "0.8"))
        // Base 1 %, slope 1 (4 %) reached at the optimal usage, slope 2 (60 %) over what is left above it.
        XCTAssertEqual(curve.rate(at: 0), Decimal(string: "0.01"))
        XCTAssertEqual(curve.rate(at: Decimal(string: "0.4")!), Decimal(string: "0.03"))
        XCTAssertEqual(curve.rate(at: Decimal(string: "0.8")!), Decimal(string: "0.05"))
        XCTAssertEqual(curve.rate(at: 1), Decimal(string: "0.65"))
        // An optimal usage of 0 would divide by zero: refused.
        let broken = ABI.encode([.uint(.zero), .uint(.zero), .uint(.zero), .uint(.zero)])
        XCTAssertThrowsError(try aave.reading(first: [configured, word(7), word(1), word(1), word(1), broken], second: []))
        // A reserve without a rate strategy is refused at connect.
        var bare = reserve
        bare[11 * 32 + 31] = 0
        XCTAssertThrowsError(try AaveV3Adapter(pool: try Address(hex: "0x00000000000000000000000000000000000000dd"), usdc: usdc, decimals: 6, reserveData: bare))
    }

    func testMoonwellReportsNoModelOnceGovernanceMovesIt() throws {
        let model = try Address(hex: "0x00000000000000000000000000000000000000b0")
        let moonwell = try MoonwellAdapter(mToken: try Address(hex: "0x00000000000000000000000000000000000000bb"), usdc: usdc, decimals: 6,
                                           resolution: [ABI.encode([.address(usdc)]), ABI.encode([.address(model)])])
        let curve = [word(.zero), word(UInt256(1_585_489_599)), word(UInt256(95_129_375_951)), word(UInt256(800_000_000_000_000_000))]
        func answers(model: Address) -> [[UInt8]] {
            [word(UInt256(1_585_489_599)), word(UInt256(5_000_000_000)), word(UInt256(200_000_000_000_000)), word(UInt256(5_000_000_000_000_000)),
             word(UInt256(600_000_000_000)), word(UInt256(400_000_000_000)), word(UInt256(100_000_000_000_000_000)), ABI.encode([.address(model)])] + curve
        }
        let reading = try moonwell.reading(first: answers(model: model), second: [])
        XCTAssertEqual(reading.utilization, Decimal(string: "0.4"), "400 000 borrowed of 1 000 000 supplied")
        guard case .borrowCurve(let kinked, let borrows, let reserveFactor) = reading.rateModel else { return XCTFail("no Moonwell model") }
        XCTAssertEqual(borrows, 400_000)
        XCTAssertEqual(reserveFactor, Decimal(string: "0.1"))
        XCTAssertEqual(kinked.kink, Decimal(string: "0.8"))
        XCTAssertEqual(kinked.slopeLow, Decimal(string: "0.049999999994064"))  // 1 585 489 599 × 31 536 000 / 1e18
        XCTAssertNil(reading.note)
        let moved = try moonwell.reading(first: answers(model: try Address(hex: "0x00000000000000000000000000000000000000b1")), second: [])
        XCTAssertNil(moved.rateModel, "the curve read belongs to the old model")
        XCTAssertTrue(moved.note?.contains("interest rate model moved") ?? false, moved.note ?? "")
    }

    func testAVaultsPositionIsItsMaxWithdrawWhenThatAgreesWithTheSharePrice() throws {
        let adapter = try ERC4626Adapter(try XCTUnwrap(MarketID(rawValue: "erc4626:fluid-usdc")), vault: vault, name: "Fluid USDC", usdc: usdc,
                                         decimals: 6, resolution: [ABI.encode([.address(usdc)])])
        // 6-decimal shares at 1.05000000000000000000000000000033: 1 000 shares (1e9 units) convert to 1 050 000 000.33…
        let price = try UInt256(decimal: "1050000000000000000000000000000")
        func position(maxWithdraw: UInt256) throws -> UInt128 {
            try adapter.reading(first: [word(UInt256(1_000_000_000)), word(UInt256(5_000_000_000)), word(price), word(.zero), word(maxWithdraw)],
                                second: []).position
        }
        XCTAssertEqual(try position(maxWithdraw: UInt256(1_050_000_000)), 1_050_000_000)
        XCTAssertEqual(try position(maxWithdraw: UInt256(1_050_000_001)), 1_050_000_001, "the vault's own rounding, one unit above the estimate")
        XCTAssertEqual(try position(maxWithdraw: UInt256(400_000_000)), 1_050_000_000, "liquidity-capped: the share price's estimate")
        XCTAssertEqual(try position(maxWithdraw: UInt256(9_000_000_000)), 1_050_000_000, "more than the shares are worth is not believed")
        let reading = try adapter.reading(first: [word(.zero), word(UInt256(5_000_000_000)), word(price), word(UInt256(70)), word(.zero)], second: [])
        XCTAssertEqual(reading.supply, 5_000_000_000, "totalAssets")
        XCTAssertEqual(reading.rateModel, .dilution)
        XCTAssertNil(reading.utilization)
        XCTAssertEqual(adapter.displayName, "Fluid USDC (ERC-4626 vault)")
    }
}
