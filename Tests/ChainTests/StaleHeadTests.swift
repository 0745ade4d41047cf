@testable import Chain
import Foundation
import MammonCore
import XCTest

/// Several endpoints, one of which stops following the chain: the client learns every endpoint's
/// head (head checks, and the answers calls bring), sets a stale one aside until it catches up,
/// drops an answer that shows its endpoint far behind, and never sends a read pinned to a block to
/// an endpoint that has not reported it. Time is a ManualClock: nothing sleeps.
final class StaleHeadTests: XCTestCase {
    private var clock: ManualClock!
    private var notices: NoticeLog!

    override func setUp() {
        clock = ManualClock()
        notices = NoticeLog()
    }

    private func client(_ nodes: NodeTransport..., policy: EndpointPolicy = EndpointPolicy(), chainID: UInt64? = 8453) async -> JSONRPCClient {
        let client = JSONRPCClient(transports: nodes, policy: policy, clock: clock, chainID: chainID,
                                   verifiedURLs: Set(nodes.map(\.url)))
        await client.observeEndpointChanges { [notices] in notices!.append($0) }
        return client
    }

    // MARK: - A stale endpoint is set aside, and comes back

    func testAnEndpointFarBehindIsSetAsideAndTheOtherServes() async throws {
        let first = NodeTransport(url: "https://first.example.com/v2/KEY", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1100)
        let client = await client(first, second)

        let balance = try await client.request("eth_getBalance", ["0x00000000000000000000000000000000000000aa", "latest"])
        XCTAssertEqual(balance, "0x2", "answered by the second endpoint, from the chain's present state")
        XCTAssertEqual(first.methods, ["eth_chainId", "eth_blockNumber"], "the first endpoint was asked its chain and head, nothing else")
        XCTAssertEqual(second.methods, ["eth_chainId", "eth_blockNumber", "eth_getBalance"])

        let health = await client.endpointHealth()
        XCTAssertEqual(health[0].stale, StaleHead(head: 1000, aheadURL: second.url, aheadHead: 1100))
        XCTAssertNil(health[1].stale)
        XCTAssertEqual(health[0].description,
                       "https://first.example.com/…: 2 round trip(s), head 1000, stale: its head 1000 is 100 blocks behind "
                       + "https://second.example.com's 1100; set aside until it catches up")
        let states = await client.endpointStates()
        XCTAssertEqual(states.map(\.usable), [false, true], "a stale endpoint is not in use (metrics show it so)")
        XCTAssertEqual(notices.all, ["RPC endpoint https://first.example.com/…: stale: its head 1000 is 100 blocks behind "
                                     + "https://second.example.com's 1100; set aside until it catches up"])
        XCTAssertEqual(health[0].consecutiveFailures, 0, "behind is not broken: no failure counted")

        // Within the interval no new head check: the second endpoint carries on alone.
        clock.advance(by: 10)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods.count, 2)
        XCTAssertEqual(second.methods.suffix(1), ["eth_gasPrice"])
    }

    func testAStaleEndpointIsStillCheckedAndUsedAgainOnceItCatchesUp() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1100)
        let client = await client(first, second)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods, ["eth_chainId", "eth_blockNumber"])

        // Still 99 behind at the next check: still aside.
        first.head = 1010
        second.head = 1109
        clock.advance(by: 15)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods, ["eth_chainId", "eth_blockNumber", "eth_chainId", "eth_blockNumber"])
        var health = await client.endpointHealth()
        XCTAssertEqual(health[0].stale?.behind, 99)

        // Caught up to within the lag: the first endpoint serves again, as the first in order.
        first.head = 1100
        second.head = 1119
        clock.advance(by: 15)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods.suffix(3), ["eth_chainId", "eth_blockNumber", "eth_gasPrice"])
        health = await client.endpointHealth()
        XCTAssertNil(health[0].stale)
        XCTAssertEqual(health[0].head, 1100)
        XCTAssertEqual(notices.all.last, "RPC endpoint https://first.example.com caught up (head 1100, less than 20 blocks behind the others): in use again")
    }

    func testTheLagIsTheBoundary() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1019)
        let client = await client(first, second)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods.last, "eth_gasPrice", "19 blocks behind: in use")

        second.head = 1020
        clock.advance(by: 15)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(second.methods.last, "eth_gasPrice", "20 blocks behind: set aside")
        let health = await client.endpointHealth()
        XCTAssertEqual(health[0].stale?.behind, 20)

        // A lag of 100 (a network file's rpc_max_head_lag_blocks) keeps 99 in use.
        let third = NodeTransport(url: "https://third.example.com", head: 1000)
        let fourth = NodeTransport(url: "https://fourth.example.com", head: 1099)
        let patient = await self.client(third, fourth, policy: EndpointPolicy(maxHeadLag: 100))
        _ = try await patient.request("eth_gasPrice")
        XCTAssertEqual(third.methods.last, "eth_gasPrice")
    }

    // MARK: - Heads learned from answers

    func testALatestBlockFarBehindIsDroppedAndAskedOfTheOtherEndpoint() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1000)
        let client = await client(first, second)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods.last, "eth_gasPrice", "level at the check: the first serves")

        // Between checks the first endpoint falls back 100 blocks (a node that lost its peers and
        // restarted from an old snapshot): the block it calls latest is 100 behind the one the second
        // reported earlier, so that answer is an old state, not the chain's.
        first.head = 900
        let block = try await client.request("eth_getBlockByNumber", ["latest", false])
        XCTAssertEqual(block["number"], "0x3e8", "block 1000, from the second endpoint")
        XCTAssertEqual(first.methods.last, "eth_getBlockByNumber")
        XCTAssertEqual(second.methods.last, "eth_getBlockByNumber")
        var health = await client.endpointHealth()
        XCTAssertEqual(health[0].stale, StaleHead(head: 900, aheadURL: second.url, aheadHead: 1000))

        // In a batch too, and eth_blockNumber: the batch with the first's old head is not returned.
        let third = NodeTransport(url: "https://third.example.com", head: 500)
        let fourth = NodeTransport(url: "https://fourth.example.com", head: 500)
        let other = await self.client(third, fourth)
        _ = try await other.request("eth_gasPrice")
        third.head = 470
        fourth.head = 502
        let answers = try await other.batch([RPCCall("eth_getBalance", ["0x00000000000000000000000000000000000000aa", "latest"]),
                                             RPCCall("eth_blockNumber")])
        XCTAssertEqual(try answers[1].get(), "0x1f6", "502, the fourth endpoint's head")
        XCTAssertEqual(try answers[0].get(), "0x2", "the fourth endpoint's balance")
        health = await other.endpointHealth()
        XCTAssertEqual(health[0].stale?.behind, 30)
    }

    func testAnAnswerOnlyAFewBlocksBehindIsKept() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1005)
        let client = await client(first, second)
        let head = try await client.request("eth_blockNumber")
        XCTAssertEqual(head, "0x3e8", "5 blocks behind is no reason to go elsewhere")
        XCTAssertEqual(second.methods, ["eth_chainId", "eth_blockNumber"])
    }

    // MARK: - Reads pinned to a block

    func testAReadPinnedToABlockGoesOnlyToAnEndpointThatHasIt() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1010)
        let client = await client(first, second)
        let call: JSONValue = ["to": "0x00000000000000000000000000000000000000aa", "data": "0x"]

        // Block 1010: the first endpoint (10 behind, not stale) has not reported it.
        let later = try await client.request("eth_call", [call, "0x3f2"])
        XCTAssertEqual(later, "0x2")
        XCTAssertFalse(first.methods.contains("eth_call"))
        XCTAssertEqual(second.methods.last, "eth_call")

        // Block 1000: the first endpoint has it and is first in order.
        let earlier = try await client.request("eth_call", [call, "0x3e8"])
        XCTAssertEqual(earlier, "0x1")
        XCTAssertEqual(first.methods.last, "eth_call")

        // "latest" is not pinned: the first endpoint.
        _ = try await client.request("eth_call", [call, "latest"])
        XCTAssertEqual(first.methods.filter { $0 == "eth_call" }.count, 2)
    }

    func testAReadPinnedToABlockNoEndpointHasFailsAndIsAnsweredByNone() async throws {
        // Both endpoints answer any eth_call with a zero word: what a node without the block may do.
        let first = NodeTransport(url: "https://first.example.com", head: 1000, result: .string("0x" + String(repeating: "0", count: 64)))
        let second = NodeTransport(url: "https://second.example.com", head: 1000, result: .string("0x" + String(repeating: "0", count: 64)))
        let client = await client(first, second)
        let call: JSONValue = ["to": "0x00000000000000000000000000000000000000aa", "data": "0x"]
        let failure = await rpcError { try await client.request("eth_call", [call, "0x3ed"]) }
        guard case .behindTheChain(let method, let block, let heads)? = failure else {
            return XCTFail("a read of block 1005 on endpoints at 1000 must not be answered, got \(String(describing: failure))")
        }
        XCTAssertEqual(method, "eth_call")
        XCTAssertEqual(block, 1005)
        XCTAssertEqual(heads, ["https://first.example.com 1000", "https://second.example.com 1000"])
        XCTAssertEqual(failure?.alertCode, .rpcUnreachable)
        XCTAssertTrue(failure!.description.hasPrefix("eth_call at block 1005: no usable RPC endpoint has reached that block"), failure!.description)
        XCTAssertFalse(first.methods.contains("eth_call") || second.methods.contains("eth_call"), "sent to neither")
        // The heads were asked again before giving up (the check, then once more for the block).
        XCTAssertEqual(first.methods, ["eth_chainId", "eth_blockNumber", "eth_chainId", "eth_blockNumber"])

        // Once an endpoint reports the block, the read goes there.
        second.head = 1005
        clock.advance(by: 1)
        let answer = try await client.request("eth_call", [call, "0x3ed"])
        XCTAssertEqual(answer, .string("0x" + String(repeating: "0", count: 64)))
        XCTAssertEqual(second.methods.last, "eth_call")
        XCTAssertFalse(first.methods.contains("eth_call"))
    }

    func testPinnedBlocksAreReadFromTheBlockParameter() {
        let tx: JSONValue = ["to": "0x00000000000000000000000000000000000000aa"]
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_call", [tx, "0x10"]), 16)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_call", [tx, "latest"]), nil)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_call", [tx, ["blockNumber": "0x20"]]), 32, "EIP-1898")
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_call", [tx, ["blockHash": "0xabc"]]), nil)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_call", [tx]), nil)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_getStorageAt", ["0xaa", "0x0", "0x30"]), 48)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_getTransactionCount", ["0xaa", "pending"]), nil)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_feeHistory", ["0x1", "0x40", []]), 64)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_getLogs", [["fromBlock": "0x5", "toBlock": "0x9"]]), 9)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_getLogs", [["fromBlock": "0x5", "toBlock": "latest"]]), 5)
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_getBlockByNumber", ["0x5", false]), nil, "a block read answers null, never zero")
        XCTAssertEqual(JSONRPCClient.pinnedBlock("eth_sendRawTransaction", ["0x02f8"]), nil)
    }

    // MARK: - Nothing left but stale endpoints

    func testWhenOnlyAStaleEndpointIsLeftTheCallFailsRatherThanReadAnOldState() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1100)
        let client = await client(first, second, policy: EndpointPolicy(failuresBeforeUnhealthy: 1))
        _ = try await client.request("eth_gasPrice")

        // The second endpoint goes down (the nonce read's head check finds it so): the stale first
        // one is not a fallback.
        second.down = true
        let failure = await rpcError { try await client.request("eth_getTransactionCount", ["0x00000000000000000000000000000000000000aa", "pending"]) }
        guard case .behindTheChain(let method, nil, let heads)? = failure else { return XCTFail("\(String(describing: failure))") }
        XCTAssertEqual(method, "eth_getTransactionCount")
        XCTAssertEqual(heads, ["https://first.example.com 1000 (stale)", "https://second.example.com 1100"])
        XCTAssertTrue(failure!.description.hasPrefix("eth_getTransactionCount: every usable RPC endpoint is stale, far behind another's head"),
                      failure!.description)
        XCTAssertFalse(first.methods.contains("eth_getTransactionCount"), "no nonce from a node 100 blocks behind")
        let health = await client.endpointHealth()
        XCTAssertNotNil(health[1].unhealthyUntil)

        // Caught up with where the second endpoint was: used again, though the second is still down.
        first.head = 1090
        clock.advance(by: 15)
        let count = try await client.request("eth_getTransactionCount", ["0x00000000000000000000000000000000000000aa", "pending"])
        XCTAssertEqual(count, "0x1")
        XCTAssertEqual(first.methods.last, "eth_getTransactionCount")
    }

    func testANonceIsReadOnlyAfterTheHeadsWereChecked() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1000)
        let client = await client(first, second, policy: EndpointPolicy(headCheckInterval: 3600))
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods.last, "eth_gasPrice")

        // Moments later the first endpoint is 100 blocks behind: no interval has passed, but the
        // pending count is read only after a head check, so it comes from the second.
        first.head = 900
        let nonce = try await client.request("eth_getTransactionCount", ["0x00000000000000000000000000000000000000aa", "pending"])
        XCTAssertEqual(nonce, "0x2")
        XCTAssertEqual(first.methods.suffix(2), ["eth_chainId", "eth_blockNumber"])
        XCTAssertFalse(first.methods.contains("eth_getTransactionCount"))
        XCTAssertEqual(second.methods.suffix(3), ["eth_chainId", "eth_blockNumber", "eth_getTransactionCount"])
    }

    // MARK: - Chain id at every head check

    func testAHeadCheckRefusesForGoodAnEndpointThatNowReportsAnotherChain() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1000)
        let client = await client(first, second)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods.last, "eth_gasPrice")

        first.chainID = 1  // its URL now leads to another network
        clock.advance(by: 15)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(second.methods.last, "eth_gasPrice")
        let health = await client.endpointHealth()
        guard case .wrongChain(_, let expected, let reported)? = health[0].refusal else { return XCTFail("\(health[0])") }
        XCTAssertEqual([expected, reported], [8453, 1])
        XCTAssertEqual(notices.all, ["refusing the RPC endpoint https://first.example.com: it reports chain 1, not the network's chain 8453; it is never used again (check its URL)"])

        // Back on the right chain: still refused; with one endpoint left there are no more head checks.
        first.chainID = 8453
        let asked = first.methods.count
        clock.advance(by: 3600)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods.count, asked)
        XCTAssertEqual(second.methods.suffix(2), ["eth_gasPrice", "eth_gasPrice"])
    }

    func testAnEndpointOfAnotherChainNeverCountsAsAhead() async throws {
        // The first endpoint is another chain's, far ahead: refused at the check, it makes no one stale.
        let first = NodeTransport(url: "https://first.example.com", head: 9_000_000, chainID: 1)
        let second = NodeTransport(url: "https://second.example.com", head: 1000)
        let client = JSONRPCClient(transports: [first, second], clock: clock, chainID: 8453)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(first.methods, ["eth_chainId"])
        let health = await client.endpointHealth()
        XCTAssertNotNil(health[0].refusal)
        XCTAssertNil(health[0].head)
        XCTAssertNil(health[1].stale)
        XCTAssertEqual(second.methods.last, "eth_gasPrice")
    }

    // MARK: - When heads are checked

    func testHeadChecksRunBeforeTheFirstCallAndThenEveryInterval() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1000)
        let client = await client(first, second, policy: EndpointPolicy(headCheckInterval: 60))
        for _ in 0..<3 { _ = try await client.request("eth_gasPrice") }
        XCTAssertEqual(second.methods, ["eth_chainId", "eth_blockNumber"], "one check for three calls")
        clock.advance(by: 59)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(second.methods.count, 2)
        clock.advance(by: 1)
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(second.methods, ["eth_chainId", "eth_blockNumber", "eth_chainId", "eth_blockNumber"])

        // Off: heads are learned from answers only.
        let third = NodeTransport(url: "https://third.example.com", head: 1000)
        let fourth = NodeTransport(url: "https://fourth.example.com", head: 1000)
        let quiet = await self.client(third, fourth, policy: EndpointPolicy(headCheckInterval: nil))
        _ = try await quiet.request("eth_gasPrice")
        XCTAssertEqual(third.methods, ["eth_gasPrice"])
        XCTAssertEqual(fourth.methods, [])
    }

    func testOneEndpointIsNeverCheckedOrRouted() async throws {
        let only = NodeTransport(url: "https://only.example.com", head: 1000)
        let client = await client(only)
        let call: JSONValue = ["to": "0x00000000000000000000000000000000000000aa", "data": "0x"]
        _ = try await client.request("eth_call", [call, "0x3e0"])
        _ = try await client.request("eth_gasPrice")
        XCTAssertEqual(only.methods, ["eth_call", "eth_gasPrice"], "nothing to compare a head with: no checks, the pinned read goes to it")
    }

    func testAFailedHeadCheckCountsAgainstItsEndpoint() async throws {
        let first = NodeTransport(url: "https://first.example.com", head: 1000)
        let second = NodeTransport(url: "https://second.example.com", head: 1000)
        first.down = true
        let client = await client(first, second, policy: EndpointPolicy(failuresBeforeUnhealthy: 2))
        _ = try await client.request("eth_gasPrice")
        let health = await client.endpointHealth()
        XCTAssertEqual(health[0].consecutiveFailures, 2, "the check's failure and the call's")
        XCTAssertNotNil(health[0].unhealthyUntil)
        XCTAssertNil(health[0].head)
        XCTAssertEqual(second.methods, ["eth_chainId", "eth_blockNumber", "eth_gasPrice"])
    }
}

/// An endpoint in memory that follows a chain: `eth_blockNumber` and the `latest` block answer `head`,
/// state reads at a block above it answer an error as geth does ("header not found"), and every other
/// call `result` (a read at a block at or below the head: "0x1"; above the first endpoint's head in
/// the pinned-read test the second answers "0x2"). Records the methods it served, in order.
final class NodeTransport: HTTPTransport, @unchecked Sendable {
    let url: String
    private let lock = NSLock()
    private var state: (head: UInt64, chainID: UInt64, down: Bool)
    private var served: [String] = []
    private let result: JSONValue?

    init(url: String, head: UInt64, chainID: UInt64 = 8453, result: JSONValue? = nil) {
        self.url = url
        self.state = (head, chainID, false)
        self.result = result
    }

    var head: UInt64 {
        get { lock.withLock { state.head } }
        set { lock.withLock { state.head = newValue } }
    }

    var chainID: UInt64 {
        get { lock.withLock { state.chainID } }
        set { lock.withLock { state.chainID = newValue } }
    }

    var down: Bool {
        get { lock.withLock { state.down } }
        set { lock.withLock { state.down = newValue } }
    }

    var methods: [String] { lock.withLock { served } }

    func post(_ body: [UInt8]) async throws(TransportError) -> HTTPResponse {
        let (head, chainID, down) = lock.withLock { state }
        if down { throw TransportError(url: url, kind: .couldNotConnect, code: 7, message: "Failed to connect: Connection refused") }
        guard let request = try? JSONValue.parse(body) else { return HTTPResponse(status: 400, body: Array("bad request".utf8)) }
        func hex(_ n: UInt64) -> JSONValue { .string("0x" + String(n, radix: 16)) }
        func answer(_ call: JSONValue) -> JSONValue {
            let method = call["method"]?.stringValue ?? ""
            let params = call["params"]?.arrayValue ?? []
            lock.withLock { served.append(method) }
            let value: JSONValue
            switch method {
            case "eth_chainId": value = hex(chainID)
            case "eth_blockNumber": value = hex(head)
            case "eth_getBlockByNumber": value = ["number": hex(head), "timestamp": "0x6553f100"]
            default:
                if let pinned = JSONRPCClient.pinnedBlock(method, params), pinned > head {
                    return ["jsonrpc": "2.0", "id": call["id"] ?? .null, "error": ["code": -32000, "message": "header not found"]]
                }
                // The second endpoint's answers differ from the first's, so a test sees who answered.
                value = result ?? (url.contains("second") || url.contains("fourth") ? "0x2" : "0x1")
            }
            return ["jsonrpc": "2.0", "id": call["id"] ?? .null, "result": value]
        }
        let response: JSONValue = request.arrayValue.map { .array($0.map(answer)) } ?? answer(request)
        return HTTPResponse(status: 200, body: response.utf8Bytes, reusedConnection: true)
    }
}
