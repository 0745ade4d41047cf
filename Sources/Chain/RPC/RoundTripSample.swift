/// One HTTP round trip to an endpoint, for metrics: how long it took and whether the endpoint failed
/// (no answer, an HTTP error, garbage). A JSON-RPC error or a revert is an answer, not a failure.
public struct RoundTripSample: Sendable, Hashable {
    /// The full URL (it may hold an API key): label it with `EndpointURL.label`.
    public let url: String
    public let seconds: Double
    public let failed: Bool

    public init(url: String, seconds: Double, failed: Bool) {
        self.url = url
        self.seconds = seconds
        self.failed = failed
    }
}
