import Chain
import Foundation
import XCTest

/// What the RPC client tells metrics: one sample per HTTP round trip, failures marked, and each
/// endpoint's state; labels carry the host and port only.
final class RoundTripMetricsTests: XCTestCase {
    private final class Samples: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [RoundTripSample] = []
        func append(_ s: RoundTripSample) { lock.withLock { items.append(s) } }
        var all: [RoundTripSample] { lock.withLock { items } }
    }

    func testEveryRoundTripIsObservedAndAFailoverShowsAsAFailure() async throws {
        let down = ScriptedTransport(url: "https://down.example.com/v2/KEY", chainID: 8453, down: true)
        let good = ScriptedTransport(url: "https://good.example.com:8443/?apikey=KEY", chainID: 8453)
        // Head checks off: their round trips are observed too, but this counts a call's failover.
        let client = JSONRPCClient(transports: [down, good], policy: EndpointPolicy(headCheckInterval: nil), clock: ManualClock())
        let samples = Samples()
        await client.observeRoundTrips { samples.append($0) }

        _ = try await client.request("eth_blockNumber")
        _ = try await client.batch([RPCCall("eth_blockNumber"), RPCCall("eth_gasPrice")])

        XCTAssertEqual(samples.all.map(\.url), [down.url, good.url, down.url, good.url])
        XCTAssertEqual(samples.all.map(\.failed), [true, false, true, false], "one sample per HTTP round trip, not per call")
        XCTAssertTrue(samples.all.allSatisfy { $0.seconds >= 0 })

        let states = await client.endpointStates()
        XCTAssertEqual(states.map(\.usable), [true, true], "two failures do not set an endpoint aside (three do)")
        XCTAssertEqual(states[0].health.consecutiveFailures, 2)
        XCTAssertEqual(states.map { EndpointURL.label($0.health.url) }, ["down.example.com", "good.example.com:8443"])

        await client.observeRoundTrips(nil)
        _ = try await client.request("eth_blockNumber")
        XCTAssertEqual(samples.all.count, 4, "observing stopped")
    }
}
