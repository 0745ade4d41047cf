@testable import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// The live chain's pure parts: network files, APY formulas, the fee rule, feed checks, share prices.
final class LiveUnitTests: XCTestCase {
    static let devnetFile: JSONValue = [
        "name": "devnet", "chain_id": 31337, "rpc_urls": ["http://127.0.0.1:8545"],
        "usdc": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "eth_usd_feed": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        "markets": [["protocol": "aave-v3", "pool": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "a_token": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"],
                    ["protocol": "moonwell", "m_token": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9"],
                    ["protocol": "morpho-vault", "vault": "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9"]],
        "deployer": "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
    ]

    func testNetworkFileParsesWithExtraKeys() throws {
        let config = try NetworkRegistry.parse(Self.devnetFile)
        XCTAssertEqual(config.name, "devnet")
        XCTAssertEqual(config.chainID, 31337)
        XCTAssertEqual(config.rpcURLs, ["http://127.0.0.1:8545"])
        XCTAssertEqual(config.markets.map(\.marketID), [.aaveV3, .moonwell, .morphoVault])
        XCTAssertNil(config.gasPriceOracle, "no L1 fee unless the file says op_stack")
        XCTAssertEqual(config.defaultApprovalMode, .auto)
    }

    func testNetworkFileErrorsNameTheEntry() {
        func error(_ edit: (inout [String: JSONValue]) -> Void) -> String {
            var object = Self.devnetFile.objectValue!
            edit(&object)
            do { _ = try NetworkRegistry.parse(.object(object), source: "net.json"); return "parsed" } catch { return error.description }
        }
        XCTAssertEqual(error { $0["markets"] = [["protocol": "compound", "comet": "0x00"]] },
                       "net.json: markets[0]: unknown protocol 'compound' (known: aave-v3, moonwell, morpho-vault, aerodrome; or give \"family\")")
        XCTAssertTrue(error { $0["markets"] = [["protocol": "moonwell", "m_token": "0x1234"]] }
            .hasPrefix("net.json: markets[0]: \"m_token\" = 0x1234: not an address"))
        // A mixed-case address with a broken checksum is a typo, not an address.
        XCTAssertTrue(error { $0["usdc"] = "0x5FbDB2315678afecb367f032d93F642f64180aA3" }.hasPrefix("net.json: \"usdc\" = "))
        XCTAssertEqual(error { $0["eth_usd_feed"] = nil }, "net.json: missing \"eth_usd_feed\"")
        XCTAssertEqual(error { $0["markets"] = [["pool": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"]] }, "net.json: markets[0]: missing \"family\"")
    }

    func testANetworkFileTunesItsRPCEndpoints() throws {
        var object = Self.devnetFile.objectValue!
        let plain = try NetworkRegistry.parse(.object(object))
        XCTAssertNil(plain.rpcTimeoutSeconds)
        XCTAssertNil(plain.rpcMaxHeadLagBlocks)
        XCTAssertNil(plain.rpcHeadCheckSeconds)
        object["rpc_timeout_seconds"] = 2
        object["rpc_max_head_lag_blocks"] = 100
        object["rpc_head_check_seconds"] = .number("0.5")
        let tuned = try NetworkRegistry.parse(.object(object))
        XCTAssertEqual(tuned.rpcTimeoutSeconds, 2)
        XCTAssertEqual(tuned.rpcMaxHeadLagBlocks, 100)
        XCTAssertEqual(tuned.rpcHeadCheckSeconds, 0.5)

        func error(_ key: String, _ value: JSONValue) -> String {
            var bad = Self.devnetFile.objectValue!
            bad[key] = value
            do { _ = try NetworkRegistry.parse(.object(bad), source: "net.json"); return "parsed" } catch { return error.description }
        }
        XCTAssertEqual(error("rpc_timeout_seconds", 0), "net.json: \"rpc_timeout_seconds\" = 0: not a number of seconds 0.1–600")
        XCTAssertEqual(error("rpc_timeout_seconds", "30"), "net.json: \"rpc_timeout_seconds\" = \"30\": not a number of seconds 0.1–600")
        XCTAssertEqual(error("rpc_head_check_seconds", -1), "net.json: \"rpc_head_check_seconds\" = -1: not a number of seconds 0–3600")
        XCTAssertEqual(error("rpc_max_head_lag_blocks", 0), "net.json: \"rpc_max_head_lag_blocks\" = 0: not an integer 1–1000000")
        XCTAssertEqual(error("rpc_max_head_lag_blocks", .number("2.5")), "net.json: \"rpc_max_head_lag_blocks\" = 2.5: not an integer 1–1000000")
    }

    func testBuiltInNetworks() throws {
        let base = try NetworkRegistry.builtIn("base")
        XCTAssertEqual(base.chainID, 8453)
        XCTAssertTrue(base.isMainnet)
        XCTAssertEqual(base.defaultApprovalMode, .manual, "real money defaults to manual approval")
        XCTAssertEqual(base.gasPriceOracle?.checksummed, "0x420000000000000000000000000000000000000F")
        XCTAssertEqual(base.markets.map(\.marketID.rawValue),
                       ["aave-v3", "moonwell", "morpho-vault", "compound-v3:usdc", "erc4626:fluid-usdc", "erc4626:steakhouse-usdc",
                        "erc4626:gauntlet-usdc-prime", "erc4626:spark-usdc", "aerodrome"])
        XCTAssertEqual(base.markets.first, .aaveV3Provider(provider: try Address(hex: "0xe20fCBdBfFC4Dd138cE8b2E6FBb6CB49777ad64D")),
                       "the Pool is read from Aave's registry at start")
        let sepolia = try NetworkRegistry.builtIn("base-sepolia")
        XCTAssertEqual(sepolia.chainID, 84532)
        XCTAssertEqual(sepolia.defaultApprovalMode, .auto)
        XCTAssertThrowsError(try NetworkRegistry.builtIn("mainnet"))
    }

    func testAaveAPYMatchesTheUIFormula() {
        // 5e25 ray = 5 % APR → 5.12710963…% APY (chain-facts §1 worked example).
        let apy = APYMath.aaveSupplyAPY(liquidityRateRay: try! UInt256(decimal: "50000000000000000000000000"))
        XCTAssertEqual(apy, Decimal(string: "5.127110"))
        XCTAssertEqual(APYMath.aaveSupplyAPY(liquidityRateRay: .zero), 0)
    }

    func testMoonwellAPYMatchesTheSDKFormula() {
        // 1585489599 per second → 5.12675 % with the SDK's daily compounding (chain-facts §2).
        let apy = APYMath.moonwellSupplyAPY(ratePerSecond: 1_585_489_599)
        XCTAssertEqual(apy.fixed(3), "5.127")
        XCTAssertGreaterThan(apy, Decimal(string: "5.1267")!)
        XCTAssertLessThan(apy, Decimal(string: "5.1268")!)
    }

    func testFeeRuleIsTwiceBaseFeePlusTip() {
        let fees = FeePolicy.fees(baseFee: 5_000_000, tip: 1_000_000)
        XCTAssertEqual(fees.maxFeePerGas, 11_000_000)
        XCTAssertEqual(fees.maxPriorityFeePerGas, 1_000_000)
        XCTAssertEqual(FeePolicy(ceilingGwei: Decimal(string: "0.5")!).ceilingWei, 500_000_000)
        XCTAssertEqual(FeePolicy.gwei(400_001_000_000), "400.001")
    }

    func testFeedRejectsStaleIncompleteAndNonPositiveRounds() throws {
        let feed = PriceFeed(address: .zero, decimals: 8, maxAgeSeconds: 3600, minUSD: 100, maxUSD: 100_000)
        func round(_ id: UInt64, _ answer: UInt256, updated: UInt64, answeredIn: UInt64) -> [UInt8] {
            ABI.encode([.uint(UInt256(id)), .uint(answer), .uint(UInt256(updated)), .uint(UInt256(updated)), .uint(UInt256(answeredIn))])
        }
        XCTAssertEqual(try feed.price(from: round(5, 250_012_345_678, updated: 10_000, answeredIn: 5), blockTime: 10_100, wallTime: 10_100),
                       Decimal(string: "2500.12345678"))
        XCTAssertThrowsError(try feed.price(from: round(5, 250_000_000_000, updated: 10_000, answeredIn: 5), blockTime: 13_601, wallTime: 13_601))
        XCTAssertThrowsError(try feed.price(from: round(5, 250_000_000_000, updated: 10_000, answeredIn: 4), blockTime: 10_001, wallTime: 10_001))
        XCTAssertThrowsError(try feed.price(from: round(5, .zero, updated: 10_000, answeredIn: 5), blockTime: 10_001, wallTime: 10_001))
        XCTAssertThrowsError(try feed.price(from: round(5, .max, updated: 10_000, answeredIn: 5), blockTime: 10_001, wallTime: 10_001),
                             "a negative int256")
        XCTAssertThrowsError(try feed.price(from: [0, 1, 2], blockTime: 10_001, wallTime: 10_001), "truncated return data")
    }

    func testSharePriceAPYNeedsTwoObservationsAWindowApart() {
        var history = SharePriceHistory(minimumWindow: 3600)
        let first = history.record(price: 1_000_000, at: 1_000)
        XCTAssertEqual(first.apy, 0)
        XCTAssertTrue(first.note?.contains("not measured yet") ?? false)
        XCTAssertEqual(history.record(price: 1_000_001, at: 2_000).apy, 0)
        // +0.0137 % in a day ≈ 5 % a year.
        let day = history.record(price: 1_000_137, at: 1_000 + 86_400)
        XCTAssertNil(day.note)
        XCTAssertGreaterThan(day.apy, Decimal(string: "4.9")!)
        XCTAssertLessThan(day.apy, Decimal(string: "5.2")!)
        // Later scans measure from the latest observation at least a window older (t = 2000 here).
        let soon = history.record(price: 1_000_137, at: 1_000 + 86_500)
        XCTAssertNil(soon.note)
        XCTAssertEqual(soon.apy, APYMath.sharePriceAPY(from: 1_000_001, to: 1_000_137, seconds: 85_500))
    }

    func testNonceManagerNeverGoesBackBelowWhatItSent() async {
        let nonces = NonceManager()
        let first = await nonces.next(chainPending: 4)
        XCTAssertEqual(first, 4)
        await nonces.broadcast(nonce: 4)
        let second = await nonces.next(chainPending: 4)
        XCTAssertEqual(second, 5, "the node may not show the pending transaction yet")
        await nonces.resync()
        let third = await nonces.next(chainPending: 4)
        XCTAssertEqual(third, 4)
    }
}
