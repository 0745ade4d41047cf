import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// A send whose answer never came back is not yet a failed send: the node may have taken it. The
/// fault proxy forwards it and drops the answer (or drops it unsent) on every attempt.
final class LiveBroadcastTests: DevnetTestCase {
    private var proxy: PythonServer?

    override func tearDown() async throws {
        proxy?.stop()
        try await super.tearDown()
    }

    /// A chain whose only endpoint is the proxy, two attempts per call: both attempts of a send fail,
    /// and the endpoint is still healthy enough to be asked what became of it.
    private func chainThroughProxy() async throws -> (chain: LiveChain, control: JSONRPCClient) {
        let proxy = try await PythonServer.start(script: "fault_proxy.py", arguments: ["--watch-stdin", "--upstream", devnet.info.rpcURL])
        self.proxy = proxy
        let url = proxy.readyLine["proxy_url"]?.stringValue ?? ""
        let chain = try await LiveChain.connect(network: try devnet.network(rpcURLs: [url]), signer: try LiveDevnet.signer(),
                                                options: LiveChainOptions(receiptPollSeconds: 0.05), policy: EndpointPolicy(maxAttempts: 2))
        return (chain, try JSONRPCClient(urls: [url]))
    }

    private func sendLosingEveryAnswer(_ mode: String, lie: String? = nil) async throws -> (chain: LiveChain, tx: PreparedTransaction, error: String?) {
        let (chain, control) = try await chainThroughProxy()
        let tx = try await chain.prepare(.approve(.usdc, spender: .aaveV3, LiveDevnet.usdc(3)))
        if let lie { _ = try await control.request("proxy_setLie", [.object(["mode": .string(lie)])]) }
        _ = try await control.request("proxy_setFault", [.object(["mode": .string(mode), "count": -1])])
        let error = await liveError { try await chain.broadcast(tx) }
        _ = try await control.request("proxy_reset")
        return (chain, tx, error)
    }

    func testASendWhoseAnswerWasLostAfterTheNodeTookItCountsAsSentAndIsMined() async throws {
        let (chain, tx, error) = try await sendLosingEveryAnswer("lose_send_answers")
        XCTAssertNil(error, "the node has the transaction: the send happened")
        let receipt = try await chain.awaitReceipt(tx)
        XCTAssertTrue(receipt.succeeded)
        XCTAssertEqual(receipt.hash, tx.hash)
    }

    func testALostSendCountsAsSentWhenTheNodeDoesNotShowTheHashButItsNonceMovedPast() async throws {
        let (chain, tx, error) = try await sendLosingEveryAnswer("lose_send_answers", lie: "unknown_transaction")
        XCTAssertNil(error, "the wallet's pending nonce passed the transaction's: the send happened")
        let receipt = try await chain.awaitReceipt(tx)
        XCTAssertEqual(receipt.hash, tx.hash)
    }

    func testASendThatNeverReachedTheNodeStillFails() async throws {
        let (chain, tx, error) = try await sendLosingEveryAnswer("drop_sends")
        XCTAssertNotNil(error, "nothing reached the node: the send failed")
        let status = try await chain.transactionStatus(tx)
        XCTAssertEqual(status, .unknown)
    }
}
