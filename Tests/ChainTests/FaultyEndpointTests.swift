import Chain
import XCTest

/// The client against Tests/Devnet/fault_server.py: bad statuses, bad bodies, dead connections.
/// Time is a ManualClock, so backoff waits are recorded, never slept.
final class FaultyEndpointTests: XCTestCase {
    private var faults: FaultServer!
    private var clock: ManualClock!

    override func setUp() async throws {
        faults = try await FaultServer.start()
        clock = ManualClock()
    }

    override func tearDown() async throws {
        faults?.stop()
    }

    /// Head checks off: these tests count one call's round trips and failovers; with two endpoints a
    /// head check would ask both first (StaleHeadTests covers it).
    private func client(_ paths: String..., policy: EndpointPolicy = EndpointPolicy(headCheckInterval: nil),
                        options: TransportOptions = TransportOptions()) throws -> JSONRPCClient {
        try JSONRPCClient(urls: paths.map { faults.url($0) }, options: options, policy: policy, clock: clock)
    }

    func testServerErrorBacksOffThenGivesUp() async throws {
        let client = try client("/status/500")
        let failure = await rpcError { try await client.request("eth_chainId") }
        guard case .httpStatus(let context, let status, _, let body)? = failure else {
            return XCTFail("HTTP 500 must fail, got \(String(describing: failure))")
        }
        XCTAssertEqual(status, 500)
        XCTAssertEqual(body, "upstream trouble")
        XCTAssertEqual(context.method, "eth_chainId")
        // 3 failures in a row make it unhealthy (default policy), after waits of 0.5 s and 1 s.
        XCTAssertEqual(clock.sleeps, [0.5, 1.0])
        let served = try await faults.requestCount("/status/500")
        XCTAssertEqual(served, 3)
        let health = await client.endpointHealth()
        XCTAssertNotNil(health[0].unhealthyUntil)
    }

    func testTooManyRequestsWaitsForRetryAfterWithoutMarkingUnhealthy() async throws {
        let client = try client("/status/429?retry_after=2")
        let failure = await rpcError { try await client.request("eth_blockNumber") }
        guard case .httpStatus(_, let status, let retryAfter, _)? = failure else {
            return XCTFail("HTTP 429 must fail once the attempts are spent, got \(String(describing: failure))")
        }
        XCTAssertEqual(status, 429)
        XCTAssertEqual(retryAfter, 2)
        XCTAssertEqual(clock.sleeps, [2, 2, 2])
        let served = try await faults.requestCount("/status/429")
        XCTAssertEqual(served, 4)
        let health = await client.endpointHealth()
        XCTAssertNil(health[0].unhealthyUntil, "a busy endpoint is not a broken one")
        XCTAssertEqual(health[0].consecutiveThrottles, 4)
    }

    func testThrottledEndpointIsSkippedForAHealthyOneWithoutWaiting() async throws {
        let client = try client("/status/503", "/ok")
        let first = try await client.request("eth_chainId")
        let second = try await client.request("eth_chainId")
        XCTAssertEqual(first, "0x7a69")
        XCTAssertEqual(second, "0x7a69")
        XCTAssertEqual(clock.sleeps, [])
        let throttled = try await faults.requestCount("/status/503")
        XCTAssertEqual(throttled, 1, "the second call must not go back to an endpoint still backing off")
        let served = try await faults.requestCount("/ok")
        XCTAssertEqual(served, 2)
    }

    func testHTMLBodyIsMalformed() async throws {
        let client = try client("/malformed")
        let failure = await rpcError { try await client.request("eth_chainId") }
        guard case .malformedResponse(_, _, let truncated, let body)? = failure else {
            return XCTFail("HTML is not a JSON-RPC answer, got \(String(describing: failure))")
        }
        XCTAssertFalse(truncated)
        XCTAssertTrue(body.hasPrefix("<html>"))
    }

    func testCutOffJSONIsTruncated() async throws {
        let client = try client("/truncated-json")
        let failure = await rpcError { try await client.request("eth_chainId") }
        guard case .malformedResponse(_, let reason, let truncated, _)? = failure else {
            return XCTFail("cut-off JSON must fail, got \(String(describing: failure))")
        }
        XCTAssertTrue(truncated, reason)
    }

    func testBodyShorterThanAnnouncedIsATransportError() async throws {
        let client = try client("/short-body")
        let failure = await rpcError { try await client.request("eth_chainId") }
        guard case .transport(_, let error)? = failure else {
            return XCTFail("a short body must fail, got \(String(describing: failure))")
        }
        XCTAssertEqual(error.kind, .partialBody)
        XCTAssertEqual(error.code, 18)
    }

    func testAnswerForAnotherIDIsRefused() async throws {
        let client = try client("/wrong-id")
        let failure = await rpcError { try await client.request("eth_chainId") }
        guard case .malformedResponse(_, let reason, _, _)? = failure else {
            return XCTFail("an answer to another request must not be taken, got \(String(describing: failure))")
        }
        XCTAssertTrue(reason.contains("987654"), reason)
    }

    func testJSONRPCErrorKeepsCodeMessageAndData() async throws {
        let client = try client("/rpc-error")
        let failure = await rpcError { try await client.request("eth_getBalance", ["abc", "latest"]) }
        guard case .rpc(let context, let code, let message, let data)? = failure else {
            return XCTFail("the endpoint answers with an error object, got \(String(describing: failure))")
        }
        XCTAssertEqual(code, -32602)
        XCTAssertEqual(message, "invalid argument 0: hex string without 0x prefix")
        XCTAssertEqual(data, JSONValue.object(["argument": 0]))
        XCTAssertEqual(context.url, faults.url("/rpc-error"))
        let served = try await faults.requestCount("/rpc-error")
        XCTAssertEqual(served, 1, "an error answer is final: no retry")
    }

    func testTimeoutIsATypedTransportError() async throws {
        let client = try client("/hang", options: TransportOptions(connectTimeout: 1, totalTimeout: 0.3))
        let failure = await rpcError { try await client.request("eth_chainId") }
        guard case .transport(_, let error)? = failure else {
            return XCTFail("a node that never answers must time out, got \(String(describing: failure))")
        }
        XCTAssertEqual(error.kind, .timedOut)
        XCTAssertEqual(error.code, 28)
    }

    func testOversizedBodyIsRefused() async throws {
        let transport = try CurlTransport(url: faults.url("/malformed"), options: TransportOptions(maxResponseBytes: 10))
        do {
            _ = try await transport.post(Array("{}".utf8))
            XCTFail("a 42-byte body must not fit in 10")
        } catch {
            XCTAssertEqual(error.kind, .responseTooLarge)
        }
    }

    func testCancellingTheCallingTaskAbortsTheTransfer() async throws {
        let client = try client("/hang")  // default 30 s timeout: only cancellation ends this early
        let call = Task { try await client.request("eth_chainId") }
        // Cancel once the server holds the request, so the transfer itself must be aborted.
        var received = 0
        for _ in 0..<10_000 where received == 0 {
            received = try await faults.requestCount("/hang")
        }
        XCTAssertEqual(received, 1)
        call.cancel()
        let result = await call.result
        guard case .failure(let error) = result, case .cancelled? = error as? RPCError else {
            return XCTFail("expected .cancelled, got \(result)")
        }
        let health = await client.endpointHealth()
        XCTAssertEqual(health[0].consecutiveFailures, 0, "cancelling is not the endpoint's fault")
    }

    func testRepeatedFailuresSetAnEndpointAsideForTheCooldown() async throws {
        let client = try client("/close", "/ok")
        for _ in 0..<4 {
            let answer = try await client.request("eth_chainId")
            XCTAssertEqual(answer, "0x7a69")
        }
        var closed = try await faults.requestCount("/close")
        XCTAssertEqual(closed, 3, "after 3 failures in a row the endpoint is skipped")
        let health = await client.endpointHealth()
        guard case .transport(_, let error)? = health[0].lastError else { return XCTFail("\(health[0])") }
        XCTAssertEqual(error.kind, .emptyReply)

        clock.advance(by: 31)
        _ = try await client.request("eth_chainId")
        _ = try await client.request("eth_chainId")
        closed = try await faults.requestCount("/close")
        XCTAssertEqual(closed, 4, "after the cooldown one probe, and its failure sets it aside again")
    }

    func testNoHealthyEndpointSaysWhenToRetry() async throws {
        let client = try client("/close", policy: EndpointPolicy(failuresBeforeUnhealthy: 1, unhealthyCooldown: 30))
        let failure = await rpcError { try await client.request("eth_chainId") }
        guard case .transport(_, let error)? = failure else {
            return XCTFail("a closed connection must fail, got \(String(describing: failure))")
        }
        XCTAssertEqual(error.kind, .emptyReply)
        clock.advance(by: 10)
        let second = await rpcError { try await client.request("eth_chainId") }
        guard case .noHealthyEndpoint(let urls, let retryIn)? = second else {
            return XCTFail("the only endpoint is cooling down, got \(String(describing: second))")
        }
        XCTAssertEqual(urls, [faults.url("/close")])
        XCTAssertEqual(retryIn, 20, accuracy: 0.001)
        let served = try await faults.requestCount("/close")
        XCTAssertEqual(served, 1)
    }

    func testBatchAgainstAFailingEndpointFailsOverAsAWhole() async throws {
        let client = try client("/status/502", "/ok")
        let results = try await client.batch([RPCCall("eth_chainId"), RPCCall("eth_blockNumber")])
        XCTAssertEqual(results.count, 2)
        XCTAssertEqual(try results[1].get(), "0x7a69")
        let roundTrips = await client.roundTrips
        XCTAssertEqual(roundTrips, 2)
    }
}
