@testable import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// The node is an untrusted input: secrets in RPC URLs, pinned addresses, bounds on every number
/// it answers, text it sends, and endpoints that report another chain. No devnet: answers are
/// crafted (before these checks, several of them trapped the process).
final class NodeTrustUnitTests: XCTestCase {
    static let secretURL = "https://user:hunter2@base-mainnet.example.com:8443/v2/SECRETKEY?apikey=SECRET2#frag"

    // MARK: - URLs

    func testRPCURLsAreShownWithoutTheirSecrets() {
        XCTAssertEqual(EndpointURL.redacted(Self.secretURL), "https://base-mainnet.example.com:8443/…")
        XCTAssertEqual(EndpointURL.redacted("https://mainnet.base.org"), "https://mainnet.base.org")
        XCTAssertEqual(EndpointURL.redacted("http://127.0.0.1:8545/"), "http://127.0.0.1:8545")
        XCTAssertEqual(EndpointURL.redacted("HTTPS://RPC.Example.com?key=1"), "https://rpc.example.com/…")
        XCTAssertEqual(EndpointURL.redacted("wss://rpc.example.com/KEY"), "wss://…")

        let context = RPCContext(url: Self.secretURL, method: "eth_call")
        let transport = TransportError(url: Self.secretURL, kind: .couldNotConnect, code: 7, message: "refused")
        var health = EndpointHealth(url: Self.secretURL)
        health.recordFailure(.transport(method: "eth_call", transport), at: 0, policy: EndpointPolicy())
        var network = try! NetworkRegistry.builtIn("base")
        network.rpcURLs = [Self.secretURL]
        let texts = [
            RPCError.transport(method: "eth_call", transport).description,
            RPCError.httpStatus(context, status: 500, retryAfter: nil, body: "oops").description,
            RPCError.rpc(context, code: -32000, message: "no", data: nil).description,
            RPCError.noHealthyEndpoint(urls: [Self.secretURL], retryIn: 3).description,
            RPCError.wrongChain(url: Self.secretURL, expected: 8453, reported: 1).description,
            transport.description, health.description,
            LiveChainError.chainIDMismatch(network: "base", expected: 8453, node: 1, url: Self.secretURL).description,
            LiveChainError.insecureEndpoint(url: Self.secretURL, chainID: 8453).description,
            "\(network)",
        ]
        for text in texts {
            XCTAssertTrue(text.contains("https://base-mainnet.example.com:8443/…"), text)
            for secret in ["hunter2", "SECRETKEY", "SECRET2", "v2", "frag"] { XCTAssertFalse(text.contains(secret), text) }
        }
    }

    func testURLsThatSeemToCarryAKeyAreTold() {
        for url in ["https://base-mainnet.g.alchemy.com/v2/Zx9kLmQ2pRt7vWb3nYc4", "https://rpc.example.com/?apikey=x",
                    "https://user:pw@rpc.example.com", "https://base.infura.io/v3/0123456789abcdef0123456789abcdef", Self.secretURL] {
            XCTAssertTrue(EndpointURL.seemsToCarrySecret(url), url)
        }
        for url in ["https://mainnet.base.org", "https://base.llamarpc.com/", "http://127.0.0.1:8545", "https://rpc.example.com/base-mainnet-rpc"] {
            XCTAssertFalse(EndpointURL.seemsToCarrySecret(url), url)
        }
    }

    func testLoopbackIsThisMachineAndLookalikesAreNot() {
        for url in ["http://127.0.0.1:8545", "http://127.1.2.3/", "http://localhost:1", "http://LOCALHOST", "http://[::1]:8545/x",
                    "http://user:pw@127.0.0.1:9"] {
            XCTAssertTrue(EndpointURL.isLoopback(url), url)
        }
        for url in ["http://127.0.0.1.example.com", "http://10.0.0.1", "http://localhost.example.com", "http://[::2]", "http://1270.0.0.1",
                    "http://127.0.0.1@evil.example.com/", "not a url"] {
            XCTAssertFalse(EndpointURL.isLoopback(url), url)
        }
    }

    func testPlainHTTPToAnotherMachineIsRefusedOnBaseMainnet() async throws {
        var file = LiveUnitTests.devnetFile.objectValue!
        file["chain_id"] = 8453
        file["rpc_urls"] = ["http://rpc.example.com/v2/SECRETKEY"]
        do {
            _ = try NetworkRegistry.parse(.object(file), source: "base.json")
            XCTFail("plain http to another machine on chain 8453 was accepted")
        } catch {
            XCTAssertTrue(error.description.contains("\"rpc_urls\" = http://rpc.example.com/…: plain http:// is refused"), error.description)
        }
        file["rpc_urls"] = ["http://127.0.0.1:8545", "https://rpc.example.com/v2/KEY"]
        XCTAssertNoThrow(try NetworkRegistry.parse(.object(file)), "loopback and TLS are fine")
        file["chain_id"] = 31337
        file["rpc_urls"] = ["http://10.1.2.3:8545"]
        XCTAssertNoThrow(try NetworkRegistry.parse(.object(file)), "a devnet or fork on another machine may use plain http")

        // --rpc-url replaces a built-in network's URLs: connect refuses before any request.
        var base = try NetworkRegistry.builtIn("base")
        base.rpcURLs = ["https://ok.example.com", "http://rpc.example.com/v2/SECRETKEY"]
        let error = await liveError { try await LiveChain.connect(network: base, signer: try LiveDevnet.signer()) }
        XCTAssertEqual(error, "refusing the RPC endpoint http://rpc.example.com/…: plain http:// on chain 8453 lets anyone on the path rewrite answers; use https:// (plain http is allowed only to 127.0.0.1, ::1 or localhost)")
    }

    // MARK: - Pins

    func testBuiltInNetworksPinEveryAddressThatReceivesFunds() throws {
        let base = try XCTUnwrap(try NetworkRegistry.builtIn("base").pins)
        func pin(_ role: String) -> String? { base.pinned(AddressRole(rawValue: role))?.checksummed }
        XCTAssertEqual(pin("aave-v3.pool"), "0xA238Dd80C259a72e81d7e4664a9801593F98d1c5")
        XCTAssertEqual(pin("aave-v3.atoken"), "0x4e65fE4DbA92790696d040ac24Aa414708F5c0AB")
        XCTAssertEqual(pin("moonwell.mtoken"), "0xEdc817A28E8B93B03976FBd4a3dDBc9f7D176c22")
        XCTAssertEqual(pin("morpho-vault.vault"), "0xc1256Ae5FF1cf2719D4937adb3bbCCab2E00A2Ca")
        XCTAssertEqual(pin("compound-v3:usdc.comet"), "0xb125E6687d4313864e53df431d5425969c15Eb2F")
        XCTAssertEqual(pin("erc4626:fluid-usdc.vault"), "0xf42f5795D9ac7e9D757dB633D693cD548Cfd9169")
        XCTAssertEqual(pin("erc4626:steakhouse-usdc.vault"), "0xbeeF010f9cb27031ad51e3333f9aF9C6B1228183")
        XCTAssertEqual(pin("erc4626:gauntlet-usdc-prime.vault"), "0xeE8F4eC5672F09119b96Ab6fB59C27E1b7e44b61")
        XCTAssertEqual(pin("erc4626:spark-usdc.vault"), "0x7BfA7C4f149E7415b73bdeDfe609237e29CBF34A")
        // Every market of the network that can receive funds has its address pinned, and nothing else is.
        let network = try NetworkRegistry.builtIn("base")
        let receiving = network.markets.compactMap { $0.role }
        XCTAssertEqual(Set(base.markets.keys), Set(receiving + [.aavePool, .aaveAToken]), "the Pool comes from its provider, the aToken from the Pool")
        for market in network.markets { if let role = market.role { XCTAssertEqual(base.pinned(role), market.address, role.rawValue) } }
        XCTAssertEqual(base.usdc.checksummed, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
        XCTAssertEqual(base.usdcDecimals, 6)
        XCTAssertEqual(base.ethUSDFeed.checksummed, "0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70")
        let sepolia = try XCTUnwrap(try NetworkRegistry.builtIn("base-sepolia").pins)
        XCTAssertEqual(sepolia.pinned(.aavePool)?.checksummed, "0xbE781D7Bdf469f3d94a62Cdcc407aCe106AEcA74")
        XCTAssertEqual(sepolia.pinned(.aaveAToken)?.checksummed, "0xfE45Bf4dEF7223Ab1Bf83cA17a4462Ef1647F7FF")
        XCTAssertNil(try NetworkRegistry.parse(LiveUnitTests.devnetFile).pins, "network files are recorded by the engine, not pinned")

        let rogue = try Address(hex: "0x00000000000000000000000000000000000000bb")
        XCTAssertThrowsError(try base.check(.aavePool, rogue, source: "PoolAddressesProvider getPool()", network: "base")) { error in
            XCTAssertEqual("\(error)", "refusing to sign: aave-v3.pool is pinned to 0xA238Dd80C259a72e81d7e4664a9801593F98d1c5 but PoolAddressesProvider getPool() reports \(rogue.checksummed); an endpoint that answers with another contract would receive the funds — check the RPC URL (nothing was sent)")
        }
        XCTAssertThrowsError(try sepolia.check(.market(.moonwell, "mtoken"), rogue, source: "configuration", network: "base-sepolia")) { error in
            XCTAssertTrue("\(error)".contains("no compiled-in address for moonwell.mtoken"), "\(error)")
        }
        // The engine stores these names: the original markets' roles must read as they always did.
        XCTAssertEqual([AddressRole.usdc, .ethUSDFeed, .aavePool, .aaveAToken, .market(.moonwell, "mtoken"), .market(.morphoVault, "vault")]
                        .map(\.rawValue),
                       ["usdc", "eth-usd-feed", "aave-v3.pool", "aave-v3.atoken", "moonwell.mtoken", "morpho-vault.vault"])
        XCTAssertEqual(AddressRole.market(try XCTUnwrap(MarketID(rawValue: "compound-v3:usdc")), "comet").rawValue, "compound-v3:usdc.comet")
    }

    func testANetworkFileOfABuiltInChainIDGetsItsCompiledPins() async throws {
        // Mainnet through a file, under any name: the compiled pins apply, not trust on first use.
        var file = LiveUnitTests.devnetFile.objectValue!
        file["chain_id"] = 8453
        file["name"] = "my-base"
        file["rpc_urls"] = ["https://rpc.example.com/v2/KEY"]
        let fork = try NetworkRegistry.parse(.object(file), source: "my-base.json")
        XCTAssertEqual(fork.pins, try NetworkRegistry.builtIn("base").pins)
        // Its own USDC is refused before any request is made.
        let error = await liveError { try await LiveChain.connect(network: fork, signer: try LiveDevnet.signer()) }
        XCTAssertEqual(error, "refusing to sign: usdc is pinned to 0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913 but the network's configuration reports 0x5FbDB2315678afecb367f032d93F642f64180aa3; an endpoint that answers with another contract would receive the funds — check the RPC URL (nothing was sent)")
        file["chain_id"] = 84532
        XCTAssertEqual(try NetworkRegistry.parse(.object(file)).pins, try NetworkRegistry.builtIn("base-sepolia").pins)
        file["chain_id"] = 31337
        XCTAssertNil(try NetworkRegistry.parse(.object(file)).pins, "another chain id: recorded on first use")
    }

    // MARK: - Numbers

    func testAbsurdFeeInputsAreTypedErrorsNotTraps() throws {
        func history(_ baseFee: String) -> JSONValue { ["baseFeePerGas": ["0x1", .string(baseFee)], "oldestBlock": "0x1"] }
        let tip: Result<JSONValue, RPCError> = .success("0xf4240")
        // 2^127 fits UInt128: `2 * baseFee` trapped here before.
        XCTAssertThrowsError(try EthClient.feeInputs(history: history("0x80000000000000000000000000000000"), tip: tip)) { error in
            XCTAssertTrue("\(error)".contains("eth_feeHistory base fee answered 170141183460469231731687303715884105728 wei"), "\(error)")
        }
        XCTAssertThrowsError(try EthClient.feeInputs(history: history("0x" + String(repeating: "f", count: 64)), tip: tip))
        XCTAssertThrowsError(try EthClient.feeInputs(history: history("0x3b9aca00"), tip: .success(.string("0x" + String(repeating: "f", count: 63)))),
                             "an absurd tip is refused, not replaced by the default") { error in
            XCTAssertTrue("\(error)".hasPrefix("eth_maxPriorityFeePerGas answered "), "\(error)")
        }
        XCTAssertThrowsError(try EthClient.feeInputs(history: history("0x3b9aca00"), tip: .success("nonsense")))
        let missing = RPCError.rpc(RPCContext(url: "", method: "eth_maxPriorityFeePerGas"), code: -32601, message: "method not found", data: nil)
        let fallback = try EthClient.feeInputs(history: history("0x3b9aca00"), tip: .failure(missing))
        XCTAssertEqual(fallback.baseFee, 1_000_000_000)
        XCTAssertEqual(fallback.tip, 1_000_000, "a node without the method gets Base's floor")
        XCTAssertEqual(FeePolicy.fees(baseFee: .max, tip: 1).maxFeePerGas, .max, "the rule saturates instead of trapping")
    }

    func testAbsurdReceiptsAreTypedErrorsNotTraps() throws {
        func receipt(_ edit: (inout [String: JSONValue]) -> Void) -> JSONValue {
            var r: [String: JSONValue] = ["status": "0x1", "blockNumber": "0x10", "gasUsed": "0xc350", "effectiveGasPrice": "0x3b9aca00", "logs": []]
            edit(&r)
            return .object(r)
        }
        let fine = try EthClient.parseReceipt(receipt { _ in }, hash: "0xab")
        XCTAssertEqual(fine.gasUsed, 50_000)
        XCTAssertEqual(fine.effectiveGasPrice, 1_000_000_000)
        for (key, value, words) in [("effectiveGasPrice", "0x80000000000000000000000000000000", "effectiveGasPrice answered 170141183460469231731687303715884105728 wei"),
                                    ("gasUsed", "0x8000000000000000", "gasUsed answered 9223372036854775808"),
                                    ("l1Fee", "0xde0b6b3a7640001", "l1Fee answered 1000000000000000001 wei"),
                                    ("l1Fee", "0xzz", "no l1Fee")] {
            XCTAssertThrowsError(try EthClient.parseReceipt(receipt { $0[key] = .string(value) }, hash: "0xab"), key) { error in
                XCTAssertTrue("\(error)".contains(words), "\(error)")
            }
        }
        // What the engine computes from a receipt never traps, whatever it holds.
        let absurd = TransactionReceipt(hash: "0xab", succeeded: true, blockNumber: 1, gasUsed: .max, effectiveGasPriceWei: .max, l1FeeWei: .max)
        XCTAssertEqual(absurd.totalFeeWei, .max)
        XCTAssertGreaterThan(absurd.feeUSD(ethUSD: 2500), 0)
        let real = TransactionReceipt(hash: "0xab", succeeded: true, blockNumber: 1, gasUsed: 50_000, effectiveGasPriceWei: 2_000_000, l1FeeWei: 7)
        XCTAssertEqual(real.totalFeeWei, 100_000_000_007)
        XCTAssertEqual(real.feeUSD(ethUSD: 2000), Decimal(string: "0.000200000000014"))
    }

    func testMarketReadingsOutOfRangeAreTypedErrorsNotTraps() throws {
        let usdc = try Address(hex: "0x00000000000000000000000000000000000000aa")
        func word(_ v: UInt256) -> [UInt8] { ABI.encode([.uint(v)]) }
        let big = UInt256(1) << 200
        let model = try Address(hex: "0x00000000000000000000000000000000000000b0")
        let moonwell = try MoonwellAdapter(mToken: try Address(hex: "0x00000000000000000000000000000000000000bb"), usdc: usdc, decimals: 6,
                                           resolution: [ABI.encode([.address(usdc)]), ABI.encode([.address(model)])])
        let cash = word(UInt256(1_000_000_000_000))
        let curve = [word(0), word(1_585_489_599), word(95_129_375_951), word(UInt256(800_000_000_000_000_000))]
        let sane = [word(1_585_489_599), word(5_000_000_000), word(200_000_000_000_000), word(UInt256(5_000_000_000_000_000)), cash,
                    word(UInt256(400_000_000_000)), word(UInt256(100_000_000_000_000_000)), ABI.encode([.address(model)])] + curve
        let reading = try moonwell.reading(first: sane, second: [])
        XCTAssertEqual(reading.position, 1_000_000)
        XCTAssertEqual(reading.liquidity, 1_000_000_000_000)
        // The exchange rate: 2^200 × the supply overflowed 256 bits (a trap) before.
        var lie = sane
        lie[2] = word(big)
        XCTAssertThrowsError(try moonwell.reading(first: lie, second: [])) { error in
            XCTAssertEqual("\(error)", "Moonwell exchangeRateStored answered \(big.decimalString), outside what the protocol allows (at most 100000000000000000000); the node cannot be trusted with this read, nothing was sent")
        }
        lie = sane
        lie[0] = word(UInt256(100_000_000_000))  // 1e-7 per second: (1 + 0.00864)^365 − 1 ≈ 2 200 %
        XCTAssertThrowsError(try moonwell.reading(first: lie, second: [])) { error in
            XCTAssertTrue("\(error)".contains("an APY of at most 1000 %"), "\(error)")
        }
        lie[0] = word(.max)
        XCTAssertThrowsError(try moonwell.reading(first: lie, second: []))
        lie = sane
        lie[1] = word(.max)
        XCTAssertThrowsError(try moonwell.reading(first: lie, second: []), "an mToken balance beyond 2^128")

        var reserve = [UInt8](repeating: 0, count: 15 * 32)
        reserve.replaceSubrange(8 * 32 + 12..<9 * 32, with: try Address(hex: "0x00000000000000000000000000000000000000cc").bytes)
        reserve.replaceSubrange(10 * 32 + 12..<11 * 32, with: try Address(hex: "0x00000000000000000000000000000000000000c1").bytes)
        reserve.replaceSubrange(11 * 32 + 12..<12 * 32, with: try Address(hex: "0x00000000000000000000000000000000000000c2").bytes)
        let aave = try AaveV3Adapter(pool: try Address(hex: "0x00000000000000000000000000000000000000dd"), usdc: usdc, decimals: 6,
                                     reserveData: reserve)
        let ray = UInt256.powerOfTen(27)!
        let strategy = ABI.encode([.uint(ray * UInt256(9) / UInt256(10)), .uint(.zero), .uint(ray / UInt256(20)), .uint(ray * UInt256(6) / UInt256(10))])
        func aaveReading(rate: UInt256, balance: UInt256 = 7, strategy: [UInt8] = strategy) throws -> MarketReading {
            var data = reserve
            data.replaceSubrange(64..<96, with: rate.bigEndianBytes)
            return try aave.reading(first: [data, word(balance), word(1_000), word(900), word(100), strategy], second: [])
        }
        XCTAssertEqual(try aaveReading(rate: UInt256(50_000_000) * UInt256(1_000_000_000_000_000_000)).apy, Decimal(string: "5.12711"))
        XCTAssertEqual(try aaveReading(rate: 1).liquidity, 900)
        XCTAssertThrowsError(try aaveReading(rate: UInt256.powerOfTen(28)!), "10 = 1 000 % APR compounds to 2 200 000 % APY")
        XCTAssertThrowsError(try aaveReading(rate: big))
        XCTAssertThrowsError(try aaveReading(rate: 1, balance: big)) { error in
            XCTAssertTrue("\(error)".hasPrefix("Aave aToken balanceOf answered \(big.decimalString)"), "\(error)")
        }

        let vault = try ERC4626Adapter(.morphoVault, vault: try Address(hex: "0x00000000000000000000000000000000000000ee"), name: nil, usdc: usdc,
                                       decimals: 6, resolution: [ABI.encode([.address(usdc)])])
        let price = word(UInt256.powerOfTen(18)!)
        let good = try vault.reading(first: [word(0), word(2_000), price, word(300), word(500)], second: [])
        XCTAssertEqual(good.liquidity, 500, "the larger of idle USDC and maxWithdraw")
        XCTAssertThrowsError(try vault.reading(first: [word(0), word(2_000), word(0), word(300), word(500)], second: []),
                             "a share price of 0")
        XCTAssertThrowsError(try vault.reading(first: [word(0), word(2_000), word(.max), word(300), word(500)], second: []))
        // Shares of 2^127 at the largest price allowed: the product passes 256 bits, an error rather than a trap.
        XCTAssertThrowsError(try vault.reading(first: [word(UInt256(1) << 127), word(2_000), word(NodeBounds.maxVaultSharePrice), word(300), word(500)],
                                               second: []))
        XCTAssertThrowsError(try vault.reading(first: [word(UInt256(1) << 128), word(2_000), price, word(300), word(500)], second: []),
                             "more shares than 2^128")
    }

    func testGasLimitAboveTheCapIsRefusedBeforeSigning() throws {
        XCTAssertEqual(try LiveChain.gasLimit(estimate: 100_000, margin: 25, cap: 500_000, call: "Aave supply"), 125_000)
        XCTAssertThrowsError(try LiveChain.gasLimit(estimate: 450_000, margin: 25, cap: 500_000, call: "Aave supply")) { error in
            XCTAssertEqual("\(error)", "Aave supply: eth_estimateGas says 450000 gas, so the gas limit would be 562500, above the cap of 500000 for this step; not signed")
        }
        XCTAssertThrowsError(try LiveChain.gasLimit(estimate: .max, margin: 25, cap: 500_000, call: "Aave supply"), "× margin overflowed before")
        XCTAssertThrowsError(try LiveChain.gasLimit(estimate: 0, margin: 25, cap: 500_000, call: "Aave supply"))
        XCTAssertEqual(GasLimitCaps.cap(for: .approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(1))), 100_000)
        XCTAssertEqual(GasLimitCaps.cap(for: .deposit(.morphoVault, .usdc, LiveDevnet.usdc(1))), 1_500_000)
        for p in [MarketID.aaveV3, .moonwell, .morphoVault] {
            XCTAssertGreaterThanOrEqual(GasLimitCaps.withdraw(p), 2 * GasUnits.withdraw(p))
            XCTAssertGreaterThanOrEqual(GasLimitCaps.deposit(p), 2 * GasUnits.deposit(p))
        }
    }

    func testFeedAgeCountsFromTheWallClockAndThePriceMustBeBelievable() throws {
        let feed = PriceFeed(address: .zero, decimals: 8, maxAgeSeconds: 3600, minUSD: 100, maxUSD: 100_000)
        func round(_ answer: UInt256, updated: UInt64) -> [UInt8] {
            ABI.encode([.uint(5), .uint(answer), .uint(UInt256(updated)), .uint(UInt256(updated)), .uint(5)])
        }
        let fresh = round(250_000_000_000, updated: 1_000_000)
        XCTAssertEqual(try feed.price(from: fresh, blockTime: 1_000_010, wallTime: 1_000_020), 2500)
        // The node serves an old block whose round matches it: the wall clock says it is 2 hours old.
        XCTAssertThrowsError(try feed.price(from: fresh, blockTime: 1_000_010, wallTime: 1_007_200)) { error in
            XCTAssertTrue("\(error)".contains("is stale: last update at 1000000, 7200 s ago"), "\(error)")
        }
        XCTAssertThrowsError(try feed.price(from: round(250_000_000_000, updated: 2_000_000), blockTime: 1_000_010, wallTime: 1_000_020),
                             "a round from the future") { error in
            XCTAssertTrue("\(error)".hasPrefix("ETH/USD latestRoundData updatedAt answered 2000000"), "\(error)")
        }
        XCTAssertThrowsError(try feed.price(from: round(250_000_000_000, updated: .max), blockTime: .max, wallTime: 1_000_010),
                             "a node whose block and round are both in the far future")
        XCTAssertThrowsError(try feed.price(from: round(150_000_000, updated: 1_000_000), blockTime: 1_000_010, wallTime: 1_000_010)) { error in
            XCTAssertEqual("\(error)", "ETH/USD feed 0x0000000000000000000000000000000000000000 answered 1.5 USD, outside ETH_USD_MIN 100 to ETH_USD_MAX 100000; spending is blocked until it is back in bounds")
        }
        XCTAssertThrowsError(try feed.price(from: round(UInt256.powerOfTen(20)!, updated: 1_000_000), blockTime: 1_000_010, wallTime: 1_000_010))
    }

    // MARK: - Text and endpoints

    func testNodeTextIsCutWhereItEnters() {
        let context = RPCContext(url: "http://127.0.0.1:1", method: "eth_call")
        let long = String(repeating: "x", count: 100_000)
        guard case .rpc(_, _, let message, let data) = JSONRPCClient.mapError(["code": -32000, "message": .string(long),
                                                                               "data": .string(long)], context: context) else {
            return XCTFail("not an RPC error")
        }
        XCTAssertEqual(message.count, 500)
        XCTAssertTrue(message.hasSuffix("…"))
        XCTAssertLessThanOrEqual(data?.serialized.count ?? 0, 502)
        let reason = "0x08c379a0" + ABI.encode([.string(long)]).map { String(format: "%02x", $0) }.joined()
        let reverted = EthClient.mapCallError(JSONRPCClient.mapError(["code": 3, "message": "execution reverted", "data": .string(String(reason.prefix(3000)))],
                                                                     context: context), label: "Aave supply")
        XCTAssertLessThanOrEqual(reverted.description.count, 520, reverted.description)
        XCTAssertEqual(NodeText.cut("short"), "short")
    }

    func testEndpointDownAtStartIsCheckedWhenItComesUpAndSetAsideForAnotherChain() async throws {
        let clock = ManualClock()
        let late = ScriptedTransport(url: "https://late.example.com/KEY", chainID: 1, down: true)
        let good = ScriptedTransport(url: "https://good.example.com", chainID: 8453)
        // Head checks off: this counts what each endpoint is asked by the calls themselves (a head
        // check asks the chain id first as well: StaleHeadTests).
        let client = JSONRPCClient(transports: [late, good],
                                   policy: EndpointPolicy(failuresBeforeUnhealthy: 1, unhealthyCooldown: 30, headCheckInterval: nil),
                                   clock: clock, chainID: 8453, verifiedURLs: [good.url])
        let first = try await client.request("eth_blockNumber")
        XCTAssertEqual(first, "0x1", "served by the endpoint checked at start")
        XCTAssertEqual(late.methods, [])

        late.down = false
        clock.advance(by: 31)
        let second = try await client.request("eth_blockNumber")
        XCTAssertEqual(second, "0x1")
        XCTAssertEqual(late.methods, ["eth_chainId"], "asked for its chain before anything else, then never used")
        let health = await client.endpointHealth()
        guard case .wrongChain(_, let expected, let reported)? = health[0].refusal else { return XCTFail("\(health[0])") }
        XCTAssertEqual([expected, reported], [8453, 1])
        XCTAssertTrue(health[0].description.contains("refusing the RPC endpoint https://late.example.com/…: it reports chain 1"), health[0].description)

        clock.advance(by: 3600)
        _ = try await client.batch([RPCCall("eth_blockNumber"), RPCCall("eth_gasPrice")])
        XCTAssertEqual(late.methods, ["eth_chainId"], "set aside for good")
        XCTAssertEqual(good.methods, ["eth_blockNumber", "eth_blockNumber", "eth_blockNumber", "eth_gasPrice"])

        // Alone, it is refused with its own error rather than "no healthy endpoint".
        let alone = JSONRPCClient(transports: [ScriptedTransport(url: "https://other.example.com", chainID: 10)], clock: clock, chainID: 8453)
        let failure = await rpcError { try await alone.request("eth_blockNumber") }
        guard case .wrongChain? = failure else { return XCTFail("\(String(describing: failure))") }
        let again = await rpcError { try await alone.request("eth_blockNumber") }
        guard case .wrongChain? = again else { return XCTFail("\(String(describing: again))") }
    }

    // MARK: - Vault share prices

    func testSharePricesStoredPer1e18SharesAreScaledToTheNewResolution() throws {
        let vault = try Address(hex: "0x00000000000000000000000000000000000000ee")
        let legacy = vault.lowercased
        let tagged = LiveChain.sharePriceStoreKey(vault: vault)
        XCTAssertEqual(tagged, legacy + "@1e30")
        let migrated = SharePriceHistory.migrated([legacy: [SharePriceObservation(timestamp: 100, price: 1_000_000)],
                                                   "unrelated": [SharePriceObservation(timestamp: 1, price: 1)]])
        XCTAssertEqual(migrated[tagged], [SharePriceObservation(timestamp: 100, price: UInt256.powerOfTen(18)!)])
        XCTAssertEqual(migrated[legacy], [], "emptied, so the next save deletes the old rows")
        XCTAssertEqual(migrated["unrelated"]?.count, 1)

        // One unit of the new resolution over an hour is far below 0.01 percentage points…
        var history = SharePriceHistory(minimumWindow: 3600, observations: migrated[tagged]!)
        let price = UInt256.powerOfTen(18)!
        let measured = history.record(price: price + UInt256(1), at: 3_700)
        XCTAssertTrue(measured.measured)
        XCTAssertLessThan(measured.apy, Decimal(string: "0.01")!)
        // … where one unit of the old one (10^-6) was about 0.9 of them.
        XCTAssertGreaterThan(APYMath.sharePriceAPY(from: 1_000_000, to: 1_000_001, seconds: 3600), Decimal(string: "0.8")!)

        var fresh = SharePriceHistory(minimumWindow: 3600)
        let first = fresh.record(price: price, at: 1_000)
        XCTAssertFalse(first.measured, "no window yet: the APY is not a rate")
        XCTAssertEqual(first.apy, 0)
    }
}
