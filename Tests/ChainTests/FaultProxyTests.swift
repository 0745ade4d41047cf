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
}
