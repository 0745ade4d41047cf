/// How the client treats failing endpoints.
public struct EndpointPolicy: Sendable, Hashable {
    /// Consecutive endpoint failures (no answer, 5xx, 4xx, garbage) before it is set aside.
    public var failuresBeforeUnhealthy: Int
    /// Seconds an unhealthy endpoint is skipped; after that one request probes it again.
    public var unhealthyCooldown: Double
    /// First wait after a 429/5xx, doubled for each further one in a row (unless Retry-After says).
    public var backoffBase: Double
    /// No wait is longer than this, whatever Retry-After asks.
    public var backoffMax: Double
    /// HTTP round trips one call may make across all endpoints, waits included.
    public var maxAttempts: Int

    public init(failuresBeforeUnhealthy: Int = 3, unhealthyCooldown: Double = 30, backoffBase: Double = 0.5,
                backoffMax: Double = 30, maxAttempts: Int = 4)
    {
        self.failuresBeforeUnhealthy = max(1, failuresBeforeUnhealthy)
        self.unhealthyCooldown = unhealthyCooldown
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
        self.maxAttempts = max(1, maxAttempts)
    }
}

/// What the client knows about one endpoint. A circuit breaker: failures in a row open it for a
/// cooldown; after the cooldown a single failure opens it again, a success closes it. An endpoint
/// that reported another chain is refused for good.
public struct EndpointHealth: Sendable, Hashable, CustomStringConvertible {
    /// The full URL (it may hold an API key): print `description`, which redacts it.
    public let url: String
    public internal(set) var consecutiveFailures = 0
    /// Consecutive 429/5xx answers; sets the backoff length.
    public internal(set) var consecutiveThrottles = 0
    public internal(set) var unhealthyUntil: Double?
    public internal(set) var backoffUntil: Double?
    public internal(set) var lastError: RPCError?
    /// HTTP round trips sent to this endpoint.
    public internal(set) var roundTrips = 0
    /// Its `eth_chainId` matched the network's (checked before it serves anything else).
    public internal(set) var chainVerified = false
    /// Why it is set aside for good (it reported another chain); never used again.
    public internal(set) var refusal: RPCError?

    public init(url: String) { self.url = url }

    public func isHealthy(at now: Double) -> Bool { refusal == nil && (unhealthyUntil.map { now >= $0 } ?? true) }

    public var description: String {
        var parts = ["\(EndpointURL.redacted(url)): \(roundTrips) round trip(s)"]
        if let refusal { parts.append("refused: \(refusal)") }
        if consecutiveFailures > 0 { parts.append("\(consecutiveFailures) failure(s) in a row") }
        if let lastError, refusal == nil { parts.append("last error: \(lastError)") }
        return parts.joined(separator: ", ")
    }

    func isReady(at now: Double) -> Bool { isHealthy(at: now) && (backoffUntil.map { now >= $0 } ?? true) }

    mutating func recordSuccess() {
        consecutiveFailures = 0
        consecutiveThrottles = 0
        unhealthyUntil = nil
        backoffUntil = nil
        lastError = nil
    }

    mutating func recordFailure(_ error: RPCError, at now: Double, policy: EndpointPolicy) {
        lastError = error
        if case .httpStatus(_, let status, let retryAfter, _) = error, error.isThrottle {
            consecutiveThrottles += 1
            let doubling = policy.backoffBase * Double(1 << min(consecutiveThrottles - 1, 30))
            backoffUntil = now + min(policy.backoffMax, retryAfter ?? doubling)
            if status == 429 { return }  // busy, not broken: it does not count toward unhealthy
        }
        consecutiveFailures += 1
        if consecutiveFailures >= policy.failuresBeforeUnhealthy {
            unhealthyUntil = now + policy.unhealthyCooldown
        }
    }
}
