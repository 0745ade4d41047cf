import EVM
import Chain
import XCTest

/// Tests/Devnet/fault_proxy.py between the client and a real devnet: faults armed on command, and a
/// stuck mempool that holds a signed transaction back until flushed.
final class FaultProxyTests: XCTestCase {
    private var devnet: DevnetHarness!
    private var proxy: PythonServer!
    private var clock: ManualClock!
    private var proxyURL = ""
    private var client: JSONRPCClient!
    /// Arms and clears faults; separate, so the client under test marking the endpoint unhealthy
    /// never blocks the test's own commands.
    private var control: JSONRPCClient!

    override func setUp() async throws {
        devnet = try await DevnetHarness.start(deploy: true)
        proxy = try await PythonServer.start(script: "fault_proxy.py", arguments: ["--watch-stdin", "--upstream", devnet.info.rpcURL])
        proxyURL = proxy.readyLine["proxy_url"]?.stringValue ?? ""
        clock = ManualClock()
        client = try JSONRPCClient(urls: [proxyURL], clock: clock)
        control = try JSONRPCClient(urls: [proxyURL])
    }

    override func tearDown() async throws {
        proxy?.stop()
        devnet?.stop()
    }

    private func arm(_ mode: String, count: Int = 1) async throws {
        _ = try await control.request("proxy_setFault", [.object(["mode": .string(mode), "count": .number(String(count))])])
    }

    func testTransientFaultsAreRetriedAndTheAnswerIsTheNodes() async throws {
        for mode in ["http500", "http429", "drop"] {
            try await arm(mode)
            let chainID = try await client.requestQuantity("eth_chainId")
            XCTAssertEqual(chainID, 31337, "after one \(mode) the retry reaches the node")
        }
        XCTAssertFalse(clock.sleeps.isEmpty, "the retries backed off instead of hammering")
    }

    func testMalformedAndTruncatedAnswersAreTypedErrorsNotValues() async throws {
        for mode in ["malformed", "truncated"] {
            try await arm(mode, count: -1)
            let client = try JSONRPCClient(urls: [proxyURL], clock: clock)
            let failure = await rpcError { try await client.requestQuantity("eth_blockNumber") }
            guard case .malformedResponse? = failure else {
                return XCTFail("\(mode) must be a malformed-response error, got \(String(describing: failure))")
            }
            _ = try await control.request("proxy_clear")
        }
    }

    func testAStalledMempoolHoldsTheTransactionUntilFlushed() async throws {
        let nonce = try await client.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        let signed = try await signWithPython([
            "private_key": .string(DevnetHarness.walletKey), "chain_id": 31337, "nonce": .string(Hex.quantity(nonce)),
            "to": "0x00000000000000000000000000000000000000cc", "value": 7, "gas": 21000,
            "max_fee_per_gas": "0x3b9aca00", "max_priority_fee_per_gas": "0xf4240",
        ])
        try await arm("stall_sends", count: -1)
        let hash = try await client.sendRawTransaction(signed.raw)
        XCTAssertEqual(hash, signed.hash, "the proxy answers with the real hash, as a node would")
        let stuck = try await client.transactionReceipt(hash)
        XCTAssertEqual(stuck ?? .null, .null, "held back: never reached the node")
        let pendingNonce = try await client.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        XCTAssertEqual(pendingNonce, nonce)

        _ = try await control.request("proxy_clear")
        let flushed = try await control.request("proxy_flushSends")
        XCTAssertEqual(flushed.intValue, 1)
        let receipt = try await client.transactionReceipt(hash)
        XCTAssertEqual(receipt?["status"], "0x1")
    }

    // MARK: - A node 100 blocks behind

    /// Mines `blocks` empty blocks on the devnet itself, and sends one transfer from the test wallet
    /// after them (its receipt is in the newest block); returns the head and the transfer's hash.
    private func advanceTheChain(blocks: Int) async throws -> (head: UInt64, hash: String) {
        let node = try JSONRPCClient(urls: [devnet.info.rpcURL])
        for _ in 0..<blocks { _ = try await node.request("evm_mine") }
        let nonce = try await node.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        let signed = try await signWithPython([
            "private_key": .string(DevnetHarness.walletKey), "chain_id": 31337, "nonce": .string(Hex.quantity(nonce)),
            "to": "0x00000000000000000000000000000000000000cc", "value": 7, "gas": 21000,
            "max_fee_per_gas": "0x3b9aca00", "max_priority_fee_per_gas": "0xf4240",
        ])
        let hash = try await node.sendRawTransaction(signed.raw)
        return (try await node.blockNumber(), hash)
    }

    func testAStaleHeadAnswersFromTheStateItIsBehindBy() async throws {
        let (head, hash) = try await advanceTheChain(blocks: 110)
        let node = try JSONRPCClient(urls: [devnet.info.rpcURL])
        let nonceNow = try await node.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "latest"])
        let nonceThen = try await node.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), .string(Hex.quantity(head - 100))])
        XCTAssertGreaterThan(nonceNow, nonceThen, "the transfer is in the last block")
        _ = try await control.request("proxy_setLie", [["mode": "stale_head", "behind": 100]])

        let reported = try await client.blockNumber()
        XCTAssertEqual(reported, head - 100)
        let latest = try await client.request("eth_getBlockByNumber", ["latest", false])
        XCTAssertEqual(latest["number"]?.stringValue, Hex.quantity(head - 100))
        let pending = try await client.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        XCTAssertEqual(pending, nonceThen, "the nonce of 100 blocks ago: one already used")
        let receipt = try await client.transactionReceipt(hash)
        XCTAssertNil(receipt, "mined after its head: it has no receipt")
        let beyond = await rpcError { try await client.request("eth_getBalance", [.string(DevnetHarness.walletAddress), .string(Hex.quantity(head))]) }
        guard case .rpc(_, -32000, "header not found", _)? = beyond else { return XCTFail("\(String(describing: beyond))") }
        let batch = try await client.batch([RPCCall("eth_blockNumber"), RPCCall("eth_getBlockByNumber", ["latest", false])])
        XCTAssertEqual(try batch[0].get(), .string(Hex.quantity(head - 100)))
        XCTAssertEqual(try batch[1].get()["number"]?.stringValue, Hex.quantity(head - 100))

        _ = try await control.request("proxy_clearLies")
        let truth = try await client.blockNumber()
        XCTAssertEqual(truth, head)
        let mined = try await client.transactionReceipt(hash)
        XCTAssertEqual(mined?["status"], "0x1")
    }

    func testTheClientPrefersTheEndpointThatIsNotBehind() async throws {
        let (head, _) = try await advanceTheChain(blocks: 110)
        let node = try JSONRPCClient(urls: [devnet.info.rpcURL])
        let nonceNow = try await node.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        _ = try await control.request("proxy_setLie", [["mode": "stale_head", "behind": 100]])
        // The stale proxy first, the devnet itself second.
        let client = try JSONRPCClient(urls: [proxyURL, devnet.info.rpcURL], clock: clock, chainID: 31337)
        let nonce = try await client.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        XCTAssertEqual(nonce, nonceNow, "the pending count of the chain's head, not of 100 blocks ago")
        var health = await client.endpointHealth()
        XCTAssertEqual(health[0].stale?.behind, 100)
        XCTAssertEqual(health[0].head, head - 100)
        XCTAssertNil(health[1].stale)
        var stats = try await control.request("proxy_stats")
        XCTAssertEqual(stats["methods"], ["eth_chainId": 1, "eth_blockNumber": 1], "the stale endpoint was asked its chain and head only")

        // It catches up: at the next head check it is first in line again.
        _ = try await control.request("proxy_clearLies")
        clock.advance(by: 15)
        let block = try await client.blockNumber()
        XCTAssertEqual(block, head)
        health = await client.endpointHealth()
        XCTAssertNil(health[0].stale)
        stats = try await control.request("proxy_stats")
        XCTAssertEqual(stats["methods"], ["eth_chainId": 2, "eth_blockNumber": 3], "checked, then asked the call itself")
    }
}
