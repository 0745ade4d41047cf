@testable import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// A scan on the devnet, whose Multicall3 is the real contract's bytecode (Tests/Devnet/fixtures/
/// multicall3): one HTTP request for every market, the wallet's USDC, the block and the fees; the same
/// answers without Multicall3 and with batching off; and a market whose read reverts is that market's
/// error while the others still quote.
final class MulticallScanTests: DevnetTestCase {
    var usdc: Address { try! Address(hex: devnet.info.usdc) }

    /// The real Multicall3 reads our `aggregate3` as we meant it: each call answers what a plain
    /// `eth_call` of it answers (long data, no data, a revert and its reason), and a call that may
    /// not fail makes the whole call revert.
    func testTheRealMulticall3AnswersEachCallAsAPlainEthCallWould() async throws {
        let chain = try await devnet.chain()
        let multicall = try Address(hex: devnet.info.multicall3)
        let calls = [
            ContractCall(to: usdc, "balanceOf(address)", [.address(devnet.wallet)], label: "USDC balanceOf"),
            ContractCall(to: try Address(hex: devnet.info.pool), "getReserveData(address)", [.address(usdc)], label: "Aave getReserveData"),
            ContractCall(to: try Address(hex: devnet.info.mToken), "supplyRatePerTimestamp()", label: "Moonwell supplyRatePerTimestamp"),
            ContractCall(to: usdc, "transfer(address,uint256)", [.address(devnet.wallet), .uint(1)], label: "USDC transfer"),
            ContractCall(to: try Address(hex: "0x00000000000000000000000000000000000000bb"), "balanceOf(address)", [.address(devnet.wallet)],
                         label: "no contract"),
        ]
        let aggregated = try await chain.client.read(grouped: calls, multicall: multicall).grouped
        let plain = try await chain.client.read(grouped: calls, multicall: nil).grouped
        let reserve = try await chain.client.call(calls[1])
        XCTAssertEqual(aggregated.map(Self.text), plain.map(Self.text))
        XCTAssertEqual(aggregated.map(Self.text), [
            "ok " + Hex.encode(UInt256(100_000_000_000).bigEndianBytes, prefix: false),
            "ok " + Hex.encode(reserve, prefix: false),
            "ok " + Hex.encode(UInt256(1_268_391_679).bigEndianBytes, prefix: false),
            "failed USDC transfer reverted: ERC20: transfer amount exceeds balance",
            "ok ",
        ])
        XCTAssertEqual(try aggregated[1].get().count, 15 * 32)

        var strict = calls.map { Multicall3.Call(target: $0.to, allowFailure: true, callData: $0.data) }
        strict[3].allowFailure = false
        let refused = await liveError {
            try await chain.client.call(ContractCall(to: multicall, data: Multicall3.aggregate3(strict), label: "aggregate3"))
        }
        XCTAssertEqual(refused, "aggregate3 reverted: Multicall3: call failed")
        strict[3].allowFailure = true
        let allowed = try await chain.client.call(ContractCall(to: multicall, data: Multicall3.aggregate3(strict), label: "aggregate3"))
        XCTAssertEqual(try Multicall3.answers(allowed, count: 5).map(\.success), [true, true, true, false, true])
    }

    /// Twelve markets, the wallet's USDC, the block and the fees: one HTTP request of five JSON-RPC
    /// calls; without Multicall3 still one request, of 113 calls (a rate model is several reads); with batching off five requests.
    /// All three read the same.
    func testAScanOfTwelveMarketsIsOneHTTPRoundTrip() async throws {
        let setUp = try await devnet.chain()
        try await devnet.send(setUp, .approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(1_000)))
        try await devnet.send(setUp, .deposit(.aaveV3, .usdc, LiveDevnet.usdc(1_000)))
        try await devnet.admin("devnet_setAaveRate", ["0x295be96e64066972000000"])  // 5e25 = 5 % APR
        var network = try devnet.network()
        network.markets = [.aaveV3(pool: try Address(hex: devnet.info.pool)), .compoundV2(.moonwell, mToken: try Address(hex: devnet.info.mToken))]
            + (try await more(10))
        XCTAssertEqual(network.markets.count, 12)

        var scans: [ChainScan] = []
        for (multicall, batching, requests, calls) in [(true, true, 1, 5), (false, true, 1, 113), (true, false, 5, 5)] {
            var config = network
            if !multicall { config.multicall3 = nil }
            let chain = try await LiveChain.connect(network: config, signer: try LiveDevnet.signer(),
                                                    options: LiveChainOptions(batchRequests: batching))
            // Without Multicall3 each market read is its own eth_call; the USDC balance and the
            // fee, feed and block calls are five more, whatever the markets.
            let wallet = try Address(hex: chain.walletAddress)
            let marketReads = await chain.adapters.reduce(0) { $0 + $1.scanCalls(wallet: wallet).count }
            if !multicall { XCTAssertEqual(calls, 5 + marketReads, "every market's reads, one eth_call each") }
            let tripsBefore = await chain.client.rpc.roundTrips
            let before = try await devnet.admin("devnet_stats")
            let scan = try await chain.scan(token: .usdc)
            let after = try await devnet.admin("devnet_stats")
            let trips = await chain.client.rpc.roundTrips - tripsBefore
            let label = "multicall \(multicall), batching \(batching)"
            XCTAssertEqual(trips, requests, label)
            // The second devnet_stats counts itself (one request, one call) before it answers.
            XCTAssertEqual((after["http_requests"]?.intValue ?? 0) - (before["http_requests"]?.intValue ?? 0) - 1, requests, label)
            XCTAssertEqual((after["rpc_calls"]?.intValue ?? 0) - (before["rpc_calls"]?.intValue ?? 0) - 1, calls, label)
            scans.append(scan)
        }
        XCTAssertEqual(scans[1], scans[0])
        XCTAssertEqual(scans[2], scans[0])

        let scan = scans[0]
        XCTAssertEqual(scan.markets.count, 12)
        let head = try await devnet.blockNumber()
        XCTAssertEqual(Set(scan.markets.map(\.block)), [head])
        XCTAssertEqual(scan.markets[0].quote.apy, Decimal(string: "5.12711"))
        XCTAssertEqual(scan.markets[0].position, LiveDevnet.usdc(1_000))
        XCTAssertEqual(scan.markets[1].quote.apy.fixed(2), "4.08")
        XCTAssertEqual(scan.markets[2].quote.apy.fixed(2), "4.08", "the first market devnet_deployMarkets added: Moonwell-style, 4 % APR")
        XCTAssertEqual(Set(scan.markets.map(\.quote.marketID.family)), [.aaveV3, .compoundV2, .compoundV3, .erc4626])
        XCTAssertEqual(scan.idle, LiveDevnet.usdc(99_000))
        XCTAssertEqual(scan.fee.ethUSD, 2500)
        let fee = try await setUp.feeQuote()
        XCTAssertEqual(scan.fee, fee, "the scan's fees are what feeQuote reads")
    }

    /// The engine's cycle reads through `scan`: a cycle that moves nothing is one HTTP round trip, and
    /// what it read is what it recorded.
    func testACycleThatMovesNothingIsOneHTTPRoundTrip() async throws {
        var network = try devnet.network()
        network.markets = [.aaveV3(pool: try Address(hex: devnet.info.pool)), .compoundV2(.moonwell, mToken: try Address(hex: devnet.info.mToken))]
        let chain = try await LiveChain.connect(network: network, signer: try LiveDevnet.signer())
        var config = MammonConfig()
        config.supportedProtocols = [.aaveV3, .moonwell]
        config.gates.minRebalanceAmountUSD = 1_000_000  // the wallet's 100 000 idle USDC stay where they are
        let store = try AppDatabase.inMemory()
        let engine = try Engine(config: config, chain: chain, store: store, clock: SystemClock(), approvalMode: .auto)
        await engine.open()
        let before = await chain.client.rpc.roundTrips
        let ok = await engine.runOnce()
        let trips = await chain.client.rpc.roundTrips - before
        XCTAssertTrue(ok)
        XCTAssertEqual(trips, 1)
        let scanned = try store.events(after: 0).compactMap { if case .marketsScanned(_, let markets, let idle) = $0.kind { (markets, idle) } else { nil } }
        XCTAssertEqual(scanned.count, 1)
        XCTAssertEqual(scanned.first?.0.map(\.quote.marketID), [.aaveV3, .moonwell])
        XCTAssertEqual(scanned.first?.1, LiveDevnet.usdc(100_000))
    }

    /// The devnet's own markets, one of each family (the MetaMorpho stand-in's position read in the
    /// same round as the rest): one round trip.
    func testEveryFamilyIsReadInOneRoundTrip() async throws {
        let chain = try await devnet.chain(families: true)
        let before = await chain.client.rpc.roundTrips
        let scan = try await chain.scan(token: .usdc)
        let trips = await chain.client.rpc.roundTrips - before
        XCTAssertEqual(trips, 1)
        XCTAssertEqual(scan.markets.map(\.quote.marketID), [.aaveV3, .moonwell, .morphoVault, LiveDevnet.comet, LiveDevnet.fluid])
    }

    /// A market whose read reverts on chain (Aave's getReserveData cannot fit an index past 2^128 in
    /// its uint128 field): that market's error, named; the others are read and listed; the scan and
    /// the cycle fail rather than count the market as empty — with and without Multicall3.
    func testAMarketWhoseReadRevertsIsThatMarketsErrorAndTheOthersStillQuote() async throws {
        let setUp = try await devnet.chain()
        try await devnet.send(setUp, .approve(.usdc, spender: .moonwell, LiveDevnet.usdc(2_000)))
        try await devnet.send(setUp, .deposit(.moonwell, .usdc, LiveDevnet.usdc(2_000)))
        // Connected first: connect reads getReserveData too (for the aToken), and would refuse.
        let chains = [try await devnet.chain(multicall: true), try await devnet.chain(multicall: false)]
        let engineChain = try await devnet.chain()
        try await devnet.admin("devnet_setAaveIndex", [.string("0x1" + String(repeating: "0", count: 33))])  // 2^132
        // The node words an empty revert "execution reverted"; inside aggregate3 it is empty revert data.
        let reverts = ["Aave getReserveData reverted without a reason", "Aave getReserveData execution reverted"]
        for (chain, revert) in zip(chains, reverts) {
            let reason = "aave-v3 could not be read: \(revert)"
            let listings = try await chain.listings(token: .usdc)
            XCTAssertEqual(listings.map(\.marketID), [.aaveV3, .moonwell, .morphoVault])
            XCTAssertEqual(listings[0].note, "could not be read: \(revert)")
            XCTAssertNil(listings[0].apy)
            XCTAssertNil(listings[0].position, "an unread position is unknown, not zero")
            XCTAssertEqual(listings[1].apy?.fixed(2), "4.08")
            XCTAssertEqual(listings[1].position, LiveDevnet.usdc(2_000))
            XCTAssertEqual(listings[2].tvlUSD, 1_000_000)

            let scanError = await liveError { try await chain.scan(token: .usdc) }
            XCTAssertEqual(scanError, "\(reason) (read: moonwell, morpho-vault)")
            let marketsError = await liveError { try await chain.scanMarkets(token: .usdc) }
            XCTAssertEqual(marketsError, scanError)
            let positionError = await liveError { try await chain.position(in: .aaveV3, token: .usdc) }
            XCTAssertEqual(positionError, revert)
            let moonwell = try await chain.position(in: .moonwell, token: .usdc)
            XCTAssertEqual(moonwell, LiveDevnet.usdc(2_000))
        }

        let store = try AppDatabase.inMemory()
        var config = MammonConfig()
        config.maxTransactionValueUSD = 1_000_000
        let engine = try Engine(config: config, chain: engineChain, store: store, clock: SystemClock(), approvalMode: .auto)
        await engine.open()
        let ok = await engine.runOnce()
        XCTAssertFalse(ok)
        let events = try store.events(after: 0)
        let finished = events.compactMap { if case .scanFinished(_, _, _, _, _, let error) = $0.kind { error } else { nil } }
        XCTAssertEqual(finished, ["market scan failed: aave-v3 could not be read: \(reverts[0]) (read: moonwell, morpho-vault)"])
        XCTAssertFalse(events.contains { if case .marketsScanned = $0.kind { true } else { false } }, "no positions recorded from a partial scan")
    }

    // MARK: - Support

    /// `count` more markets from `devnet_deployMarkets`, read as a network file names them (by family,
    /// each under its own name).
    private func more(_ count: Int) async throws -> [MarketConfig] {
        let entries = try await devnet.admin("devnet_deployMarkets", [.integer(count)]).arrayValue ?? []
        let file: JSONValue = ["name": "bench", "chain_id": .integer(Int(devnet.info.chainID)), "usdc": .string(devnet.info.usdc),
                               "eth_usd_feed": .string(devnet.info.feed), "markets": .array(entries)]
        return try NetworkRegistry.parse(file, source: "devnet_deployMarkets").markets
    }

    private static func text(_ answer: Result<[UInt8], LiveChainError>) -> String {
        switch answer {
        case .success(let data): "ok " + Hex.encode(data, prefix: false)
        case .failure(let error): "failed \(error)"
        }
    }
}
