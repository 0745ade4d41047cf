import EVM
import Chain
import Foundation
import XCTest

/// The JSON-RPC client against a real EVM: Tests/Devnet/devnet.py with the markets deployed,
/// one process for the class, each test starting from the same snapshot.
final class DevnetRPCTests: XCTestCase {
    private static let shared = SharedDevnet()
    private var devnet: DevnetHarness!
    private var client: JSONRPCClient!
    private var snapshot: JSONValue?

    override func setUp() async throws {
        devnet = try await Self.shared.harness()
        client = try devnet.client()
        snapshot = try await client.request("evm_snapshot")
    }

    override func tearDown() async throws {
        if let snapshot {
            let reverted = try await client.request("evm_revert", [snapshot])
            XCTAssertEqual(reverted, true, "the next test would inherit this one's state")
        }
    }

    override class func tearDown() {
        shared.stop()
        super.tearDown()
    }

    func testChainIDBlockNumberAndBalances() async throws {
        let chainID = try await client.chainID()
        XCTAssertEqual(chainID, 31337)
        // One block per transaction: the deployment and the wallet's funding (ETH, USDC).
        let blockNumber = try await client.blockNumber()
        XCTAssertEqual(blockNumber, UInt64(devnet.info.deployTransactions))
        let walletBalance = try await client.balance(of: DevnetHarness.walletAddress)
        XCTAssertEqual(walletBalance, DevnetHarness.walletETH)
        let emptyBalance = try await client.balance(of: "0x00000000000000000000000000000000000000bb")
        XCTAssertEqual(emptyBalance, "0x0")
    }

    func testBatchIsOneRoundTripWithAnswersMatchedByID() async throws {
        let tripsBefore = await client.roundTrips
        let statsBefore = try await client.request("devnet_stats")
        let balanceOf = try TestABI.calldata("0x70a08231", TestABI.word(address: DevnetHarness.walletAddress))
        let results = try await client.batch([
            RPCCall("eth_chainId"),
            RPCCall("eth_blockNumber"),
            RPCCall("eth_getBalance", [.string(DevnetHarness.walletAddress), "latest"]),
            RPCCall("eth_call", [["to": .string(devnet.info.usdc), "data": .string(Hex.data(balanceOf))], "latest"]),
            RPCCall("eth_noSuchMethod"),
            RPCCall("eth_maxPriorityFeePerGas"),
        ])
        let statsAfter = try await client.request("devnet_stats")

        XCTAssertEqual(results.count, 6)
        XCTAssertEqual(try results[0].get(), "0x7a69")
        XCTAssertEqual(try results[2].get(), .string(DevnetHarness.walletETH))
        let usdcWord = try Hex.parseData(try results[3].get().stringValue ?? "")
        XCTAssertEqual(Hex.quantity(fromData: usdcWord), DevnetHarness.walletUSDC)
        guard case .failure(.rpc(let context, let code, _, _)) = results[4] else {
            return XCTFail("unknown method should fail on its own: \(results[4])")
        }
        XCTAssertEqual(code, -32601)
        XCTAssertEqual(context.method, "eth_noSuchMethod")
        XCTAssertEqual(try results[5].get(), "0xf4240")
        // The stats request after the batch is counted too: batch + that one = 2 HTTP requests.
        let httpBefore = statsBefore["http_requests"]?.intValue ?? -1
        XCTAssertEqual(statsAfter["http_requests"]?.intValue, httpBefore + 2)
        XCTAssertEqual(statsAfter["rpc_calls"]?.intValue, (statsBefore["rpc_calls"]?.intValue ?? 0) + 7)
        let roundTrips = await client.roundTrips
        XCTAssertEqual(roundTrips, tripsBefore + 3)
    }

    func testGetReserveDataHasTheRateWordAndATokenWhereAaveHasThem() async throws {
        let getReserveData = try TestABI.calldata("0x35ea6a75", TestABI.word(address: devnet.info.usdc))
        let before = try await client.call(to: devnet.info.pool, data: getReserveData)
        XCTAssertEqual(before.count, 15 * 32, "ReserveDataLegacy is 15 static words")
        XCTAssertEqual(Hex.quantity(fromData: try Hex.word(2, of: before)), "0x18d0bf423c03d8de000000")  // 3e25 ray
        XCTAssertEqual(Hex.quantity(fromData: try Hex.word(1, of: before)), "0x33b2e3c9fd0803ce8000000")  // index 1 ray
        XCTAssertEqual(Hex.data(try Hex.word(8, of: before).suffix(20)), devnet.info.aToken.lowercased())

        _ = try await client.request("devnet_setAaveRate", ["0x295be96e64066972000000"])  // 5e25 = 5% APR
        let after = try await client.call(to: devnet.info.pool, data: getReserveData)
        XCTAssertEqual(Hex.quantity(fromData: try Hex.word(2, of: after)), "0x295be96e64066972000000")
    }

    func testRawTransactionSignedByPythonIsMinedWithAReceipt() async throws {
        let recipient = "0x00000000000000000000000000000000000000cc"
        let nonce = try await client.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        let latest = try await client.request("eth_getBlockByNumber", ["latest", false])
        let baseFee = try Hex.parseQuantity(latest["baseFeePerGas"]?.stringValue ?? "")
        let tip = try await client.requestQuantity("eth_maxPriorityFeePerGas")
        let signed = try await signWithPython([
            "private_key": .string(DevnetHarness.walletKey), "chain_id": 31337, "nonce": .string(Hex.quantity(nonce)),
            "to": .string(recipient), "value": 12345, "gas": 21000,
            "max_fee_per_gas": .string(Hex.quantity(2 * baseFee + tip)),
            "max_priority_fee_per_gas": .string(Hex.quantity(tip)),
        ])

        let started = Date()
        let hash = try await client.sendRawTransaction(signed.raw)
        var receipt: JSONValue?
        for _ in 0..<50 where receipt == nil {
            receipt = try await client.transactionReceipt(hash)
        }
        let elapsed = Date().timeIntervalSince(started)
        print("devnet: send + receipt in \(Int(elapsed * 1000)) ms")

        XCTAssertEqual(hash, signed.hash)
        let mined = try XCTUnwrap(receipt, "no receipt for \(hash)")
        XCTAssertEqual(mined["status"], "0x1")
        XCTAssertEqual(mined["gasUsed"], "0x5208")
        XCTAssertEqual(mined["type"], "0x2")
        let received = try await client.balance(of: recipient)
        XCTAssertEqual(received, "0x3039")
        let nextNonce = try await client.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "latest"])
        XCTAssertEqual(nextNonce, nonce + 1)
    }

    func testTransactionSignedForAnotherChainIsRejected() async throws {
        let signed = try await signWithPython([
            "private_key": .string(DevnetHarness.walletKey), "chain_id": 8453, "nonce": 0,
            "to": "0x00000000000000000000000000000000000000cc", "value": 1, "gas": 21000,
            "max_fee_per_gas": "0x3b9aca00", "max_priority_fee_per_gas": "0xf4240",
        ])
        let failure = await rpcError { try await client.sendRawTransaction(signed.raw) }
        guard case .rpc(_, let code, let message, _)? = failure else {
            return XCTFail("a Base-signed transaction must not be accepted by chain 31337, got \(String(describing: failure))")
        }
        XCTAssertEqual(code, -32000)
        XCTAssertTrue(message.contains("have 8453 want 31337"), message)
        let received = try await client.balance(of: "0x00000000000000000000000000000000000000cc")
        XCTAssertEqual(received, "0x0")
    }

    func testRevertKeepsTheRawRevertData() async throws {
        // withdraw(address asset, uint256, address) of an asset the pool does not list.
        let withdraw = try TestABI.calldata("0x69328dec", TestABI.word(1), TestABI.word(1), TestABI.word(address: DevnetHarness.walletAddress))
        let failure = await rpcError { try await client.call(to: devnet.info.pool, data: withdraw) }
        guard case .executionReverted(let context, let message, let data)? = failure else {
            return XCTFail("withdraw of an unlisted asset must revert, got \(String(describing: failure))")
        }
        XCTAssertEqual(context.method, "eth_call")
        XCTAssertEqual(message, "execution reverted")
        let revert = try Hex.parseData(try XCTUnwrap(data))
        XCTAssertEqual(Array(revert.prefix(4)), [0x08, 0xc3, 0x79, 0xa0], "Error(string) selector")
        XCTAssertTrue(String(decoding: revert.dropFirst(68), as: UTF8.self).hasPrefix("POOL: reserve not listed"))
    }

    func testMTokenMintReturnsTheErrorCodeWhenSwitched() async throws {
        let mint = try TestABI.calldata("0xa0712d68", TestABI.word(1_000_000))
        _ = try await client.request("devnet_failNextMint", ["0x3"])
        let result = try await client.call(to: devnet.info.mToken, data: mint, from: DevnetHarness.walletAddress)
        XCTAssertEqual(Hex.quantity(fromData: result), "0x3", "COMPTROLLER_REJECTION returned, not reverted")
    }

    func testJSONRPCErrorsKeepCodeAndMessage() async throws {
        let failure = await rpcError { try await client.request("eth_getBalance", ["not-an-address", "latest"]) }
        guard case .rpc(let context, let code, let message, _)? = failure else {
            return XCTFail("a bad address must be refused, got \(String(describing: failure))")
        }
        XCTAssertEqual(code, -32602)
        XCTAssertEqual(context.url, devnet.info.rpcURL)
        XCTAssertFalse(message.isEmpty)
        let health = await client.endpointHealth()
        XCTAssertEqual(health[0].consecutiveFailures, 0, "a JSON-RPC error is an answer, not an endpoint failure")
    }

    func testFeeHistoryHasOneMoreBaseFeeThanBlocks() async throws {
        let history = try await client.request("eth_feeHistory", ["0x4", "latest", [.number("25"), .number("75")]])
        XCTAssertEqual(history["baseFeePerGas"]?.arrayValue?.count, 5)
        XCTAssertEqual(history["gasUsedRatio"]?.arrayValue?.count, 4)
        XCTAssertEqual(history["reward"]?.arrayValue?.first?.arrayValue?.count, 2)
        let latest = try await client.blockNumber()
        XCTAssertEqual(history["oldestBlock"]?.stringValue, Hex.quantity(latest - 3))
    }

    func testPinnedBaseFeeShowsInBlocksAndFeeHistory() async throws {
        _ = try await client.request("devnet_setBaseFee", ["0x2e90edd000"])  // 200 gwei
        _ = try await client.request("evm_mine")
        let latest = try await client.request("eth_getBlockByNumber", ["latest", false])
        XCTAssertEqual(latest["baseFeePerGas"], "0x2e90edd000")
        let history = try await client.request("eth_feeHistory", ["0x1", "latest", []])
        XCTAssertEqual(history["baseFeePerGas"], ["0x2e90edd000", "0x2e90edd000"])
    }

    func testUnreachableFirstEndpointFailsOverToTheSecond() async throws {
        let dead = unreachableURL()
        // Head checks off: this counts the call's own failover (a head check would ask both first).
        let client = try JSONRPCClient(urls: [dead, devnet.info.rpcURL], policy: EndpointPolicy(headCheckInterval: nil), clock: ManualClock())
        let chainID = try await client.chainID()
        XCTAssertEqual(chainID, 31337)
        let health = await client.endpointHealth()
        XCTAssertEqual(health[0].consecutiveFailures, 1)
        guard case .transport(_, let error)? = health[0].lastError else {
            return XCTFail("expected a transport error on \(dead), got \(String(describing: health[0].lastError))")
        }
        XCTAssertEqual(error.kind, .couldNotConnect)
        XCTAssertEqual(error.code, 7)
        XCTAssertEqual(health[1].roundTrips, 1)
        XCTAssertEqual(health[1].consecutiveFailures, 0)
    }

    func testConnectionIsKeptAlive() async throws {
        let transport = try CurlTransport(url: devnet.info.rpcURL)
        let request: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []]
        let body = request.utf8Bytes
        let first = try await transport.post(body)
        let second = try await transport.post(body)
        XCTAssertEqual(first.status, 200)
        XCTAssertFalse(first.reusedConnection)
        XCTAssertTrue(second.reusedConnection, "the second request should ride the first connection")
    }
}

/// A node reporting another chain id (`--chain-id`), for the engine's refusal to sign.
final class DevnetWrongChainTests: XCTestCase {
    private var devnet: DevnetHarness?

    override func tearDown() async throws {
        devnet?.stop()
    }

    func testNodeReportsTheChainIDItWasStartedWith() async throws {
        let devnet = try await DevnetHarness.start(chainID: 1, deploy: false)
        self.devnet = devnet
        let client = try devnet.client()
        let chainID = try await client.chainID()
        XCTAssertEqual(chainID, 1)
    }
}
