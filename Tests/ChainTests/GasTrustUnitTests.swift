@testable import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// What a lying node can make the engine spend: fee defaults sized to Base, the tip it suggests,
/// the ETH/USD round it serves, the sequencer's status and a block's time. No devnet: answers are
/// crafted; `LiveGasLimitBinaryTests` runs the same lies through the fault proxy and the binary.
final class GasTrustUnitTests: XCTestCase {
    func testBaseDefaultsAreSizedToBaseFees() throws {
        let base = try NetworkRegistry.builtIn("base")
        XCTAssertEqual(base.defaultMaxFeeGwei, 2)
        XCTAssertEqual(base.feedMaxAgeSeconds, 1260, "Chainlink's 1200 s heartbeat on Base and a minute to land")
        XCTAssertEqual(base.sequencerUptimeFeed?.checksummed, "0xBCF85224fc0756B9Fa45aA7892530B47e10b6433")
        XCTAssertEqual(try NetworkRegistry.builtIn("base-sepolia").defaultMaxFeeGwei, 2)

        var file: JSONValue = [
            "name": "devnet", "chain_id": .integer(31337), "usdc": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "eth_usd_feed": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "markets": [],
        ]
        let plain = try NetworkRegistry.parse(file)
        XCTAssertEqual(plain.defaultMaxFeeGwei, 100, "other chains keep the generic ceiling")
        XCTAssertNil(plain.sequencerUptimeFeed)
        if case .object(var o) = file {
            o["max_fee_gwei"] = "0.5"
            o["sequencer_uptime_feed"] = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"
            file = .object(o)
        }
        let named = try NetworkRegistry.parse(file)
        XCTAssertEqual(named.defaultMaxFeeGwei, Decimal(string: "0.5"))
        XCTAssertEqual(named.sequencerUptimeFeed?.checksummed, "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0")
        if case .object(var o) = file { o["chain_id"] = .integer(8453); o["max_fee_gwei"] = nil; file = .object(o) }
        XCTAssertEqual(try NetworkRegistry.parse(file).defaultMaxFeeGwei, 2, "a network file for Base gets Base's ceiling")
    }

    func testTheNodesTipIsCappedByTheBaseFeeOrATwentiethOfTheCeiling() {
        let gwei: UInt128 = 1_000_000_000
        let policy = FeePolicy(ceilingGwei: 2)
        // 99 gwei suggested over a 0.01 gwei base fee: 0.1 gwei is signed.
        XCTAssertEqual(policy.fees(baseFee: gwei / 100, tip: 99 * gwei), FeePolicy.Fees(maxFeePerGas: gwei / 50 + gwei / 10, maxPriorityFeePerGas: gwei / 10))
        XCTAssertEqual(FeePolicy.cappedTip(gwei, baseFee: 3 * gwei, ceilingWei: 2 * gwei), gwei, "a tip under the base fee is the node's")
        XCTAssertEqual(FeePolicy.cappedTip(1_000_000, baseFee: 5_000_000, ceilingWei: 2 * gwei), 1_000_000, "Base's usual tip passes")
        XCTAssertEqual(FeePolicy.cappedTip(5 * gwei, baseFee: 2 * gwei, ceilingWei: 2 * gwei), 2 * gwei, "at most the base fee")
    }

    func testAnEthPriceFarFromTheLastAcceptedRoundIsRefused() throws {
        let feed = PriceFeed(address: .zero, decimals: 8, maxAgeSeconds: 3600, minUSD: 100, maxUSD: 100_000)
        let last = PriceFeed.Accepted(price: 3000, at: 1_000_000)
        // $100.01 is inside ETH_USD_MIN…MAX, and 97 % below the round accepted an hour ago.
        XCTAssertThrowsError(try feed.checkChange(Decimal(string: "100.01")!, last: last, wallTime: 1_003_600, maxChangePercentPerHour: 10)) { error in
            XCTAssertEqual("\(error)", "ETH/USD feed 0x0000000000000000000000000000000000000000 answered 100.01 USD, more than 10 % from the last accepted 3000 USD 3600 s ago (ETH_USD_MAX_CHANGE_PCT_PER_HOUR); spending is blocked until the price comes back within the band or the band widens with time")
        }
        XCTAssertNoThrow(try feed.checkChange(3300, last: last, wallTime: 1_000_060, maxChangePercentPerHour: 10), "+10 % within the first hour")
        XCTAssertThrowsError(try feed.checkChange(3301, last: last, wallTime: 1_000_060, maxChangePercentPerHour: 10))
        XCTAssertNoThrow(try feed.checkChange(Decimal(string: "2727.28")!, last: last, wallTime: 1_000_060, maxChangePercentPerHour: 10), "÷ 1.1 down")
        XCTAssertThrowsError(try feed.checkChange(2700, last: last, wallTime: 1_000_060, maxChangePercentPerHour: 10))
        XCTAssertNoThrow(try feed.checkChange(1600, last: last, wallTime: 1_036_000, maxChangePercentPerHour: 10), "10 h later: ÷ 2 is allowed")
        XCTAssertThrowsError(try feed.checkChange(1400, last: last, wallTime: 1_036_000, maxChangePercentPerHour: 10))
        XCTAssertNoThrow(try feed.checkChange(100, last: nil, wallTime: 1_000_000, maxChangePercentPerHour: 10), "nothing accepted yet")

        // A node walking the price down 9 % a quote: the reference holds for an hour, so the second
        // step is 17 % from it and refused.
        var reference = PriceFeed.reference(after: last, accepting: 2730, at: 1_000_060)
        XCTAssertEqual(reference, last, "within the hour the reference stays")
        XCTAssertThrowsError(try feed.checkChange(2484, last: reference, wallTime: 1_000_120, maxChangePercentPerHour: 10))
        reference = PriceFeed.reference(after: last, accepting: 2730, at: 1_003_600)
        XCTAssertEqual(reference, PriceFeed.Accepted(price: 2730, at: 1_003_600), "an hour on, the accepted price is the reference")
        XCTAssertEqual(PriceFeed.reference(after: nil, accepting: 2500, at: 5), PriceFeed.Accepted(price: 2500, at: 5))
        XCTAssertEqual(PriceFeed.reference(after: last, accepting: 2900, at: 999_000), PriceFeed.Accepted(price: 2900, at: 999_000),
                       "a wall clock that went back renews it rather than holding a reference from the future")

        // Kept as an integer × 10^18 and read back exactly, so a restart keeps the band.
        let stored = try XCTUnwrap(PriceFeed.stored(PriceFeed.Accepted(price: Decimal(string: "3123.45678901")!, at: 1_000_000)))
        XCTAssertEqual(PriceFeed.accepted(from: [stored]), PriceFeed.Accepted(price: Decimal(string: "3123.45678901")!, at: 1_000_000))
    }

    func testTheSequencerMustBeUpForTheWholeGracePeriod() throws {
        let feed = SequencerUptimeFeed(address: .zero, graceSeconds: 3600)
        func round(_ answer: UInt256, startedAt: UInt256) -> [UInt8] {
            ABI.encode([.uint(7), .uint(answer), .uint(startedAt), .uint(startedAt), .uint(7)])
        }
        XCTAssertNoThrow(try feed.check(round(0, startedAt: 1_000_000), wallTime: 1_003_600))
        XCTAssertThrowsError(try feed.check(round(0, startedAt: 1_000_000), wallTime: 1_003_599)) { error in
            XCTAssertTrue("\(error)".contains("up since 1000000, less than SEQUENCER_GRACE_SECONDS 3600 s ago; nothing is sent for another 1 s"), "\(error)")
        }
        XCTAssertThrowsError(try feed.check(round(1, startedAt: 1_000_000), wallTime: 9_000_000)) { error in
            XCTAssertTrue("\(error)".contains("reports the sequencer down since 1000000"), "\(error)")
        }
        XCTAssertThrowsError(try feed.check(round(0, startedAt: 9_000_000), wallTime: 1_000_000), "a status change in the future")
        XCTAssertThrowsError(try feed.check(round(2, startedAt: 1), wallTime: 1_000_000), "neither up nor down")
        XCTAssertThrowsError(try feed.check(round(0, startedAt: 0), wallTime: 1_000_000), "no round")
        XCTAssertThrowsError(try feed.check(round(0, startedAt: .max), wallTime: 1_000_000))
        XCTAssertThrowsError(try feed.check([0x01], wallTime: 1_000_000), "short data")
    }

    func testABlockTimeOutsideTheWallClocksReachIsRefusedNotTrapped() throws {
        let wall: UInt64 = 1_800_000_000
        func block(_ hex: String) -> JSONValue { ["number": "0x10", "timestamp": .string(hex)] }
        XCTAssertEqual(try LiveChain.timestamp(of: block("0x" + String(wall + 900, radix: 16)), wallTime: wall), wall + 900)
        XCTAssertEqual(try LiveChain.timestamp(of: block("0x5e0be100"), wallTime: wall), 1_577_836_800, "2020-01-01")
        for hex in ["0x" + String(wall + 901, radix: 16), "0x5e0be0ff", "0x0", "0xffffffffffffffff", "0x" + String(repeating: "f", count: 64)] {
            XCTAssertThrowsError(try LiveChain.timestamp(of: block(hex), wallTime: wall), hex) { error in
                XCTAssertTrue("\(error)".hasPrefix("eth_getBlockByNumber timestamp answered "), "\(error)")
            }
        }
        XCTAssertThrowsError(try LiveChain.timestamp(of: block("0x" + String(repeating: "f", count: 65)), wallTime: wall), "beyond 256 bits")
        XCTAssertThrowsError(try LiveChain.timestamp(of: ["number": "0x10"], wallTime: wall))
    }
}
